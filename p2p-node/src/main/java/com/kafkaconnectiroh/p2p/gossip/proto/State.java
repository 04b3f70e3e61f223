package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The iroh-gossip protocol for one node, over any number of topics, without I/O (iroh-gossip
 * {@code proto::State}). The driver feeds {@link InEvent}s with the current time and carries out the returned
 * {@link OutEvent}s in order: send messages, deliver events, arm timers, close connections.
 *
 * <p>Time is a {@code long} of nanoseconds from any origin and must not go backwards. Randomness comes from the
 * injected generator only, so a seeded run replays exactly. Not thread-safe: one driver thread owns it.
 *
 * <p>Connections: a topic claims the connection to a peer when it sends to or receives from it, and gives the
 * claim up when it no longer needs the peer; when the last claim goes, {@link OutEvent.DisconnectPeer} is emitted
 * (iroh 0.35 semantics; 0.101 disconnects when any one topic lets go). A {@link InEvent.PeerDisconnected} drops
 * all claims at once.
 *
 * @param <P> peer identity: {@code EndpointId} on the network, anything with equals/hashCode in simulations
 */
public final class State<P> {
    private final P me;
    private final GossipConfig config;
    private final RandomGenerator rng;
    private final GossipCodec<P> codec;
    private PeerData meData;

    private final LinkedHashMap<TopicId, Topic<P>> topics = new LinkedHashMap<>();
    /** Which topics hold a claim on the connection to each peer. */
    private final Map<P, Set<TopicId>> claims = new HashMap<>();
    private List<OutEvent<P>> out = new ArrayList<>();
    private long lastNow = Long.MIN_VALUE;
    private final Topic.Output<P> output = new Topic.Output<>() {
        @Override
        public void send(TopicId topic, P to, Message<P> message) {
            claims.computeIfAbsent(to, k -> new LinkedHashSet<>(2)).add(topic);
            out.add(new OutEvent.SendMessage<>(to, topic, message));
        }

        @Override
        public void emit(TopicId topic, Event<P> event) {
            out.add(new OutEvent.EmitEvent<>(topic, event));
        }

        @Override
        public void schedule(long delayNanos, Timer<P> timer) {
            out.add(new OutEvent.ScheduleTimer<>(delayNanos, timer));
        }

        @Override
        public void peerData(P peer, PeerData data) {
            out.add(new OutEvent.PeerDataReceived<>(peer, data));
        }

        @Override
        public void release(TopicId topic, P peer) {
            State.this.release(topic, peer);
        }
    };

    /**
     * @param me     our identity (never sent as a peer of ourselves; messages "from" it are ignored)
     * @param meData our opaque data (addresses), attached to Join and Neighbor messages
     * @param codec  how identities are encoded, used to keep built messages within {@code maxMessageSize}
     * @param rng    the only source of randomness; each topic gets its own generator seeded from it
     */
    public State(P me, PeerData meData, GossipConfig config, GossipCodec<P> codec, RandomGenerator rng) {
        this.me = Objects.requireNonNull(me, "me");
        this.meData = Objects.requireNonNull(meData, "meData");
        this.config = Objects.requireNonNull(config, "config");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.rng = Objects.requireNonNull(rng, "rng");
        checkOwnData(meData);
    }

    /** Our data rides on Join, Neighbor and (via others) ForwardJoin and Shuffle messages, so it must stay small. */
    private void checkOwnData(PeerData data) {
        int max = HyParView.maxPeerDataSize(config.maxMessageSize());
        if (data.length() > max) {
            throw new IllegalArgumentException("peer data of " + data.length() + " bytes exceeds " + max
                    + " bytes (a quarter of the max message size, less overhead)");
        }
    }

    public P me() {
        return me;
    }

    public GossipConfig config() {
        return config;
    }

    /**
     * Processes one event at time {@code now} and returns what to do, in order.
     *
     * @throws IllegalArgumentException for a Broadcast whose content exceeds {@link GossipConfig#maxContentSize()},
     *                                  or our own peer data beyond a quarter of the max message size
     * @throws IllegalStateException    for a Broadcast to a topic that was not joined
     */
    public List<OutEvent<P>> handle(InEvent<P> event, long now) {
        if (lastNow != Long.MIN_VALUE && now - lastNow < 0) {
            now = lastNow;
        }
        lastNow = now;
        out = new ArrayList<>(8);
        if (event instanceof InEvent.RecvMessage<P> r) {
            Topic<P> t = topics.get(r.topic());
            if (t != null) {
                claims.computeIfAbsent(r.from(), k -> new LinkedHashSet<>(2)).add(r.topic());
                t.receive(r.from(), r.message(), now);
            } else if (!claims.containsKey(r.from())) {
                // A topic we are not in (or left): nothing will use this connection.
                out.add(new OutEvent.DisconnectPeer<>(r.from()));
            }
        } else if (event instanceof InEvent.Command<P> c) {
            command(c.topic(), c.command(), now);
        } else if (event instanceof InEvent.TimerExpired<P> te) {
            Topic<P> t = topics.get(te.timer().topic());
            if (t != null) {
                t.timer(te.timer(), now);
            }
        } else if (event instanceof InEvent.PeerDisconnected<P> pd) {
            // The connection is gone: nobody's claim survives, and nothing needs a DisconnectPeer.
            claims.remove(pd.peer());
            for (Topic<P> t : topics.values()) {
                t.peerDisconnected(pd.peer(), now);
            }
        } else {
            PeerData data = ((InEvent.UpdatePeerData<P>) event).data();
            checkOwnData(data);
            meData = data;
            for (Topic<P> t : topics.values()) {
                t.updatePeerData(meData);
            }
        }
        return out;
    }

    private void command(TopicId topicId, TopicCommand<P> command, long now) {
        if (command instanceof TopicCommand.Join<P> join) {
            Topic<P> t = topics.get(topicId);
            if (t == null) {
                t = new Topic<>(topicId, me, meData, config, new SplittableRandom(rng.nextLong()), codec, output);
                topics.put(topicId, t);
                t.start();
            }
            t.join(join.peers(), now);
        } else if (command instanceof TopicCommand.Broadcast<P> b) {
            Topic<P> t = topics.get(topicId);
            if (t == null) {
                throw new IllegalStateException("broadcast to topic " + topicId.fmtShort() + " which was not joined");
            }
            t.broadcast(b.content(), b.scope(), now);
        } else {
            Topic<P> t = topics.remove(topicId);
            if (t == null) {
                return;
            }
            t.quit();
            Iterator<Map.Entry<P, Set<TopicId>>> it = claims.entrySet().iterator();
            List<P> closed = new ArrayList<>();
            while (it.hasNext()) {
                Map.Entry<P, Set<TopicId>> e = it.next();
                if (e.getValue().remove(topicId) && e.getValue().isEmpty()) {
                    it.remove();
                    closed.add(e.getKey());
                }
            }
            for (P p : closed) {
                out.add(new OutEvent.DisconnectPeer<>(p));
            }
        }
    }

    private void release(TopicId topic, P peer) {
        Set<TopicId> held = claims.get(peer);
        if (held != null && held.remove(topic) && held.isEmpty()) {
            claims.remove(peer);
            out.add(new OutEvent.DisconnectPeer<>(peer));
        }
    }

    // ---- inspection ----

    public Topic<P> topic(TopicId id) {
        return topics.get(id);
    }

    public Set<TopicId> topics() {
        return Collections.unmodifiableSet(topics.keySet());
    }

    /** Number of peers whose connection some topic still claims. */
    public int claimedConnections() {
        return claims.size();
    }

    public boolean hasNeighbors(TopicId topic) {
        Topic<P> t = topics.get(topic);
        return t != null && t.hasNeighbors();
    }
}
