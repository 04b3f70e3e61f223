package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One joined topic: its membership (HyParView) and broadcast (PlumTree) state (iroh-gossip
 * {@code topic::State}). Created by {@link State} on a Join command; its accessors are for inspection (tests,
 * metrics), all changes go through {@link State#handle}.
 *
 * <p>Connection bookkeeping: every peer a step touches (sender, recipients, peers that left a view) is checked
 * when the step ends; if the topic no longer needs it (not active, no request pending), the topic gives up its
 * claim on the connection, and {@link State} closes it once no topic claims it. This generalises iroh's "disconnect
 * from passive peers right after receiving a message".
 */
public final class Topic<P> {
    private final TopicId id;
    private final HyParView<P> swarm;
    private final PlumTree<P> gossip;
    private final Output<P> output;
    private final LinkedHashSet<P> touched = new LinkedHashSet<>();

    /** Where a topic's effects go; implemented by {@link State}. */
    interface Output<P> {
        void send(TopicId topic, P to, Message<P> message);

        void emit(TopicId topic, Event<P> event);

        void schedule(long delayNanos, Timer<P> timer);

        void peerData(P peer, PeerData data);

        void release(TopicId topic, P peer);
    }

    Topic(TopicId id, P me, PeerData meData, GossipConfig config, RandomGenerator rng, GossipCodec<P> codec,
          Output<P> output) {
        this.id = id;
        this.output = output;
        TopicIo<P> io = new TopicIo<>() {
            @Override
            public void send(P to, Message<P> message) {
                touched.add(to);
                output.send(id, to, message);
            }

            @Override
            public void emit(Event<P> event) {
                // Membership changes reach the broadcast layer first, so nothing is pushed to a departed
                // neighbor later in the same step (iroh forwards them after the step instead).
                if (event instanceof Event.NeighborUp<P> up) {
                    gossip().neighborUp(up.peer());
                } else if (event instanceof Event.NeighborDown<P> down) {
                    gossip().neighborDown(down.peer());
                }
                output.emit(id, event);
            }

            @Override
            public void schedule(long delayNanos, Timer.Kind kind, P peer, MessageId messageId) {
                output.schedule(delayNanos, new Timer<>(id, kind, peer, messageId));
            }

            @Override
            public void peerData(P peer, PeerData data) {
                output.peerData(peer, data);
            }

            @Override
            public void touch(P peer) {
                touched.add(peer);
            }
        };
        this.swarm = new HyParView<>(me, meData, config.membership(), rng, io, codec, config.maxMessageSize());
        this.gossip = new PlumTree<>(me, config.broadcast(), io, config.maxMessageSize());
    }

    private PlumTree<P> gossip() {
        return gossip;
    }

    // ---- steps (called by State) ----

    void start() {
        swarm.ensureShuffleScheduled();
        gossip.ensureEvictScheduled();
    }

    void join(List<P> peers, long now) {
        for (P p : peers) {
            swarm.join(p, now);
        }
        finish();
    }

    void broadcast(byte[] content, Scope scope, long now) {
        gossip.broadcast(content, scope, now);
        finish();
    }

    void quit() {
        swarm.quit();
        touched.clear();
    }

    void receive(P from, Message<P> message, long now) {
        touched.add(from);
        if (message instanceof Message.Swarm<P> s) {
            swarm.onMessage(from, s.body(), now);
        } else {
            gossip.onMessage(from, ((Message.Gossip<P>) message).body(), now);
        }
        finish();
    }

    void timer(Timer<P> timer, long now) {
        switch (timer.kind()) {
            case SHUFFLE -> swarm.onShuffleTimer(now);
            case NEIGHBOR_REQUEST -> {
                if (timer.peer() != null) {
                    swarm.onNeighborTimer(timer.peer(), now);
                }
            }
            case SEND_GRAFT -> {
                if (timer.messageId() != null) {
                    gossip.onGraftTimer(timer.messageId());
                }
            }
            case DISPATCH_LAZY_PUSH -> gossip.onDispatchTimer();
            case EVICT_CACHE -> gossip.onEvictTimer(now);
        }
        finish();
    }

    void peerDisconnected(P peer, long now) {
        swarm.onPeerDisconnected(peer, now);
        gossip.neighborDown(peer);
        finish();
    }

    void updatePeerData(PeerData data) {
        swarm.updatePeerData(data);
    }

    private void finish() {
        if (touched.isEmpty()) {
            return;
        }
        for (P p : touched) {
            swarm.forgetIfUnknown(p);
            if (!swarm.needsConnection(p)) {
                output.release(id, p);
            }
        }
        touched.clear();
    }

    // ---- inspection ----

    public TopicId id() {
        return id;
    }

    /** Current neighbors, in the view's internal order. */
    public List<P> activeView() {
        return swarm.activeView().snapshot();
    }

    public List<P> passiveView() {
        return swarm.passiveView().snapshot();
    }

    public List<P> eagerPeers() {
        return new ArrayList<>(gossip.eagerPeers());
    }

    public List<P> lazyPeers() {
        return new ArrayList<>(gossip.lazyPeers());
    }

    public boolean hasNeighbors() {
        return !swarm.activeView().isEmpty();
    }

    /** Sizes of every internal collection, to check memory bounds. */
    public Sizes sizes() {
        return new Sizes(swarm.activeView().size(), swarm.passiveView().size(), swarm.pendingCount(),
                swarm.peerDataCount(), gossip.eagerPeers().size(),
                gossip.lazyPeers().size(), gossip.lazyQueuePeers(), gossip.lazyQueueEntries(), gossip.missingCount(),
                gossip.missingAnnouncements(), gossip.receivedIdCount(), gossip.cachedCount(), gossip.cachedBytes(),
                touched.size());
    }

    /** Counters of the broadcast layer. */
    public Counters counters() {
        PlumTree.Stats s = gossip.stats;
        return new Counters(s.payloadsReceived, s.controlReceived, s.duplicates, s.invalidIds, s.graftsSent,
                s.graftsGivenUp, s.prunesSent, s.ihavesIgnored, s.missingDropped, s.maxDeliveryRound,
                swarm.shufflesSent(), swarm.forwardJoinsCapped());
    }

    /** Throws {@link IllegalStateException} if the internal bookkeeping is inconsistent; for tests. */
    public void checkInvariants() {
        swarm.checkInvariants();
        gossip.checkInvariants(swarm.activeView());
    }

    /** The largest IHave batch this topic sends (one frame's worth). */
    public int ihaveBatchLimit() {
        return gossip.ihaveChunk();
    }

    public record Sizes(int active, int passive, int pendingNeighborRequests, int peerData,
                        int eager, int lazy, int lazyQueuePeers, int lazyQueueEntries, int missingMessages,
                        int missingAnnouncements, int receivedIds, int cachedMessages, long cachedBytes,
                        int touchedPeers) {}

    public record Counters(long payloadsReceived, long controlReceived, long duplicates, long invalidIds,
                           long graftsSent, long graftsGivenUp, long prunesSent, long ihavesIgnored,
                           long missingDropped, int maxDeliveryRound, long shufflesSent, long forwardJoinsCapped) {}
}
