package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionClose;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import com.kafkaconnectiroh.p2p.gossip.proto.Event;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipConfig;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.InEvent;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.MessageId;
import com.kafkaconnectiroh.p2p.gossip.proto.OutEvent;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerData;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerIdCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.PlumTreeMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.Scope;
import com.kafkaconnectiroh.p2p.gossip.proto.State;
import com.kafkaconnectiroh.p2p.gossip.proto.Timer;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicCommand;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network driver of one {@link Gossip}: runs the sans-IO {@link State} on the {@link GossipLoop} and carries
 * out what it asks for: dialing peers, per-peer connections ({@link Link}) in either wire version, timers,
 * subscriber events, the address book. Every field is owned by the loop thread; other threads only
 * {@link #post} tasks.
 *
 * <p>Connections per peer (iroh-gossip {@code net.rs::PeerState}): the newest connection, dialed or accepted, is
 * the one we send on; older ones stop sending (flush, FIN) and keep delivering what the peer still sends until
 * both directions are done. A message for a peer without a connection starts a dial and waits in a bounded queue.
 * {@code PeerDisconnected} reaches the protocol once, when the sending connection ends or a dial fails, never for a
 * replaced connection nor for one the protocol itself asked to close.
 */
final class GossipActor {
    private static final Logger LOG = LoggerFactory.getLogger(GossipActor.class);
    /** How often our own addresses are re-read (iroh watches them; our endpoint has no watch API). */
    private static final long ADDR_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);

    final GossipLoop loop;
    final Endpoint endpoint;
    final Gossip.Settings settings;
    final GossipCodec<EndpointId> codec = new GossipCodec<>(PeerIdCodec.ENDPOINT_ID);
    final GossipStats.Counters counters = new GossipStats.Counters();
    private final EndpointId me;
    private final State<EndpointId> state;
    private final Map<EndpointId, PeerState> peers = new HashMap<>();
    private final Map<TopicId, TopicState> topics = new LinkedHashMap<>();
    private final AddressBook addresses;
    private final Semaphore commandPermits;
    /** Tracked broadcasts not decided yet. */
    final Deliveries deliveries;
    /** Graft timers wait here while we are behind on reading payloads. */
    private final GraftHold graftHold;
    private final CompletableFuture<Boolean> shutdownDone = new CompletableFuture<>();
    /** Broadcast futures held back while a connection's send queue is above half its bound, oldest first. */
    private final ArrayDeque<CompletableFuture<Void>> paced = new ArrayDeque<>();
    /** Counts the spells of pacing, so a spell's deadline does not release a later spell's futures. */
    private long pacingSpell;
    private List<InetSocketAddress> ourAddrs;
    /** Our home relay as last advertised (null: none), so peers that cannot reach us directly use it. */
    private RelayUrl ourRelay;
    private boolean shuttingDown;
    private boolean stopping;

    /** Per-peer connection state. */
    static final class PeerState {
        final EndpointId id;
        /** The connection we send on, or null. */
        Link active;
        /** Every open connection, the active one included. */
        final List<Link> links = new ArrayList<>(2);
        /** Messages waiting for a dial to finish (only while {@code active == null}). */
        final ArrayDeque<Outgoing> pending = new ArrayDeque<>();
        long pendingBytes;
        boolean dialing;
        /** The protocol asked to disconnect while a dial was under way: flush the queue, then stop sending. */
        boolean disconnectAfterFlush;

        PeerState(EndpointId id) {
            this.id = id;
        }
    }

    record Outgoing(TopicId topic, Message<EndpointId> message, int size, BroadcastReceipt receipt) {
    }

    /** A broadcast waiting for its topic's first neighbor, and its receipt if tracked. */
    record Held(TopicCommand.Broadcast<EndpointId> broadcast, BroadcastReceipt receipt) {
    }

    /** Per-topic driver state: the subscriptions, the neighbor set they see, broadcasts held for a neighbor. */
    static final class TopicState {
        final TopicId id;
        final List<GossipTopic> handles = new ArrayList<>(1);
        final LinkedHashSet<EndpointId> neighbors = new LinkedHashSet<>();
        /** Broadcasts made while the topic had no neighbor, oldest first; bounded by maxHeldBroadcasts. */
        final ArrayDeque<Held> held = new ArrayDeque<>();
        long heldBytes;

        TopicState(TopicId id) {
            this.id = id;
        }
    }

    GossipActor(Endpoint endpoint, Gossip.Settings settings, long seed) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.me = endpoint.id();
        this.loop = new GossipLoop("iroh-gossip-" + me.fmtShort());
        this.addresses = new AddressBook(settings.addressBookSize());
        this.deliveries = new Deliveries(loop);
        this.graftHold = new GraftHold(loop, timer -> handle(new InEvent.TimerExpired<>(timer)));
        this.commandPermits = new Semaphore(settings.maxPendingCommands());
        EndpointAddr ours = endpoint.addr();
        this.ourAddrs = ours.ipAddrs().stream().toList();
        this.ourRelay = ours.relayUrl().orElse(null);
        this.state = new State<>(me, ourPeerData(ourRelay, ourAddrs), settings.config(), codec, new SplittableRandom(seed));
    }

    void start() {
        loop.start();
        post(() -> loop.schedule(ADDR_REFRESH_NANOS, this::refreshOurAddresses));
    }

    // ================================================================================================
    // Posting from other threads

    /** Runs {@code task} on the loop; false once the loop has stopped. */
    boolean post(Runnable task) {
        return loop.execute(task);
    }

    /**
     * Runs an application command on the loop, bounding how many wait there: callers block while
     * {@code maxPendingCommands} are queued (except on the loop itself, which must never block).
     */
    CompletableFuture<Void> command(Consumer<CompletableFuture<Void>> task) {
        return command(new CompletableFuture<>(), task, null);
    }

    /**
     * {@link #command(Consumer)} completing {@code f}; {@code rejected} (if not null) runs on the caller's thread
     * when the task will never run (the gossip is shut down, or the caller was interrupted while waiting).
     */
    CompletableFuture<Void> command(CompletableFuture<Void> f, Consumer<CompletableFuture<Void>> task,
                                    Runnable rejected) {
        boolean permit = !loop.inLoop();
        if (permit) {
            try {
                commandPermits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.completeExceptionally(e);
                if (rejected != null) {
                    rejected.run();
                }
                return f;
            }
        }
        boolean queued = post(() -> {
            if (permit) {
                commandPermits.release();
            }
            try {
                task.accept(f);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        if (!queued) {
            if (permit) {
                commandPermits.release();
            }
            f.completeExceptionally(new IllegalStateException("gossip is shut down"));
            if (rejected != null) {
                rejected.run();
            }
        }
        return f;
    }

    int maxContentSize() {
        return settings.config().maxContentSize();
    }

    int maxMessageSize() {
        return settings.config().maxMessageSize();
    }

    // ================================================================================================
    // The protocol

    private void handle(InEvent<EndpointId> event) {
        List<OutEvent<EndpointId>> out;
        try {
            out = state.handle(event, System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("{}: gossip state refused {}: {}", me.fmtShort(), event, e.getMessage());
            return;
        }
        for (int i = 0; i < out.size(); i++) {
            OutEvent<EndpointId> o = out.get(i);
            if (o instanceof OutEvent.SendMessage<EndpointId> s) {
                send(s.to(), s.topic(), s.message());
            } else if (o instanceof OutEvent.EmitEvent<EndpointId> e) {
                emit(e.topic(), e.event());
            } else if (o instanceof OutEvent.ScheduleTimer<EndpointId> t) {
                Timer<EndpointId> timer = t.timer();
                if (timer.kind() == Timer.Kind.SEND_GRAFT) {
                    loop.schedule(t.delayNanos(), () -> graftHold.due(timer));
                } else {
                    loop.schedule(t.delayNanos(), () -> handle(new InEvent.TimerExpired<>(timer)));
                }
            } else if (o instanceof OutEvent.DisconnectPeer<EndpointId> d) {
                disconnectPeer(d.peer());
            } else if (o instanceof OutEvent.PeerDataReceived<EndpointId> p) {
                peerData(p.peer(), p.data());
            }
        }
    }

    /** A reader's read was handled: see {@link GraftHold#reader}. */
    void readerBehind(boolean now, boolean before) {
        graftHold.reader(now, before);
    }

    /** A decoded message from a peer (from a {@link Link}'s reader). */
    void received(EndpointId from, TopicId topic, Message<EndpointId> message) {
        counters.messagesReceived++;
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}: from {} on {}: {}", me.fmtShort(), from.fmtShort(), topic.fmtShort(), message);
        }
        handle(new InEvent.RecvMessage<>(from, topic, message));
    }

    private void emit(TopicId topicId, Event<EndpointId> event) {
        TopicState t = topics.get(topicId);
        if (t == null) {
            return;
        }
        if (event instanceof Event.Received<EndpointId> r) {
            counters.delivered++;
            for (int i = 0; i < t.handles.size(); i++) {
                t.handles.get(i).deliver(new GossipEvent.Received(r.content().clone(), r.deliveredFrom(), r.scope()));
            }
            return;
        }
        GossipEvent e;
        if (event instanceof Event.NeighborUp<EndpointId> up) {
            t.neighbors.add(up.peer());
            e = new GossipEvent.NeighborUp(up.peer());
            if (!t.held.isEmpty()) {
                // not now: the rest of this step (e.g. our Neighbor answer) must go out before the broadcasts
                post(() -> releaseHeld(t));
            }
        } else {
            EndpointId down = ((Event.NeighborDown<EndpointId>) event).peer();
            t.neighbors.remove(down);
            e = new GossipEvent.NeighborDown(down);
        }
        Set<EndpointId> snapshot = Set.copyOf(t.neighbors);
        for (GossipTopic h : t.handles) {
            h.deliver(e);
            h.neighborsChanged(snapshot);
        }
    }

    private void peerData(EndpointId peer, PeerData data) {
        try {
            AddrInfo info = AddrInfo.decode(data);
            if (!info.directAddresses().isEmpty() || info.relayUrl() != null) {
                addresses.put(info.toEndpointAddr(peer));
            }
        } catch (PostcardException e) {
            LOG.debug("{}: undecodable peer data from {}: {}", me.fmtShort(), peer.fmtShort(), e.getMessage());
        }
    }

    private PeerData ourPeerData(RelayUrl relay, List<InetSocketAddress> addrs) {
        // Non-loopback first: if the data must be trimmed, loopback goes first.
        List<InetSocketAddress> ordered = new ArrayList<>(addrs.size());
        for (InetSocketAddress a : addrs) {
            if (!a.getAddress().isLoopbackAddress()) {
                ordered.add(a);
            }
        }
        for (InetSocketAddress a : addrs) {
            if (a.getAddress().isLoopbackAddress()) {
                ordered.add(a);
            }
        }
        return AddrInfo.encodeWithin(relay, ordered, settings.config().maxMessageSize() / 4 - 64);
    }

    private void refreshOurAddresses() {
        if (shuttingDown) {
            return;
        }
        List<InetSocketAddress> now;
        RelayUrl relayNow;
        try {
            EndpointAddr ours = endpoint.addr();
            now = ours.ipAddrs().stream().toList();
            relayNow = ours.relayUrl().orElse(null);
        } catch (RuntimeException e) {
            now = ourAddrs;
            relayNow = ourRelay;
        }
        if (!now.equals(ourAddrs) || !java.util.Objects.equals(relayNow, ourRelay)) {
            ourAddrs = now;
            ourRelay = relayNow;
            handle(new InEvent.UpdatePeerData<>(ourPeerData(relayNow, now)));
        }
        loop.schedule(ADDR_REFRESH_NANOS, this::refreshOurAddresses);
    }

    // ================================================================================================
    // Subscriptions (loop)

    void subscribe(GossipTopic h, List<EndpointAddr> bootstrap) {
        if (shuttingDown) {
            h.closedByGossip("gossip is shutting down");
            return;
        }
        TopicState t = topics.computeIfAbsent(h.id(), TopicState::new);
        t.handles.add(h);
        for (EndpointId n : t.neighbors) {
            h.deliver(new GossipEvent.NeighborUp(n));
        }
        h.neighborsChanged(Set.copyOf(t.neighbors));
        join(t.id, bootstrap);
    }

    void joinPeers(GossipTopic h, List<EndpointAddr> peers, CompletableFuture<Void> done) {
        if (h.isClosed() || !topics.containsKey(h.id())) {
            done.completeExceptionally(new IllegalStateException("subscription to " + h.id().fmtShort() + " is closed"));
            return;
        }
        join(h.id(), peers);
        done.complete(null);
    }

    private void join(TopicId topic, List<EndpointAddr> peers) {
        List<EndpointId> ids = new ArrayList<>(peers.size());
        for (EndpointAddr a : peers) {
            if (a.id().equals(me)) {
                continue;
            }
            if (!a.ipAddrs().isEmpty() || a.relayUrl().isPresent()) {
                addresses.put(a);
            }
            ids.add(a.id());
        }
        handle(new InEvent.Command<>(topic, new TopicCommand.Join<>(ids)));
    }

    /** A broadcast from {@code h}; {@code receipt} is null for an untracked one. */
    void broadcast(GossipTopic h, byte[] content, Scope scope, CompletableFuture<Void> done, BroadcastReceipt receipt) {
        if (h.isClosed() || !topics.containsKey(h.id())) {
            done.completeExceptionally(new IllegalStateException("subscription to " + h.id().fmtShort() + " is closed"));
            if (receipt != null) {
                receipt.notSent();
            }
            return;
        }
        counters.broadcasts++;
        if (receipt != null) {
            deliveries.track(receipt);
        }
        TopicState t = topics.get(h.id());
        TopicCommand.Broadcast<EndpointId> b = new TopicCommand.Broadcast<>(content, scope);
        if (t.neighbors.isEmpty() && settings.maxHeldBroadcasts() > 0) {
            // Nobody to hand it to (not joined yet, or every neighbor just left): PlumTree would drop it, and
            // neighbors that come later never hear of it. Hold it until the first neighbor is up.
            t.held.add(new Held(b, receipt));
            t.heldBytes += content.length;
            while (t.held.size() > settings.maxHeldBroadcasts() || t.heldBytes > settings.maxQueuedBytes()) {
                Held dropped = t.held.poll();
                t.heldBytes -= dropped.broadcast().content().length;
                counters.heldDropped++;
                if (dropped.receipt() != null) {
                    dropped.receipt().notSent();
                }
            }
        } else {
            handleBroadcast(h.id(), b, receipt);
        }
        pace(done);
    }

    /** Hands a broadcast to the protocol; the payload frames it pushes are tracked for {@code receipt}. */
    private void handleBroadcast(TopicId topic, TopicCommand.Broadcast<EndpointId> b, BroadcastReceipt receipt) {
        if (receipt == null) {
            handle(new InEvent.Command<>(topic, b));
            return;
        }
        deliveries.begin(receipt);
        try {
            handle(new InEvent.Command<>(topic, b));
            TopicState t = topics.get(topic);
            if (receipt.pushedTo() == 0 && t != null && !t.neighbors.isEmpty()) {
                // Every neighbor is lazy (it pruned us, e.g. after a repeated content): PlumTree only announced the
                // id, and a neighbor that has that content already never grafts it, so nothing could ever be
                // acknowledged. Push the payload to them directly; on the wire it is an ordinary Gossip message.
                MessageId id = MessageId.ofContent(b.content());
                Message<EndpointId> m = Message.gossip(new PlumTreeMessage.Gossip(id, b.content(),
                        b.scope() == Scope.NEIGHBORS ? DeliveryScope.NEIGHBORS : new DeliveryScope.Swarm(0)));
                for (EndpointId n : t.neighbors) {
                    send(n, topic, m);
                }
            }
        } finally {
            deliveries.end(receipt, b.content());
        }
    }

    /** Held broadcasts that will never be sent: the topic was left. */
    private void dropHeld(TopicState t) {
        Held held;
        while ((held = t.held.poll()) != null) {
            if (held.receipt() != null) {
                held.receipt().notSent();
            }
        }
        t.heldBytes = 0;
    }

    /**
     * Completes a broadcast's future now, or, while some connection's send queue is above half of
     * {@code maxQueuedBytes}, once the queues have drained below it: a sender that awaits its broadcasts goes at
     * its neighbors' pace instead of filling their queues until the overflow rule cuts them. The wait is bounded by
     * the linger time (a peer that stopped reading is then left to the overflow rule).
     */
    private void pace(CompletableFuture<Void> done) {
        if (paced.isEmpty() && !sendQueuesHigh()) {
            done.complete(null);
            return;
        }
        paced.add(done);
        if (paced.size() == 1) {
            long spell = ++pacingSpell;
            loop.schedule(settings.lingerNanos(), () -> {
                if (spell == pacingSpell) {
                    releasePaced();
                }
            });
        }
    }

    private boolean sendQueuesHigh() {
        long high = settings.maxQueuedBytes() / 2;
        for (PeerState p : peers.values()) {
            for (int i = 0; i < p.links.size(); i++) {
                if (p.links.get(i).queuedBytes > high) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A send queue shrank (a write completed, a stream or connection ended): release paced broadcasts if due. */
    void sendQueueDrained() {
        if (!paced.isEmpty() && !sendQueuesHigh()) {
            releasePaced();
        }
    }

    private void releasePaced() {
        pacingSpell++;
        CompletableFuture<Void> f;
        while ((f = paced.poll()) != null) {
            f.complete(null);
        }
    }

    /** The topic has a neighbor again: broadcast what was held (after the step that brought it up). */
    private void releaseHeld(TopicState t) {
        while (!t.held.isEmpty() && !t.neighbors.isEmpty() && topics.get(t.id) == t) {
            Held held = t.held.poll();
            t.heldBytes -= held.broadcast().content().length;
            handleBroadcast(t.id, held.broadcast(), held.receipt());
        }
    }

    void unsubscribe(GossipTopic h) {
        TopicState t = topics.get(h.id());
        if (t == null || !t.handles.remove(h)) {
            return;
        }
        if (t.handles.isEmpty()) {
            topics.remove(h.id());
            dropHeld(t);
            handle(new InEvent.Command<>(h.id(), new TopicCommand.Quit<>()));
        }
    }

    // ================================================================================================
    // Sending and dialing (loop)

    private void send(EndpointId to, TopicId topic, Message<EndpointId> message) {
        if (to.equals(me)) {
            return;
        }
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}: to {} on {}: {}", me.fmtShort(), to.fmtShort(), topic.fmtShort(), message);
        }
        PeerState p = peers.computeIfAbsent(to, PeerState::new);
        BroadcastReceipt receipt = deliveries.receiptFor(message);
        if (receipt != null) {
            receipt.pushed(to);
        }
        if (p.active != null) {
            p.active.send(topic, message, receipt);
            return;
        }
        p.disconnectAfterFlush = false;
        int size = approximateSize(message);
        if (p.pending.size() >= settings.maxQueuedMessages() || p.pendingBytes + size > settings.maxQueuedBytes()) {
            counters.queueDrops++;
            LOG.debug("{}: queue for {} full while dialing; dropping a message", me.fmtShort(), to.fmtShort());
            if (receipt != null) {
                receipt.unacked(to);
            }
        } else {
            p.pending.add(new Outgoing(topic, message, size, receipt));
            p.pendingBytes += size;
        }
        if (!p.dialing && !shuttingDown) {
            dial(p);
        }
    }

    private static int approximateSize(Message<EndpointId> m) {
        if (m instanceof Message.Gossip<EndpointId> g && g.body() instanceof PlumTreeMessage.Gossip pg) {
            return pg.content().length + 80;
        }
        return 128;
    }

    private void dial(PeerState p) {
        p.dialing = true;
        counters.dials++;
        EndpointAddr addr = addresses.get(p.id);
        if (addr == null) {
            addr = EndpointAddr.of(p.id);
        }
        CompletableFuture<Connection> f;
        try {
            f = endpoint.connectAsync(addr, settings.dialAlpns(), settings.connectTimeout());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        EndpointId id = p.id;
        f.whenComplete((conn, err) -> {
            if (!post(() -> dialed(id, conn, err)) && conn != null) {
                conn.close(GossipCloseCodes.NORMAL, GossipCloseCodes.REASON_SHUTDOWN);
            }
        });
    }

    private void dialed(EndpointId id, Connection conn, Throwable err) {
        PeerState p = peers.get(id);
        if (p == null) {
            if (conn != null) {
                conn.close(GossipCloseCodes.NORMAL, GossipCloseCodes.REASON_NORMAL);
            }
            return;
        }
        p.dialing = false;
        if (err != null) {
            counters.dialFailures++;
            LOG.debug("{}: dial to {} failed: {}", me.fmtShort(), id.fmtShort(), err.getMessage());
            if (p.active == null) {
                boolean report = !p.disconnectAfterFlush && !shuttingDown;
                dropPending(p);
                p.disconnectAfterFlush = false;
                if (report) {
                    handle(new InEvent.PeerDisconnected<>(id));
                }
            }
            forgetIfIdle(p);
            return;
        }
        connected(conn, true);
    }

    /** A connection was established, by us or by the peer (loop). */
    void connected(Connection conn, boolean dialed) {
        if (shuttingDown) {
            conn.close(GossipCloseCodes.NORMAL, GossipCloseCodes.REASON_SHUTDOWN);
            return;
        }
        boolean v1;
        if (GossipWire.ALPN_V1.equals(conn.alpn())) {
            v1 = true;
        } else if (GossipWire.ALPN_V0.equals(conn.alpn())) {
            v1 = false;
        } else {
            conn.close(GossipCloseCodes.PROTOCOL_VIOLATION, "not a gossip ALPN: " + conn.alpn());
            return;
        }
        PeerState p = peers.computeIfAbsent(conn.remoteId(), PeerState::new);
        Link link = new Link(this, p, conn, v1, dialed);
        p.links.add(link);
        if (v1) {
            counters.linksV1++;
        } else {
            counters.linksV0++;
        }
        if (dialed && !v1 && p.active != null && p.pending.isEmpty()) {
            // Our dial raced the peer's: its connection already carries what we had queued. On /0 the dialer must
            // write first before the peer sees the stream (and can send on it), and we have nothing to write: keep
            // sending where we do, and only finish this stream, which shows it to the peer.
            link.start();
            link.stopSending();
            return;
        }
        // Newest wins (iroh's rule). Two nodes that dial each other at the same moment may each pick a different
        // connection and keep both, one direction each, until either lets go of the other; a tie-break by id
        // would not help, because a node that had stopped sending on the older connection cannot take it back.
        Link old = p.active;
        p.active = link;
        link.start();
        if (old != null) {
            // newest wins for sending; the old one flushes, finishes and keeps receiving until the peer is done
            old.stopSending();
        }
        while (!p.pending.isEmpty()) {
            Outgoing o = p.pending.poll();
            link.send(o.topic(), o.message(), o.receipt());
        }
        p.pendingBytes = 0;
        if (p.disconnectAfterFlush) {
            p.disconnectAfterFlush = false;
            p.active = null;
            link.stopSending();
        }
    }

    private void disconnectPeer(EndpointId id) {
        LOG.trace("{}: disconnect {}", me.fmtShort(), id.fmtShort());
        PeerState p = peers.get(id);
        if (p == null) {
            return;
        }
        if (p.active != null) {
            Link l = p.active;
            p.active = null;
            l.stopSending();
        } else if (p.dialing && !p.pending.isEmpty()) {
            p.disconnectAfterFlush = true;
        } else {
            dropPending(p);
        }
        forgetIfIdle(p);
    }

    /** A connection ended, for whatever reason (loop). */
    void linkClosed(Link link, ConnectionClose why) {
        PeerState p = link.peer;
        p.links.remove(link);
        if (link.v1) {
            counters.linksV1--;
        } else {
            counters.linksV0--;
        }
        LOG.debug("{}: connection to {} ({}) ended: {}", me.fmtShort(), p.id.fmtShort(), link.conn.alpn(), why);
        if (p.active == link) {
            p.active = null;
            if (!shuttingDown) {
                handle(new InEvent.PeerDisconnected<>(p.id));
            }
        }
        forgetIfIdle(p);
        sendQueueDrained();
        if (shuttingDown) {
            finishShutdownIfIdle();
        }
    }

    /** Messages waiting for a dial that will not be sent: tracked ones are unacknowledged by this peer. */
    private void dropPending(PeerState p) {
        Outgoing o;
        while ((o = p.pending.poll()) != null) {
            if (o.receipt() != null) {
                o.receipt().unacked(p.id);
            }
        }
        p.pendingBytes = 0;
    }

    private void forgetIfIdle(PeerState p) {
        if (p.links.isEmpty() && !p.dialing && p.pending.isEmpty() && p.active == null) {
            peers.remove(p.id);
        }
    }

    // ================================================================================================
    // Shutdown (loop)

    /**
     * Leaves every topic, lets every connection flush and finish, then stops the loop (forcibly after grace).
     * Completes with true if every connection ended cleanly (what we sent was acknowledged) within the grace.
     */
    CompletableFuture<Boolean> shutdown(long graceNanos) {
        post(() -> beginShutdown(graceNanos));
        return shutdownDone;
    }

    private void beginShutdown(long graceNanos) {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        for (TopicState t : new ArrayList<>(topics.values())) {
            for (GossipTopic h : t.handles) {
                h.closedByGossip("gossip shut down");
            }
            t.handles.clear();
            topics.remove(t.id);
            dropHeld(t);
            handle(new InEvent.Command<>(t.id, new TopicCommand.Quit<>()));
        }
        for (PeerState p : new ArrayList<>(peers.values())) {
            dropPending(p);
            if (p.active != null) {
                Link l = p.active;
                p.active = null;
                l.stopSending();
            }
        }
        loop.schedule(graceNanos, this::forceShutdown);
        finishShutdownIfIdle();
    }

    private void finishShutdownIfIdle() {
        for (PeerState p : peers.values()) {
            if (!p.links.isEmpty()) {
                return;
            }
        }
        completeShutdown(true);
    }

    private void forceShutdown() {
        boolean clean = true;
        for (PeerState p : peers.values()) {
            for (Link l : p.links) {
                clean = false;
                l.conn.close(GossipCloseCodes.NORMAL, GossipCloseCodes.REASON_SHUTDOWN);
            }
        }
        completeShutdown(clean);
    }

    private void completeShutdown(boolean clean) {
        if (shutdownDone.isDone() || stopping) {
            return;
        }
        stopping = true;
        releasePaced();
        // acknowledgements that would arrive later have no loop to run on: decide what is still open now
        deliveries.giveUpAll();
        loop.stop();
        loop.terminated().whenComplete((v, e) -> shutdownDone.complete(clean));
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    // ================================================================================================
    // Inspection (loop)

    GossipStats stats() {
        int peersWithLinks = 0;
        int links = 0;
        int dialing = 0;
        long queued = 0;
        long lost = 0;
        long ptos = 0;
        for (PeerState p : peers.values()) {
            if (!p.links.isEmpty()) {
                peersWithLinks++;
            }
            links += p.links.size();
            if (p.dialing) {
                dialing++;
            }
            queued += p.pendingBytes;
            for (Link l : p.links) {
                queued += l.queuedBytes;
                try {
                    com.kafkaconnectiroh.p2p.quic.ConnectionStats cs = l.conn.stats();
                    lost += cs.packetsLost();
                    ptos += cs.ptoCount();
                } catch (RuntimeException e) {
                    // closed meanwhile
                }
            }
        }
        int held = 0;
        for (TopicState t : topics.values()) {
            held += t.held.size();
        }
        return counters.snapshot(peersWithLinks, links, dialing, queued, held, topics.size(), addresses.size(),
                loop.pendingTimers(), state.claimedConnections(), lost, ptos, deliveries.tracked(),
                graftHold.deferred());
    }

    /** The protocol's view of a topic (tests). */
    com.kafkaconnectiroh.p2p.gossip.proto.Topic<EndpointId> protocolTopic(TopicId id) {
        return state.topic(id);
    }

    EndpointId me() {
        return me;
    }
}
