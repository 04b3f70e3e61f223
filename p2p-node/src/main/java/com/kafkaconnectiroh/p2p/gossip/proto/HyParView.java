package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The HyParView membership protocol for one topic (Leitão, Pereira, Rodrigues, DSN 2007; iroh-gossip
 * {@code proto/hyparview.rs}): a small symmetric active view of connected neighbors and a larger passive view of
 * known peers to replace them with.
 *
 * <p>Neighbor handshakes. A peer becomes active on our side when we accept its Join or Neighbor, or when it
 * answers our Neighbor request. Whoever accepts an unsolicited Neighbor (or a Join) answers with a Neighbor of its
 * own. Every Neighbor or Join we send is remembered in {@link #pending} (as a {@link PendingKind}) until the other
 * side's Neighbor arrives or a timeout passes; a Neighbor that arrives while one of ours is pending is not
 * answered, so two of our nodes never answer each other forever. iroh 0.101 follows the same rule and iroh 0.35
 * answers only peers it newly adds, so with any mix of implementations the exchange ends after two messages.
 *
 * <p>Departures from iroh 0.101, all invisible on the wire. Bounds: pending answers expire (iroh keeps them
 * until the connection drops, counting them against free slots) and are capped like requests; peer data is kept
 * only for peers in a view or pending, and dropped beyond {@link #maxPeerDataSize}; received TTLs are clamped to
 * our own walk lengths; received node lists to a Shuffle's worth. Robustness: a Join is retried twice and its
 * contact kept as a passive peer; below half a view ("fragile") refills use HIGH priority and shuffles come
 * every 5 s instead of 60 s (also the first shuffle, and whenever the passive view is empty); otherwise a refused
 * LOW request waits for the next shuffle tick, where iroh retries on every ShuffleReply (each refusal brings
 * one), which in a swarm of full views becomes a storm of refusals. Semantics: a connection closing without a
 * Disconnect does not evict a passive peer (a dead one is found out when promoting it fails, as in the paper);
 * we never answer walks about ourselves; the late echo of an answer to a peer we dropped since is ignored.
 */
final class HyParView<P> {
    enum PendingKind {
        /** We sent a Join; the contact's Neighbor is a request we answer. */
        JOIN,
        /** We asked for a neighbor slot; the peer's Neighbor accepts it. */
        REQUEST,
        /** We answered or renewed; the peer may echo once more, which we must not answer. */
        ANSWERED
    }

    private record Pending(PendingKind kind, long deadline, int attempt, boolean high) {}

    /**
     * Join attempts per contact. iroh sends a Join once and relies on the stream being reliable; we also retry
     * when the contact stays silent, since a lost Join (or a lost answer) would otherwise leave a node alone or
     * in a small island with whoever joined through it. Retries back off from {@link #JOIN_TIMEOUT_FACTOR} ×
     * the neighbor request timeout, which also leaves room for slow dials (relays, hole punching).
     */
    static final int JOIN_ATTEMPTS = 3;
    static final int JOIN_TIMEOUT_FACTOR = 4;
    static final int QUICK_SHUFFLE_FACTOR = 10;

    /**
     * The largest PeerData kept or passed on: about a quarter of the frame, so a ForwardJoin carrying it always
     * fits, and node lists (trimmed to the frame) keep several peers.
     */
    static int maxPeerDataSize(int maxMessageSize) {
        return maxMessageSize / 4 - 64;
    }
    /**
     * Below this many neighbors (half the active view, rounded up) a view is fragile: refills use HIGH priority
     * and happen on every occasion.
     */
    private final int fragileView;
    private final int maxPeerData;

    private final P me;
    private final HyParViewConfig config;
    private final RandomGenerator rng;
    private final TopicIo<P> io;
    private final GossipCodec<P> codec;
    private final int maxMessageSize;
    private final long neighborTimeoutNanos;
    private final long shuffleIntervalNanos;

    private PeerData meData;
    private final RandomAccessSet<P> active = new RandomAccessSet<>();
    private final RandomAccessSet<P> passive = new RandomAccessSet<>();
    private final LinkedHashMap<P, Pending> pending = new LinkedHashMap<>();
    private final Map<P, PeerData> peerData = new HashMap<>();
    /** The peers we last offered in a Shuffle: preferred victims when the reply fills our passive view. */
    private List<P> lastShuffleOffer = List.of();
    private boolean shuffleScheduled;
    private long shufflesStarted;

    private long shufflesSent;
    private long forwardJoinsCapped;

    HyParView(P me, PeerData meData, HyParViewConfig config, RandomGenerator rng, TopicIo<P> io,
              GossipCodec<P> codec, int maxMessageSize) {
        this.me = me;
        this.meData = meData;
        this.config = config;
        this.rng = rng;
        this.io = io;
        this.codec = codec;
        this.maxMessageSize = maxMessageSize;
        this.neighborTimeoutNanos = config.neighborRequestTimeout().toNanos();
        this.shuffleIntervalNanos = config.shuffleInterval().toNanos();
        this.fragileView = (config.activeViewCapacity() + 1) / 2;
        this.maxPeerData = maxPeerDataSize(maxMessageSize);
    }

    // ---- queries ----

    boolean isActive(P peer) {
        return active.contains(peer);
    }

    /**
     * Whether this topic still wants a connection to {@code peer}: a neighbor, or a peer we await an answer from.
     * A remembered answer alone does not count; it only absorbs an echo should one still get through.
     */
    boolean needsConnection(P peer) {
        if (active.contains(peer)) {
            return true;
        }
        Pending p = pending.get(peer);
        return p != null && p.kind != PendingKind.ANSWERED;
    }

    RandomAccessSet<P> activeView() {
        return active;
    }

    RandomAccessSet<P> passiveView() {
        return passive;
    }

    int pendingCount() {
        return pending.size();
    }

    int peerDataCount() {
        return peerData.size();
    }

    long shufflesSent() {
        return shufflesSent;
    }

    long forwardJoinsCapped() {
        return forwardJoinsCapped;
    }

    /** Throws if internal bookkeeping disagrees with itself; for tests. */
    void checkInvariants() {
        if (active.size() > config.activeViewCapacity() || passive.size() > config.passiveViewCapacity()) {
            throw new IllegalStateException("views over capacity: " + active.size() + "/" + passive.size());
        }
        for (P p : active.view()) {
            if (passive.contains(p) || p.equals(me)) {
                throw new IllegalStateException("active peer " + p + " is also passive, or us");
            }
        }
        if (passive.contains(me)) {
            throw new IllegalStateException("we are in our own passive view");
        }
        for (P p : peerData.keySet()) {
            if (!active.contains(p) && !passive.contains(p) && !pending.containsKey(p)) {
                throw new IllegalStateException("data kept for unknown peer " + p);
            }
        }
    }

    // ---- inputs ----

    /**
     * Arms the shuffle timer. The shuffle comes early ({@link #QUICK_SHUFFLE_FACTOR} × the neighbor request
     * timeout, at most the interval; iroh always waits a full interval) the first time and while our view is
     * fragile or we know no passive peer: a newcomer knows only what its join walks brought, often no passive peer
     * at all, and can neither fill its view nor replace a lost neighbor until a shuffle brings some.
     */
    void ensureShuffleScheduled() {
        if (!shuffleScheduled) {
            shuffleScheduled = true;
            boolean hungry = shufflesStarted == 0 || active.size() < fragileView || passive.isEmpty();
            long delay = hungry ? Math.min(shuffleIntervalNanos, QUICK_SHUFFLE_FACTOR * neighborTimeoutNanos)
                    : shuffleIntervalNanos;
            io.schedule(delay, Timer.Kind.SHUFFLE, null, null);
        }
    }

    void updatePeerData(PeerData data) {
        meData = data;
    }

    /**
     * Application asked to join through {@code contact}. The contact is also remembered as a passive peer, so
     * refilling can fall back on it if the join fails (iroh does not).
     */
    void join(P contact, long now) {
        if (contact.equals(me)) {
            return;
        }
        sendJoin(contact, 1, now);
        addPassive(contact, null, null);
    }

    private void sendJoin(P contact, int attempt, long now) {
        long timeout = neighborTimeoutNanos * JOIN_TIMEOUT_FACTOR << (attempt - 1);
        pending.put(contact, new Pending(PendingKind.JOIN, now + timeout, attempt, true));
        io.schedule(timeout, Timer.Kind.NEIGHBOR_REQUEST, contact, null);
        io.send(contact, Message.swarm(new HyParViewMessage.Join<>(meData)));
    }

    void onMessage(P from, HyParViewMessage<P> message, long now) {
        if (from.equals(me)) {
            return;
        }
        if (message instanceof HyParViewMessage.Join<P> j) {
            onJoin(from, sane(j.data()), now);
        } else if (message instanceof HyParViewMessage.ForwardJoin<P> f) {
            onForwardJoin(from, sane(f.peer()), f.ttl(), now);
        } else if (message instanceof HyParViewMessage.Shuffle<P> s) {
            onShuffle(from, s.origin(), sane(s.nodes()), s.ttl(), now);
        } else if (message instanceof HyParViewMessage.ShuffleReply<P> r) {
            onShuffleReply(sane(r.nodes()), now);
        } else if (message instanceof HyParViewMessage.Neighbor<P> n) {
            onNeighbor(from, n.priority(), sane(n.data()), now);
        } else {
            HyParViewMessage.Disconnect<P> d = (HyParViewMessage.Disconnect<P>) message;
            onDisconnect(from, d.alive(), d.respond(), now);
        }
    }

    /**
     * Peer data beyond {@link #maxPeerData} bytes is dropped on arrival (as if absent). Addresses are a few hundred
     * bytes at most; anything near the frame size could not be passed on in a ForwardJoin or a Shuffle without
     * exceeding the frame, and would pin memory in every view that holds the peer.
     */
    private PeerData sane(PeerData data) {
        return data != null && data.length() > maxPeerData ? null : data;
    }

    private PeerInfo<P> sane(PeerInfo<P> info) {
        return info.data() != null && info.data().length() > maxPeerData ? new PeerInfo<>(info.id(), null) : info;
    }

    /** At most a Shuffle's worth of nodes, each with sane data. */
    private List<PeerInfo<P>> sane(List<PeerInfo<P>> nodes) {
        int max = config.shuffleActiveViewCount() + config.shufflePassiveViewCount() + 1;
        List<PeerInfo<P>> out = new ArrayList<>(Math.min(nodes.size(), max));
        for (int i = 0; i < nodes.size() && i < max; i++) {
            out.add(sane(nodes.get(i)));
        }
        return out;
    }

    void onShuffleTimer(long now) {
        shuffleScheduled = false;
        shufflesStarted++;
        P target = active.pickRandom(rng);
        if (target != null) {
            List<P> offer = new ArrayList<>(active.sample(config.shuffleActiveViewCount(), rng, p -> p.equals(target)));
            offer.addAll(passive.sample(config.shufflePassiveViewCount(), rng, p -> p.equals(target)));
            // iroh 0.101 offers itself too, so the walk's end learns the origin's address.
            int budget = maxMessageSize - 1 - TopicId.LENGTH - 3 - codec.peerIds().encodedSize(me) - 5 - 3
                    - codec.peerInfoSize(new PeerInfo<>(me, meData));
            List<PeerInfo<P>> nodes = infosWithin(offer, budget);
            lastShuffleOffer = new ArrayList<>(nodes.size());
            for (PeerInfo<P> n : nodes) {
                lastShuffleOffer.add(n.id());
            }
            nodes.add(new PeerInfo<>(me, meData));
            shufflesSent++;
            io.send(target, Message.swarm(new HyParViewMessage.Shuffle<>(me, nodes, config.shuffleRandomWalkLength())));
        }
        // A slow safety net: views that lost members without a refill trigger get topped up once a round.
        expireStalePending(now);
        refill(null, now);
        ensureShuffleScheduled();
    }

    void onNeighborTimer(P peer, long now) {
        io.touch(peer);
        Pending p = pending.get(peer);
        if (p == null || p.deadline - now > 0) {
            return;
        }
        pending.remove(peer);
        if (p.kind == PendingKind.JOIN && !active.contains(peer)) {
            if (p.attempt < JOIN_ATTEMPTS) {
                sendJoin(peer, p.attempt + 1, now);
            } else {
                refill(null, now);
            }
        } else if (p.kind == PendingKind.REQUEST && !active.contains(peer)) {
            // HyParView p. 7: a passive peer that does not answer is considered failed.
            dropPassive(peer);
            refill(peer, now);
        }
    }

    /** The connection to {@code peer} closed (or could not be opened). */
    void onPeerDisconnected(P peer, long now) {
        Pending p = pending.remove(peer);
        if (active.contains(peer)) {
            // A neighbor whose connection breaks without a Disconnect is presumed gone (not kept as passive).
            removeActive(peer);
            forgetIfUnknown(peer);
            refill(peer, now);
        } else if (p != null && p.kind == PendingKind.REQUEST) {
            dropPassive(peer);
            refill(peer, now);
        } else if (p != null && p.kind == PendingKind.JOIN) {
            // The contact cannot be reached: try whoever else we know (it stays passive for a later attempt).
            refill(peer, now);
        } else {
            forgetIfUnknown(peer);
        }
    }

    /**
     * Leave: say goodbye to every neighbor (not alive) and forget everything. Peers we asked to be our neighbor
     * (a Join or Neighbor request still unanswered) get the Disconnect too: the request may already be on its
     * way, and a peer that accepts it after we left would keep us as a neighbor until the connection drops.
     * (iroh takes such a peer into its active view when it asks, so its quit covers it the same way.)
     */
    void quit() {
        for (P peer : active.snapshot()) {
            sendShuffleReply(peer, config.shuffleActiveViewCount() + config.shufflePassiveViewCount());
            io.send(peer, Message.swarm(new HyParViewMessage.Disconnect<>(false, false)));
        }
        for (Map.Entry<P, Pending> e : pending.entrySet()) {
            if (e.getValue().kind != PendingKind.ANSWERED && !active.contains(e.getKey())) {
                io.send(e.getKey(), Message.swarm(new HyParViewMessage.Disconnect<>(false, false)));
            }
            io.touch(e.getKey());
        }
        active.clear();
        passive.clear();
        pending.clear();
        peerData.clear();
    }

    // ---- message handlers ----

    private void onJoin(P peer, PeerData data, long now) {
        // HyParView p. 6: the contact takes the newcomer into its active view, evicting a random neighbor if
        // it must, and starts random walks from each other neighbor.
        learn(peer, data);
        accept(peer, Priority.HIGH);
        sendNeighbor(peer, Priority.HIGH, PendingKind.ANSWERED, now);
        PeerInfo<P> info = new PeerInfo<>(peer, data);
        for (P other : active.snapshot()) {
            if (!other.equals(peer)) {
                io.send(other, Message.swarm(new HyParViewMessage.ForwardJoin<>(info, config.activeRandomWalkLength())));
            }
        }
    }

    private void onForwardJoin(P from, PeerInfo<P> info, int ttl, long now) {
        P peer = info.id();
        if (peer.equals(me)) {
            return;
        }
        ttl = Math.min(ttl, config.activeRandomWalkLength());
        if (active.contains(peer)) {
            // Already neighbors: renew, in case the newcomer is a restarted instance that forgot us.
            learn(peer, info.data());
            if (!pending.containsKey(peer)) {
                sendNeighbor(peer, Priority.HIGH, PendingKind.ANSWERED, now);
            }
        } else if (ttl == 0 || active.size() <= 1) {
            // HyParView p. 7 (i): the walk ends here. Like iroh 0.101 we only ask; the newcomer becomes active
            // when it answers, so an unreachable one never occupies a slot.
            requestFromWalk(info, now);
        } else {
            if (ttl == config.passiveRandomWalkLength()) {
                addPassive(peer, info.data(), null);
            }
            if (!pending.containsKey(peer)) {
                P next = active.pickRandom(rng, p -> p.equals(from) || p.equals(peer));
                if (next == null) {
                    requestFromWalk(info, now);
                } else {
                    io.send(next, Message.swarm(new HyParViewMessage.ForwardJoin<>(info, ttl - 1)));
                }
            }
        }
    }

    private void requestFromWalk(PeerInfo<P> info, long now) {
        P peer = info.id();
        if (pending.containsKey(peer)) {
            return;
        }
        if (requestCount() >= config.maxPendingNeighborRequests()) {
            forwardJoinsCapped++;
            return;
        }
        learnAndKeep(peer, info.data());
        sendNeighbor(peer, Priority.HIGH, PendingKind.REQUEST, now);
    }

    private void onNeighbor(P from, Priority priority, PeerData data, long now) {
        Pending p = pending.remove(from);
        if (p != null && p.kind == PendingKind.ANSWERED && !active.contains(from)) {
            // The echo of an answer to a peer we dropped since (and sent a Disconnect): taking it back would
            // only evict someone else until that Disconnect arrives.
            return;
        }
        boolean answer = p == null || p.kind == PendingKind.JOIN;
        learn(from, data);
        if (accept(from, priority)) {
            if (answer) {
                sendNeighbor(from, priority, PendingKind.ANSWERED, now);
            }
        } else {
            // A LOW request into a full view is refused (HyParView p. 7); iroh 0.101 refuses with an alive
            // Disconnect after a ShuffleReply, so the asker can try someone else.
            sendDisconnect(from, true);
            forgetIfUnknown(from);
        }
    }

    private void onDisconnect(P from, boolean alive, boolean respond, long now) {
        Pending p = pending.remove(from);
        if (active.contains(from)) {
            removeActive(from);
            if (respond) {
                io.send(from, Message.swarm(new HyParViewMessage.Disconnect<>(true, false)));
            }
            if (alive) {
                addPassive(from, peerData.get(from), null);
            } else {
                dropPassive(from);
            }
            refill(from, now);
        } else if (!alive) {
            dropPassive(from);
        } else {
            // A refused request. Only a fragile view retries at once (with HIGH, which cannot be refused), so a
            // swarm whose views are all full does not see a storm of LOW requests.
            if (p != null && p.kind == PendingKind.REQUEST && active.size() < fragileView) {
                refill(from, now);
            }
        }
    }

    private void onShuffle(P from, P origin, List<PeerInfo<P>> nodes, int ttl, long now) {
        if (origin.equals(me)) {
            return;
        }
        ttl = Math.min(ttl, config.shuffleRandomWalkLength());
        P next = ttl == 0 || active.size() <= 1 ? null
                : active.pickRandom(rng, p -> p.equals(origin) || p.equals(from));
        if (next != null) {
            int budget = maxMessageSize - 1 - TopicId.LENGTH - 3 - codec.peerIds().encodedSize(origin) - 5 - 3;
            List<PeerInfo<P>> fitting = new ArrayList<>(nodes.size());
            for (PeerInfo<P> n : nodes) {
                budget -= codec.peerInfoSize(n);
                if (budget < 0) {
                    break;
                }
                fitting.add(n);
            }
            io.send(next, Message.swarm(new HyParViewMessage.Shuffle<>(origin, fitting, ttl - 1)));
            return;
        }
        // HyParView p. 8: the walk ends here. Answer with as many of our peers as we got, sampled before
        // taking in the offered ones, and let those we sent away be the first to make room.
        List<P> reply = sendShuffleReply(origin, nodes.size());
        int n = Math.min(nodes.size(), config.passiveViewCapacity());
        for (int i = 0; i < n; i++) {
            PeerInfo<P> node = nodes.get(i);
            addPassive(node.id(), node.data(), reply);
        }
    }

    private void onShuffleReply(List<PeerInfo<P>> nodes, long now) {
        int n = Math.min(nodes.size(), config.passiveViewCapacity());
        for (int i = 0; i < n; i++) {
            PeerInfo<P> node = nodes.get(i);
            addPassive(node.id(), node.data(), lastShuffleOffer);
        }
        // Every refusal comes with a ShuffleReply: refilling on each would turn a swarm of full views into a
        // storm of refused LOW requests. Only fragile views use it at once; the rest wait for the shuffle tick.
        if (active.size() < fragileView) {
            refill(null, now);
        }
    }

    // ---- view maintenance ----

    /** Takes {@code peer} into the active view if the priority allows; true if it is (or already was) active. */
    private boolean accept(P peer, Priority priority) {
        if (active.contains(peer)) {
            return true;
        }
        boolean full = active.size() >= config.activeViewCapacity();
        if (full && priority == Priority.LOW) {
            return false;
        }
        if (full) {
            evictRandomNeighbor();
        }
        passive.remove(peer);
        active.add(peer);
        io.emit(new Event.NeighborUp<>(peer));
        return true;
    }

    /** Makes room for a HIGH priority newcomer: the evicted neighbor is told it may come back (alive). */
    private void evictRandomNeighbor() {
        P victim = active.pickRandom(rng);
        removeActive(victim);
        sendDisconnect(victim, true);
        addPassive(victim, peerData.get(victim), null);
    }

    private void removeActive(P peer) {
        if (active.remove(peer)) {
            io.emit(new Event.NeighborDown<>(peer));
            io.touch(peer);
        }
    }

    /**
     * Asks passive peers to fill the free active slots (HyParView p. 7). Requests are LOW, which the receiver
     * grants only into a free slot, except while our view is fragile: the paper uses HIGH (never refused) only
     * for an empty view; we keep using it until half our view is filled, because in a swarm of full views a node
     * with one or two neighbors could otherwise never get more (two such nodes holding on to each other form an
     * island), and a message then has a single path to it. The peer that makes room keeps at least half its
     * view, so this does not cascade.
     */
    private void refill(P skip, long now) {
        int requests = 0;
        int high = 0;
        for (Pending p : pending.values()) {
            if (p.kind == PendingKind.REQUEST) {
                requests++;
                if (p.high) {
                    high++;
                }
            }
        }
        int free = Math.min(config.activeViewCapacity() - active.size() - requests,
                config.maxPendingNeighborRequests() - requests);
        while (free-- > 0) {
            P candidate = passive.pickRandom(rng, p -> p.equals(skip) || pending.containsKey(p));
            if (candidate == null) {
                return;
            }
            Priority priority = active.size() + high < fragileView ? Priority.HIGH : Priority.LOW;
            if (priority == Priority.HIGH) {
                high++;
            }
            sendNeighbor(candidate, priority, PendingKind.REQUEST, now);
        }
    }

    private int requestCount() {
        int n = 0;
        for (Pending p : pending.values()) {
            if (p.kind == PendingKind.REQUEST) {
                n++;
            }
        }
        return n;
    }

    private void sendNeighbor(P peer, Priority priority, PendingKind kind, long now) {
        markPending(peer, kind, priority, now);
        io.send(peer, Message.swarm(new HyParViewMessage.Neighbor<>(priority, meData)));
    }

    private void markPending(P peer, PendingKind kind, Priority priority, long now) {
        if (kind == PendingKind.ANSWERED && !pending.containsKey(peer)) {
            // Answers are remembered only to absorb echoes; under a burst of joins keep the newest ones.
            int answered = 0;
            P oldest = null;
            for (Map.Entry<P, Pending> e : pending.entrySet()) {
                if (e.getValue().kind == PendingKind.ANSWERED) {
                    if (oldest == null) {
                        oldest = e.getKey();
                    }
                    answered++;
                }
            }
            if (answered >= config.maxPendingNeighborRequests()) {
                pending.remove(oldest);
                io.touch(oldest);
            }
        }
        pending.put(peer, new Pending(kind, now + neighborTimeoutNanos, 1, priority == Priority.HIGH));
        io.schedule(neighborTimeoutNanos, Timer.Kind.NEIGHBOR_REQUEST, peer, null);
    }

    /** ShuffleReply with up to {@code count} peers, then an alive-or-not Disconnect (iroh 0.101 send_disconnect). */
    private void sendDisconnect(P peer, boolean alive) {
        sendShuffleReply(peer, config.shuffleActiveViewCount() + config.shufflePassiveViewCount());
        io.send(peer, Message.swarm(new HyParViewMessage.Disconnect<>(alive, false)));
    }

    /** Sends up to {@code count} of our peers, passive first, then active; returns the ids sent. */
    private List<P> sendShuffleReply(P to, int count) {
        List<P> ids = passive.sample(count, rng, p -> p.equals(to));
        if (ids.size() < count) {
            ids.addAll(active.sample(count - ids.size(), rng, p -> p.equals(to)));
        }
        int budget = maxMessageSize - 1 - TopicId.LENGTH - 2 - 5;
        List<PeerInfo<P>> nodes = infosWithin(ids, budget);
        io.send(to, Message.swarm(new HyParViewMessage.ShuffleReply<>(nodes)));
        return ids;
    }

    /** PeerInfos for {@code ids}, as many as fit in {@code budget} encoded bytes. */
    private List<PeerInfo<P>> infosWithin(List<P> ids, int budget) {
        List<PeerInfo<P>> out = new ArrayList<>(ids.size() + 1);
        for (P id : ids) {
            PeerInfo<P> info = new PeerInfo<>(id, peerData.get(id));
            budget -= codec.peerInfoSize(info);
            if (budget < 0) {
                break;
            }
            out.add(info);
        }
        return out;
    }

    /**
     * Adds a passive peer. When the view is full a random entry makes room, preferably one of
     * {@code preferredVictims} (those we just told someone else about: HyParView p. 8).
     */
    private void addPassive(P peer, PeerData data, List<P> preferredVictims) {
        if (peer.equals(me) || active.contains(peer)) {
            learn(peer, data);
            return;
        }
        if (passive.contains(peer)) {
            learn(peer, data);
            return;
        }
        if (passive.size() >= config.passiveViewCapacity()) {
            P victim = null;
            if (preferredVictims != null) {
                for (P v : preferredVictims) {
                    if (passive.contains(v)) {
                        victim = v;
                        break;
                    }
                }
            }
            if (victim == null) {
                victim = passive.pickRandom(rng);
            }
            if (victim == null) {
                learn(peer, data);
                forgetIfUnknown(peer);
                return;
            }
            dropPassive(victim);
        }
        passive.add(peer);
        learn(peer, data);
    }

    private void dropPassive(P peer) {
        passive.remove(peer);
        forgetIfUnknown(peer);
    }

    /** Records data for a peer we keep or are about to keep, reporting it when it is new. */
    private void learn(P peer, PeerData data) {
        if (data == null || peer.equals(me)) {
            return;
        }
        PeerData old = peerData.put(peer, data);
        if (!data.equals(old) && !data.isEmpty()) {
            io.peerData(peer, data);
        }
        if (!active.contains(peer) && !passive.contains(peer) && !pending.containsKey(peer)) {
            // Reported, but not kept: the caller adds the peer to a view right after, or it is not ours to keep.
            io.touch(peer);
        }
    }

    private void learnAndKeep(P peer, PeerData data) {
        if (data != null && !peer.equals(me)) {
            PeerData old = peerData.put(peer, data);
            if (!data.equals(old) && !data.isEmpty()) {
                io.peerData(peer, data);
            }
        }
    }

    /** Drops bookkeeping for peers in no view and not pending; called once per step for touched peers. */
    void forgetIfUnknown(P peer) {
        if (!active.contains(peer) && !passive.contains(peer) && !pending.containsKey(peer)) {
            peerData.remove(peer);
        }
    }

    /** Pending entries whose timers were lost (a driver that dropped them) must not pin memory forever. */
    private void expireStalePending(long now) {
        Iterator<Map.Entry<P, Pending>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<P, Pending> e = it.next();
            if (now - e.getValue().deadline > shuffleIntervalNanos) {
                it.remove();
                io.touch(e.getKey());
            }
        }
    }
}
