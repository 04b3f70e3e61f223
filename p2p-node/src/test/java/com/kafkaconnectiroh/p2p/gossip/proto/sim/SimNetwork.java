package com.kafkaconnectiroh.p2p.gossip.proto.sim;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.gossip.proto.Event;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.InEvent;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.OutEvent;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerData;
import com.kafkaconnectiroh.p2p.gossip.proto.State;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicCommand;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A deterministic discrete-event network of gossip {@link State}s: a fake clock, per-pair latency, message loss,
 * connections that open on first send and close on {@code DisconnectPeer}, crashes noticed only after a delay,
 * graceful leaves and restarts. Everything random comes from one seeded generator, so a seed replays exactly.
 *
 * <p>Connections follow what a QUIC driver would see: each dial makes a new connection (a generation number);
 * messages travel in order per pair; a connection closed by one side delivers what that side sent before
 * closing, drops what the other side sends into it, and is reported to the other side (as
 * {@code PeerDisconnected}) one latency later unless that side already uses a newer connection. A crashed node's
 * peers find out after {@code crashDetectMillis}; dials to a node that is down fail after
 * {@code dialTimeoutMillis}.
 */
public final class SimNetwork {
    public static final long MS = 1_000_000L;

    /** Hooks for measurements. */
    public interface Observer {
        default void onEvent(long now, SimNode node, TopicId topic, Event<SimPeer> event) {}

        default void onSend(long now, SimNode from, SimPeer to, TopicId topic, Message<SimPeer> message) {}

        default void afterStep(long now, SimNode node) {}

        /** {@code message} from {@code from} to {@code to} was dropped by the simulated loss. */
        default void onLost(long now, SimNode from, SimPeer to, TopicId topic, Message<SimPeer> message) {}
    }

    /** One simulated node. A restart keeps the id and starts a new incarnation with fresh state. */
    public static final class SimNode {
        final int id;
        final SimPeer peer;
        int incarnation;
        boolean up;
        State<SimPeer> state;
        /** peer id → generation of the connection this node currently uses to talk to it */
        final Map<Integer, Long> conns = new HashMap<>();
        int scheduledTimers;

        SimNode(int id) {
            this.id = id;
            this.peer = new SimPeer(id);
        }

        public int id() {
            return id;
        }

        public SimPeer peer() {
            return peer;
        }

        public boolean isUp() {
            return up;
        }

        public int incarnation() {
            return incarnation;
        }

        public State<SimPeer> state() {
            return state;
        }

        /** Timers handed to the driver and not yet fired. */
        public int scheduledTimers() {
            return scheduledTimers;
        }

        public int openConnections() {
            return conns.size();
        }
    }

    private static final class Conn {
        final long gen;
        final int dialer;
        final int acceptor;
        int acceptorIncarnation = -1;
        boolean closedByDialer;
        boolean closedByAcceptor;
        boolean failureNoticed;

        Conn(long gen, int dialer, int acceptor) {
            this.gen = gen;
            this.dialer = dialer;
            this.acceptor = acceptor;
        }

        boolean closedBy(int node) {
            return node == dialer ? closedByDialer : closedByAcceptor;
        }

        void close(int node) {
            if (node == dialer) {
                closedByDialer = true;
            } else {
                closedByAcceptor = true;
            }
        }
    }

    private record Ev(long time, long seq, Runnable action) implements Comparable<Ev> {
        @Override
        public int compareTo(Ev o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final SimConfig config;
    private final SplittableRandom rng;
    private final GossipCodec<SimPeer> codec = new GossipCodec<>(SimPeer.CODEC);
    private final PriorityQueue<Ev> queue = new PriorityQueue<>();
    private final LinkedHashMap<Integer, SimNode> nodes = new LinkedHashMap<>();
    private final Map<Long, Conn> connections = new HashMap<>();
    private final Map<Long, Long> latencies = new HashMap<>();
    private final List<Observer> observers = new ArrayList<>();
    private long now;
    private long seq;
    private long nextGen = 1;

    private long messagesSent;
    private long messagesLost;
    private long bytesSent;
    private long payloadsSent;
    private long eventsProcessed;
    private int inFlightMembership;

    public SimNetwork(SimConfig config) {
        this.config = config;
        this.rng = new SplittableRandom(config.seed());
    }

    public void observe(Observer o) {
        observers.add(o);
    }

    public long now() {
        return now;
    }

    public SplittableRandom random() {
        return rng;
    }

    public SimConfig config() {
        return config;
    }

    public SimNode node(int id) {
        return nodes.get(id);
    }

    public Collection<SimNode> nodes() {
        return nodes.values();
    }

    public List<SimNode> upNodes() {
        List<SimNode> out = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (n.up) {
                out.add(n);
            }
        }
        return out;
    }

    public long messagesSent() {
        return messagesSent;
    }

    public long messagesLost() {
        return messagesLost;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long payloadsSent() {
        return payloadsSent;
    }

    public long eventsProcessed() {
        return eventsProcessed;
    }

    // ---- membership of the simulation ----

    /** Starts node {@code id}: a new node, or a new incarnation of one that is down. */
    public SimNode start(int id) {
        SimNode n = nodes.computeIfAbsent(id, SimNode::new);
        if (n.up) {
            throw new IllegalStateException("node " + id + " is already up");
        }
        n.incarnation++;
        n.up = true;
        n.conns.clear();
        n.scheduledTimers = 0;
        n.state = new State<>(n.peer, PeerData.of(new byte[] {(byte) id, (byte) (id >>> 8)}), config.proto(),
                codec, new SplittableRandom(rng.nextLong()));
        return n;
    }

    /** The node stops abruptly: no goodbye; its peers notice only after the crash-detection delay. */
    public void crash(int id) {
        SimNode n = nodes.get(id);
        if (n == null || !n.up) {
            return;
        }
        n.up = false;
        for (Map.Entry<Integer, Long> e : n.conns.entrySet()) {
            Conn c = connections.get(e.getValue());
            c.close(id);
            noticeFailureLater(c, e.getKey());
        }
        n.conns.clear();
    }

    /** The node quits all topics (Disconnect to its neighbors), then shuts down after {@code graceNanos}. */
    public void leave(int id, long graceNanos) {
        SimNode n = nodes.get(id);
        if (n == null || !n.up) {
            return;
        }
        for (TopicId t : List.copyOf(n.state.topics())) {
            handle(n, new InEvent.Command<>(t, new TopicCommand.Quit<>()));
        }
        int inc = n.incarnation;
        at(now + graceNanos, () -> {
            if (n.up && n.incarnation == inc) {
                for (Integer peer : List.copyOf(n.conns.keySet())) {
                    closeConnection(n, peer);
                }
                n.up = false;
            }
        });
    }

    // ---- driving ----

    public void command(int id, TopicId topic, TopicCommand<SimPeer> command) {
        SimNode n = nodes.get(id);
        if (n == null || !n.up) {
            throw new IllegalStateException("node " + id + " is not up");
        }
        handle(n, new InEvent.Command<>(topic, command));
    }

    public void join(int id, TopicId topic, List<Integer> contacts) {
        List<SimPeer> peers = new ArrayList<>();
        for (int c : contacts) {
            peers.add(new SimPeer(c));
        }
        command(id, topic, new TopicCommand.Join<>(peers));
    }

    /**
     * Sends {@code message} as if node {@code from} had sent it, bypassing its protocol state: how tests play a
     * misbehaving peer. Identities stay authentic (as TLS makes them on the real network); contents need not be.
     */
    public void inject(int from, SimPeer to, TopicId topic, Message<SimPeer> message) {
        SimNode n = nodes.get(from);
        if (n == null || !n.up) {
            throw new IllegalStateException("node " + from + " is not up");
        }
        send(n, to, topic, message);
    }

    /** Runs {@code action} at simulated time {@code time}. */
    public void at(long time, Runnable action) {
        queue.add(new Ev(Math.max(time, now), seq++, action));
    }

    public void runUntil(long time) {
        while (!queue.isEmpty() && queue.peek().time <= time) {
            Ev ev = queue.poll();
            now = ev.time;
            ev.action.run();
        }
        now = Math.max(now, time);
    }

    public void runFor(long nanos) {
        runUntil(now + nanos);
    }

    /** Membership messages sent and not yet delivered (or dropped at delivery). */
    public int inFlightMembershipMessages() {
        return inFlightMembership;
    }

    /**
     * Runs until no membership message is in flight (views can only be compared between nodes then), for at most
     * {@code maxNanos}; returns whether that point was reached.
     */
    public boolean runUntilMembershipQuiet(long maxNanos) {
        long end = now + maxNanos;
        while (inFlightMembership > 0 && now < end) {
            runFor(MS);
        }
        return inFlightMembership == 0;
    }

    // ---- internals ----

    private void handle(SimNode n, InEvent<SimPeer> event) {
        eventsProcessed++;
        List<OutEvent<SimPeer>> outs = n.state.handle(event, now);
        for (OutEvent<SimPeer> o : outs) {
            if (o instanceof OutEvent.SendMessage<SimPeer> s) {
                send(n, s.to(), s.topic(), s.message());
            } else if (o instanceof OutEvent.EmitEvent<SimPeer> e) {
                for (Observer ob : observers) {
                    ob.onEvent(now, n, e.topic(), e.event());
                }
            } else if (o instanceof OutEvent.ScheduleTimer<SimPeer> st) {
                int inc = n.incarnation;
                n.scheduledTimers++;
                at(now + st.delayNanos(), () -> {
                    if (n.incarnation == inc) {
                        n.scheduledTimers--;
                        if (n.up) {
                            handle(n, new InEvent.TimerExpired<>(st.timer()));
                        }
                    }
                });
            } else if (o instanceof OutEvent.DisconnectPeer<SimPeer> d) {
                closeConnection(n, d.peer().id());
            }
        }
        for (Observer ob : observers) {
            ob.afterStep(now, n);
        }
    }

    private long latency(int a, int b) {
        // Long.hashCode folds the halves together, so keep both ids in the low bits to avoid collisions.
        long key = a < b ? (long) a * 1_000_003L + b : (long) b * 1_000_003L + a;
        return latencies.computeIfAbsent(key, k -> (config.latencyMinMillis()
                + (long) rng.nextInt(config.latencyMaxMillis() - config.latencyMinMillis() + 1)) * MS);
    }

    private void send(SimNode from, SimPeer to, TopicId topic, Message<SimPeer> message) {
        for (Observer ob : observers) {
            ob.onSend(now, from, to, topic, message);
        }
        messagesSent++;
        if (message.isData()) {
            payloadsSent++;
        }
        Object wire = message;
        if (config.wireEncode()) {
            byte[] body = codec.encodeV0Body(topic, message);
            if (body.length >= config.proto().maxMessageSize()) {
                throw new AssertionError("node " + from.id + " produced a " + body.length + "-byte frame: " + message);
            }
            bytesSent += 4 + body.length;
            wire = body;
        }
        Long gen = from.conns.get(to.id());
        Conn conn;
        if (gen == null) {
            conn = new Conn(nextGen++, from.id, to.id());
            connections.put(conn.gen, conn);
            from.conns.put(to.id(), conn.gen);
        } else {
            conn = connections.get(gen);
        }
        boolean isGossipLayer = message instanceof Message.Gossip<SimPeer>;
        if (config.lossRate() > 0 && (config.lossAppliesToAll() || isGossipLayer) && rng.nextDouble() < config.lossRate()) {
            messagesLost++;
            for (Observer ob : observers) {
                ob.onLost(now, from, to, topic, message);
            }
            return;
        }
        SimNode target = nodes.get(to.id());
        Object payload = wire;
        int fromInc = from.incarnation;
        boolean membership = !isGossipLayer;
        if (membership) {
            inFlightMembership++;
        }
        at(now + latency(from.id, to.id()), () -> {
            if (membership) {
                inFlightMembership--;
            }
            deliver(from, fromInc, target, to.id(), conn, topic, payload);
        });
    }

    @SuppressWarnings("unchecked")
    private void deliver(SimNode from, int fromInc, SimNode target, int targetId, Conn conn, TopicId topic, Object payload) {
        if (target == null || !target.up) {
            // Nobody answers: the sender's dial (or established connection) fails after a while.
            noticeFailureLater(conn, conn.dialer == targetId ? conn.acceptor : conn.dialer);
            return;
        }
        if (conn.closedBy(targetId)) {
            return;
        }
        if (targetId == conn.acceptor) {
            if (conn.acceptorIncarnation == -1) {
                conn.acceptorIncarnation = target.incarnation;
            } else if (conn.acceptorIncarnation != target.incarnation) {
                return; // a connection to an earlier life of this node
            }
        }
        Long current = target.conns.get(from.id);
        if (current == null || current < conn.gen) {
            target.conns.put(from.id, conn.gen);
        }
        Message<SimPeer> message;
        if (payload instanceof byte[] body) {
            try {
                GossipCodec.Addressed<SimPeer> a = codec.decodeV0Body(body);
                if (!a.topic().equals(topic)) {
                    throw new AssertionError("topic changed in transit");
                }
                message = a.message();
            } catch (PostcardException e) {
                throw new AssertionError("node " + targetId + " could not decode a message from " + from.id + ": " + e.getMessage(), e);
            }
        } else {
            message = (Message<SimPeer>) payload;
        }
        handle(target, new InEvent.RecvMessage<>(from.peer, topic, message));
    }

    /** {@code node} closes its connection to {@code peer}: the peer hears of it one latency later. */
    private void closeConnection(SimNode node, int peer) {
        Long gen = node.conns.remove(peer);
        if (gen == null) {
            return;
        }
        Conn c = connections.get(gen);
        c.close(node.id);
        SimNode other = nodes.get(peer);
        at(now + latency(node.id, peer) + 1000, () -> {
            if (other != null && other.up && Long.valueOf(c.gen).equals(other.conns.get(node.id))) {
                other.conns.remove(node.id);
                c.close(peer);
                handle(other, new InEvent.PeerDisconnected<>(node.peer));
            }
        });
    }

    /** The live end {@code observer} of {@code c} notices, after the detection delay, that the other end is gone. */
    private void noticeFailureLater(Conn c, int observer) {
        if (c.failureNoticed) {
            return;
        }
        c.failureNoticed = true;
        SimNode obs = nodes.get(observer);
        boolean dialFailed = c.acceptorIncarnation == -1 && observer == c.dialer;
        long delay = (dialFailed ? config.dialTimeoutMillis() : config.crashDetectMillis()) * MS;
        at(now + delay, () -> {
            if (obs != null && obs.up && Long.valueOf(c.gen).equals(obs.conns.get(c.dialer == observer ? c.acceptor : c.dialer))) {
                int other = c.dialer == observer ? c.acceptor : c.dialer;
                obs.conns.remove(other);
                c.close(observer);
                handle(obs, new InEvent.PeerDisconnected<>(new SimPeer(other)));
            }
        });
    }
}
