package com.kafkaconnectiroh.p2p.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.gossip.proto.sim.SimPeer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The state machine driven by hand, one event at a time, checking the exact protocol reactions. */
class StateTest {
    static final TopicId T = TopicId.of(new byte[32]);
    static final TopicId T2 = TopicId.of(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    static final long MS = 1_000_000L;

    final SimPeer me = new SimPeer(1);
    final State<SimPeer> st = new State<>(me, PeerData.of(new byte[] {1}), GossipConfig.DEFAULT,
            new GossipCodec<>(SimPeer.CODEC), new SplittableRandom(7));
    long now = 0;

    static SimPeer p(int i) {
        return new SimPeer(i);
    }

    List<OutEvent<SimPeer>> in(InEvent<SimPeer> e) {
        return st.handle(e, now);
    }

    List<OutEvent<SimPeer>> recv(int from, HyParViewMessage<SimPeer> m) {
        return in(new InEvent.RecvMessage<>(p(from), T, Message.swarm(m)));
    }

    List<OutEvent<SimPeer>> recvGossip(int from, PlumTreeMessage m) {
        return in(new InEvent.RecvMessage<>(p(from), T, Message.gossip(m)));
    }

    List<OutEvent<SimPeer>> joinTopic(int... peers) {
        List<SimPeer> l = new ArrayList<>();
        for (int x : peers) {
            l.add(p(x));
        }
        return in(new InEvent.Command<>(T, new TopicCommand.Join<>(l)));
    }

    /** Joins the topic with no contacts, then lets the given peers join through us. */
    void withNeighbors(int... peers) {
        joinTopic();
        for (int x : peers) {
            recv(x, new HyParViewMessage.Join<>(PeerData.of(new byte[] {(byte) x})));
        }
    }

    static <M> List<M> sent(List<OutEvent<SimPeer>> out, int to, Class<M> type) {
        List<M> r = new ArrayList<>();
        for (OutEvent<SimPeer> o : out) {
            if (o instanceof OutEvent.SendMessage<SimPeer> s && s.to().equals(p(to))) {
                Object body = s.message() instanceof Message.Swarm<SimPeer> sw ? sw.body() : ((Message.Gossip<SimPeer>) s.message()).body();
                if (type.isInstance(body)) {
                    r.add(type.cast(body));
                }
            }
        }
        return r;
    }

    static int sendCount(List<OutEvent<SimPeer>> out) {
        return (int) out.stream().filter(o -> o instanceof OutEvent.SendMessage).count();
    }

    static boolean has(List<OutEvent<SimPeer>> out, Predicate<OutEvent<SimPeer>> p) {
        return out.stream().anyMatch(p);
    }

    static boolean emitted(List<OutEvent<SimPeer>> out, Event<SimPeer> e) {
        return has(out, o -> o instanceof OutEvent.EmitEvent<SimPeer> ee && ee.event().equals(e));
    }

    static boolean disconnects(List<OutEvent<SimPeer>> out, int peer) {
        return has(out, o -> o instanceof OutEvent.DisconnectPeer<SimPeer> d && d.peer().equals(p(peer)));
    }

    static List<Event.Received<SimPeer>> received(List<OutEvent<SimPeer>> out) {
        List<Event.Received<SimPeer>> r = new ArrayList<>();
        for (OutEvent<SimPeer> o : out) {
            if (o instanceof OutEvent.EmitEvent<SimPeer> e && e.event() instanceof Event.Received<SimPeer> rc) {
                r.add(rc);
            }
        }
        return r;
    }

    static PlumTreeMessage.Gossip gossip(String text, int round) {
        byte[] c = text.getBytes(StandardCharsets.UTF_8);
        return new PlumTreeMessage.Gossip(MessageId.ofContent(c), c, new DeliveryScope.Swarm(round));
    }

    // ---- membership ----

    @Test
    void joiningSendsJoinAndAnswersTheContactsNeighbor() {
        List<OutEvent<SimPeer>> out = joinTopic(2);
        assertEquals(List.of(new HyParViewMessage.Join<SimPeer>(PeerData.of(new byte[] {1}))),
                sent(out, 2, HyParViewMessage.Join.class));
        // The first shuffle comes early (10 × the 500 ms neighbor timeout), later ones every 60 s.
        assertTrue(has(out, o -> o instanceof OutEvent.ScheduleTimer<SimPeer> t && t.timer().kind() == Timer.Kind.SHUFFLE
                && t.delayNanos() == 5_000 * MS));
        assertTrue(has(out, o -> o instanceof OutEvent.ScheduleTimer<SimPeer> t && t.timer().kind() == Timer.Kind.EVICT_CACHE
                && t.delayNanos() == 1000 * MS));

        out = recv(2, new HyParViewMessage.Neighbor<>(Priority.HIGH, PeerData.of(new byte[] {2})));
        assertTrue(emitted(out, new Event.NeighborUp<>(p(2))));
        assertTrue(has(out, o -> o instanceof OutEvent.PeerDataReceived<SimPeer> d && d.peer().equals(p(2))));
        // The contact (iroh 0.101 too) expects our Neighbor back; it absorbs it as the answer.
        assertEquals(1, sent(out, 2, HyParViewMessage.Neighbor.class).size());
        assertEquals(List.of(p(2)), st.topic(T).activeView());
        assertEquals(List.of(p(2)), st.topic(T).eagerPeers());
    }

    @Test
    void contactTakesNewcomerAndStartsRandomWalks() {
        withNeighbors(2);
        List<OutEvent<SimPeer>> out = recv(3, new HyParViewMessage.Join<>(PeerData.of(new byte[] {3})));
        assertTrue(emitted(out, new Event.NeighborUp<>(p(3))));
        assertEquals(List.of(new HyParViewMessage.Neighbor<SimPeer>(Priority.HIGH, PeerData.of(new byte[] {1}))),
                sent(out, 3, HyParViewMessage.Neighbor.class));
        List<HyParViewMessage.ForwardJoin> fj = sent(out, 2, HyParViewMessage.ForwardJoin.class);
        assertEquals(1, fj.size());
        assertEquals(p(3), fj.get(0).peer().id());
        assertEquals(6, fj.get(0).ttl());
        // The newcomer's echo is absorbed: no ping-pong.
        out = recv(3, new HyParViewMessage.Neighbor<>(Priority.HIGH, PeerData.of(new byte[] {3})));
        assertEquals(0, sendCount(out));
    }

    @Test
    void lowPriorityNeighborIsRefusedWhenFull() {
        withNeighbors(2, 3, 4, 5, 6);
        assertEquals(5, st.topic(T).activeView().size());
        List<OutEvent<SimPeer>> out = recv(9, new HyParViewMessage.Neighbor<>(Priority.LOW, null));
        assertFalse(st.topic(T).activeView().contains(p(9)));
        assertEquals(List.of(new HyParViewMessage.Disconnect<SimPeer>(true, false)), sent(out, 9, HyParViewMessage.Disconnect.class));
        assertEquals(1, sent(out, 9, HyParViewMessage.ShuffleReply.class).size());
        assertTrue(disconnects(out, 9));
    }

    @Test
    void highPriorityNeighborEvictsARandomNeighborWhoStaysPassive() {
        withNeighbors(2, 3, 4, 5, 6);
        List<OutEvent<SimPeer>> out = recv(9, new HyParViewMessage.Neighbor<>(Priority.HIGH, null));
        assertTrue(emitted(out, new Event.NeighborUp<>(p(9))));
        int evicted = -1;
        for (int x = 2; x <= 6; x++) {
            if (emitted(out, new Event.NeighborDown<>(p(x)))) {
                evicted = x;
            }
        }
        assertTrue(evicted > 0);
        assertEquals(List.of(new HyParViewMessage.Disconnect<SimPeer>(true, false)), sent(out, evicted, HyParViewMessage.Disconnect.class));
        assertTrue(disconnects(out, evicted));
        assertTrue(st.topic(T).passiveView().contains(p(evicted)));
        assertEquals(5, st.topic(T).activeView().size());
    }

    @Test
    void disconnectSemantics() {
        withNeighbors(2, 3, 4);
        // alive: the peer goes passive and we close the connection.
        List<OutEvent<SimPeer>> out = recv(2, new HyParViewMessage.Disconnect<>(true, false));
        assertTrue(emitted(out, new Event.NeighborDown<>(p(2))));
        assertTrue(disconnects(out, 2));
        assertTrue(st.topic(T).passiveView().contains(p(2)));
        assertEquals(0, sent(out, 2, HyParViewMessage.Disconnect.class).size());
        // not alive: forgotten.
        out = recv(3, new HyParViewMessage.Disconnect<>(false, false));
        assertTrue(emitted(out, new Event.NeighborDown<>(p(3))));
        assertFalse(st.topic(T).passiveView().contains(p(3)));
        // respond (iroh 0.35 semantics): answered with our own alive Disconnect before closing.
        out = recv(4, new HyParViewMessage.Disconnect<>(false, true));
        assertEquals(List.of(new HyParViewMessage.Disconnect<SimPeer>(true, false)), sent(out, 4, HyParViewMessage.Disconnect.class));
        assertTrue(disconnects(out, 4));
    }

    @Test
    void lostConnectionPromotesAPassivePeer() {
        withNeighbors(2, 3);
        recv(2, new HyParViewMessage.Disconnect<>(true, false)); // 2 becomes passive
        List<OutEvent<SimPeer>> out = in(new InEvent.PeerDisconnected<>(p(3)));
        assertTrue(emitted(out, new Event.NeighborDown<>(p(3))));
        // Active view is empty now: the refill request is HIGH, to the only passive peer.
        assertEquals(List.of(new HyParViewMessage.Neighbor<SimPeer>(Priority.HIGH, PeerData.of(new byte[] {1}))),
                sent(out, 2, HyParViewMessage.Neighbor.class));
        // No answer within the timeout: 2 counts as failed and leaves the passive view.
        now += 500 * MS;
        out = in(new InEvent.TimerExpired<>(new Timer<>(T, Timer.Kind.NEIGHBOR_REQUEST, p(2), null)));
        assertFalse(st.topic(T).passiveView().contains(p(2)));
        assertTrue(disconnects(out, 2));
    }

    @Test
    void forwardJoinWalksAndEnds() {
        withNeighbors(2, 3);
        // A hostile TTL is clamped to our own walk length before forwarding.
        List<OutEvent<SimPeer>> out = recv(2, new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(p(7), null), 65535));
        List<HyParViewMessage.ForwardJoin> fwd = sent(out, 3, HyParViewMessage.ForwardJoin.class);
        assertEquals(1, fwd.size());
        assertEquals(5, fwd.get(0).ttl());
        // At PRWL (3) the newcomer is remembered as passive and the walk continues.
        out = recv(2, new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(p(8), PeerData.of(new byte[] {8})), 3));
        assertTrue(st.topic(T).passiveView().contains(p(8)));
        assertEquals(2, sent(out, 3, HyParViewMessage.ForwardJoin.class).get(0).ttl());
        // At TTL 0 we ask the newcomer to be our neighbor (it becomes active when it answers).
        out = recv(2, new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(p(9), null), 0));
        assertEquals(1, sent(out, 9, HyParViewMessage.Neighbor.class).size());
        assertFalse(st.topic(T).activeView().contains(p(9)));
        out = recv(9, new HyParViewMessage.Neighbor<>(Priority.HIGH, null));
        assertTrue(emitted(out, new Event.NeighborUp<>(p(9))));
        assertEquals(0, sent(out, 9, HyParViewMessage.Neighbor.class).size());
        // A walk about ourselves is ignored.
        assertEquals(0, sendCount(recv(2, new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(me, null), 0))));
    }

    @Test
    void quittingAlsoTellsPeersWeAskedToBeNeighbors() {
        withNeighbors(2);
        // a walk ends here: we ask 9 to be our neighbor; before it answers, we leave
        recv(2, new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(p(9), null), 0));
        // and a Join to 5 is still unanswered
        in(new InEvent.Command<>(T, new TopicCommand.Join<>(List.of(p(5)))));
        List<OutEvent<SimPeer>> out = in(new InEvent.Command<>(T, new TopicCommand.Quit<>()));
        for (int peer : new int[] {2, 9, 5}) {
            assertEquals(List.of(new HyParViewMessage.Disconnect<SimPeer>(false, false)),
                    sent(out, peer, HyParViewMessage.Disconnect.class), "to " + peer);
            assertTrue(disconnects(out, peer), "connection to " + peer + " released");
        }
        // the Disconnect precedes the release, so the driver flushes it before closing
        int send = -1;
        int release = -1;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) instanceof OutEvent.SendMessage<SimPeer> m && m.to().equals(p(9))) {
                send = i;
            } else if (out.get(i) instanceof OutEvent.DisconnectPeer<SimPeer> d && d.peer().equals(p(9))) {
                release = i;
            }
        }
        assertTrue(send >= 0 && send < release);
    }

    @Test
    void shuffleEndsWithAReplyToTheOrigin() {
        withNeighbors(2);
        List<PeerInfo<SimPeer>> nodes = List.of(new PeerInfo<>(p(20), null), new PeerInfo<>(p(21), PeerData.of(new byte[] {21})),
                new PeerInfo<>(p(22), null));
        // With one neighbor the walk ends here whatever its TTL.
        List<OutEvent<SimPeer>> out = recv(2, new HyParViewMessage.Shuffle<>(p(22), nodes, 4));
        assertEquals(1, sent(out, 22, HyParViewMessage.ShuffleReply.class).size());
        assertTrue(st.topic(T).passiveView().containsAll(List.of(p(20), p(21), p(22))));
        // The origin is no neighbor: its connection is released after the reply.
        assertTrue(disconnects(out, 22));
    }

    @Test
    void shuffleTimerSamplesViewsAndIncludesUs() {
        withNeighbors(2, 3, 4);
        recv(2, new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(p(8), null), 3)); // 8 becomes passive
        now += 5_000 * MS;
        List<OutEvent<SimPeer>> out = in(new InEvent.TimerExpired<>(new Timer<>(T, Timer.Kind.SHUFFLE, null, null)));
        List<HyParViewMessage.Shuffle> shuffles = new ArrayList<>();
        for (int x = 2; x <= 4; x++) {
            shuffles.addAll(sent(out, x, HyParViewMessage.Shuffle.class));
        }
        assertEquals(1, shuffles.size());
        HyParViewMessage.Shuffle<SimPeer> s = shuffles.get(0);
        assertEquals(me, s.origin());
        assertEquals(6, s.ttl());
        assertEquals(me, s.nodes().get(s.nodes().size() - 1).id());
        assertEquals(4, s.nodes().size()); // two other actives, the passive one, us
        assertTrue(s.nodes().stream().anyMatch(n -> n.id().equals(p(8))));
        assertTrue(has(out, o -> o instanceof OutEvent.ScheduleTimer<SimPeer> t && t.timer().kind() == Timer.Kind.SHUFFLE
                && t.delayNanos() == 60_000 * MS));
    }

    @Test
    void oversizedPeerDataIsDroppedAndOurOwnIsBounded() {
        withNeighbors(2, 3);
        // 4096 / 4 - 64 = 960 bytes is the most peer data we keep or pass on.
        List<OutEvent<SimPeer>> out = recv(2, new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(p(7), PeerData.of(new byte[961])), 4));
        HyParViewMessage.ForwardJoin<SimPeer> fwd = sent(out, 3, HyParViewMessage.ForwardJoin.class).get(0);
        assertEquals(null, fwd.peer().data());
        assertFalse(has(out, o -> o instanceof OutEvent.PeerDataReceived));
        out = recv(2, new HyParViewMessage.ForwardJoin<>(new PeerInfo<>(p(8), PeerData.of(new byte[960])), 4));
        assertEquals(960, ((HyParViewMessage.ForwardJoin<SimPeer>) sent(out, 3, HyParViewMessage.ForwardJoin.class).get(0)).peer().data().length());
        assertThrows(IllegalArgumentException.class, () -> in(new InEvent.UpdatePeerData<>(PeerData.of(new byte[961]))));
        in(new InEvent.UpdatePeerData<>(PeerData.of(new byte[] {4, 2})));
        out = recv(9, new HyParViewMessage.Join<>(null));
        assertEquals(PeerData.of(new byte[] {4, 2}), ((HyParViewMessage.Neighbor<SimPeer>) sent(out, 9, HyParViewMessage.Neighbor.class).get(0)).data());
    }

    // ---- broadcast ----

    @Test
    void gossipWithMismatchedIdIsIgnored() {
        withNeighbors(2, 3);
        byte[] c = "real".getBytes(StandardCharsets.UTF_8);
        MessageId wrong = MessageId.ofContent("other".getBytes(StandardCharsets.UTF_8));
        List<OutEvent<SimPeer>> out = recvGossip(2, new PlumTreeMessage.Gossip(wrong, c, new DeliveryScope.Swarm(0)));
        assertEquals(0, received(out).size());
        assertEquals(0, sendCount(out));
        assertEquals(1, st.topic(T).counters().invalidIds());
        // The genuine message is not shadowed by the spoofed id.
        out = recvGossip(2, new PlumTreeMessage.Gossip(MessageId.ofContent(c), c, new DeliveryScope.Swarm(0)));
        assertEquals(1, received(out).size());
    }

    @Test
    void receivedGossipIsDeliveredOnceAndForwardedOneRoundFurther() {
        withNeighbors(2, 3, 4);
        PlumTreeMessage.Gossip g = gossip("hello", 2);
        List<OutEvent<SimPeer>> out = recvGossip(2, g);
        assertEquals(1, received(out).size());
        assertEquals(new DeliveryScope.Swarm(2), received(out).get(0).scope());
        assertEquals(p(2), received(out).get(0).deliveredFrom());
        assertEquals(List.of(gossip("hello", 3)), sent(out, 3, PlumTreeMessage.Gossip.class));
        assertEquals(0, sent(out, 2, PlumTreeMessage.Gossip.class).size());
        // The same message again, from another neighbor: not delivered, and that link is pruned.
        out = recvGossip(3, gossip("hello", 4));
        assertEquals(0, received(out).size());
        assertEquals(List.of(PlumTreeMessage.PRUNE), sent(out, 3, PlumTreeMessage.Prune.class));
        assertTrue(st.topic(T).lazyPeers().contains(p(3)));
        // ... and a re-send by the first neighbor is dropped too.
        assertEquals(0, received(recvGossip(2, g)).size());
        assertEquals(2, st.topic(T).counters().duplicates());
    }

    @Test
    void lazyPeersGetBatchedIHaves() {
        withNeighbors(2, 3);
        recvGossip(3, PlumTreeMessage.PRUNE); // 3 is lazy now
        List<OutEvent<SimPeer>> out = recvGossip(2, gossip("a", 0));
        assertTrue(has(out, o -> o instanceof OutEvent.ScheduleTimer<SimPeer> t && t.timer().kind() == Timer.Kind.DISPATCH_LAZY_PUSH
                && t.delayNanos() == 5 * MS));
        assertEquals(0, sent(out, 3, PlumTreeMessage.IHave.class).size());
        recvGossip(2, gossip("b", 0));
        now += 5 * MS;
        out = in(new InEvent.TimerExpired<>(new Timer<>(T, Timer.Kind.DISPATCH_LAZY_PUSH, null, null)));
        List<PlumTreeMessage.IHave> ihaves = sent(out, 3, PlumTreeMessage.IHave.class);
        assertEquals(1, ihaves.size());
        assertEquals(2, ihaves.get(0).entries().size());
        assertEquals(1, ihaves.get(0).entries().get(0).round());
    }

    @Test
    void missingMessageIsGraftedAndRetriedThenGivenUp() {
        withNeighbors(2, 3);
        PlumTreeMessage.Gossip g = gossip("late", 1);
        recvGossip(2, new PlumTreeMessage.IHave(List.of(new PlumTreeMessage.IHave.Entry(g.id(), 2))));
        recvGossip(3, new PlumTreeMessage.IHave(List.of(new PlumTreeMessage.IHave.Entry(g.id(), 4))));
        Timer<SimPeer> graft = new Timer<>(T, Timer.Kind.SEND_GRAFT, null, g.id());
        now += 80 * MS;
        List<OutEvent<SimPeer>> out = in(new InEvent.TimerExpired<>(graft));
        assertEquals(List.of(new PlumTreeMessage.Graft(g.id(), 2)), sent(out, 2, PlumTreeMessage.Graft.class));
        assertTrue(has(out, o -> o instanceof OutEvent.ScheduleTimer<SimPeer> t && t.timer().equals(graft) && t.delayNanos() == 40 * MS));
        now += 40 * MS;
        out = in(new InEvent.TimerExpired<>(graft));
        assertEquals(List.of(new PlumTreeMessage.Graft(g.id(), 4)), sent(out, 3, PlumTreeMessage.Graft.class));
        // Both asked once; we keep cycling through them until maxGraftAttempts (8), then give up.
        int grafts = 2;
        for (int i = 0; i < 10; i++) {
            now += 40 * MS;
            out = in(new InEvent.TimerExpired<>(graft));
            grafts += sent(out, 2, PlumTreeMessage.Graft.class).size() + sent(out, 3, PlumTreeMessage.Graft.class).size();
        }
        assertEquals(8, grafts);
        assertEquals(0, st.topic(T).sizes().missingMessages());
        // Had the payload come in between, the timer would have been a no-op.
    }

    @Test
    void graftIsAnsweredFromTheCache() {
        withNeighbors(2, 3);
        byte[] c = "cached".getBytes(StandardCharsets.UTF_8);
        in(new InEvent.Command<>(T, new TopicCommand.Broadcast<>(c, Scope.SWARM)));
        recvGossip(2, PlumTreeMessage.PRUNE);
        List<OutEvent<SimPeer>> out = recvGossip(2, new PlumTreeMessage.Graft(MessageId.ofContent(c), 0));
        assertEquals(List.of(new PlumTreeMessage.Gossip(MessageId.ofContent(c), c, new DeliveryScope.Swarm(0))),
                sent(out, 2, PlumTreeMessage.Gossip.class));
        assertTrue(st.topic(T).eagerPeers().contains(p(2)));
        // Unknown id: only the link is grafted.
        assertEquals(0, sendCount(recvGossip(3, new PlumTreeMessage.Graft(MessageId.ofContent(new byte[] {9}), 0))));
    }

    @Test
    void treeIsOptimisedWhenAnIHaveWasManyRoundsCloser() {
        withNeighbors(2, 3);
        recvGossip(2, PlumTreeMessage.PRUNE); // 2 lazy, 3 eager
        PlumTreeMessage.Gossip g = gossip("far", 9);
        recvGossip(2, new PlumTreeMessage.IHave(List.of(new PlumTreeMessage.IHave.Entry(g.id(), 1))));
        // The payload arrives through 3 after 9 rounds (forwarded as 10); 2 announced it at round 1: 10 - 1 >= 7.
        List<OutEvent<SimPeer>> out = recvGossip(3, g);
        assertEquals(1, received(out).size());
        assertEquals(List.of(new PlumTreeMessage.Graft(null, 1)), sent(out, 2, PlumTreeMessage.Graft.class));
        assertEquals(List.of(PlumTreeMessage.PRUNE), sent(out, 3, PlumTreeMessage.Prune.class));
        assertEquals(List.of(p(2)), st.topic(T).eagerPeers());
        assertEquals(List.of(p(3)), st.topic(T).lazyPeers());
        // Below the threshold nothing changes.
        PlumTreeMessage.Gossip h = gossip("near", 5);
        recvGossip(3, new PlumTreeMessage.IHave(List.of(new PlumTreeMessage.IHave.Entry(h.id(), 1))));
        out = recvGossip(2, h);
        assertEquals(0, sent(out, 3, PlumTreeMessage.Graft.class).size() + sent(out, 2, PlumTreeMessage.Prune.class).size());
    }

    @Test
    void neighborBroadcastReachesEveryNeighborAndStopsThere() {
        withNeighbors(2, 3, 4);
        recvGossip(3, PlumTreeMessage.PRUNE);
        byte[] c = "hi neighbors".getBytes(StandardCharsets.UTF_8);
        List<OutEvent<SimPeer>> out = in(new InEvent.Command<>(T, new TopicCommand.Broadcast<>(c, Scope.NEIGHBORS)));
        for (int x = 2; x <= 4; x++) {
            assertEquals(List.of(new PlumTreeMessage.Gossip(MessageId.ofContent(c), c, DeliveryScope.NEIGHBORS)),
                    sent(out, x, PlumTreeMessage.Gossip.class), "neighbor " + x);
        }
        assertEquals(0, received(out).size());
        // Receiving one: delivered with Neighbors scope, never forwarded.
        out = recvGossip(2, new PlumTreeMessage.Gossip(MessageId.ofContent(c), c, DeliveryScope.NEIGHBORS));
        assertEquals(1, received(out).size());
        assertEquals(DeliveryScope.NEIGHBORS, received(out).get(0).scope());
        assertEquals(0, sendCount(out));
    }

    @Test
    void broadcastLimits() {
        assertThrows(IllegalStateException.class,
                () -> in(new InEvent.Command<>(T, new TopicCommand.Broadcast<>(new byte[1], Scope.SWARM))));
        withNeighbors(2);
        int max = GossipConfig.DEFAULT.maxContentSize();
        assertEquals(1, sent(in(new InEvent.Command<>(T, new TopicCommand.Broadcast<>(new byte[max], Scope.SWARM))), 2,
                PlumTreeMessage.Gossip.class).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> in(new InEvent.Command<>(T, new TopicCommand.Broadcast<>(new byte[max + 1], Scope.SWARM))));
        assertTrue(e.getMessage().contains(String.valueOf(max)), e.getMessage());
    }

    // ---- several topics ----

    @Test
    void connectionIsClosedOnlyWhenNoTopicNeedsIt() {
        withNeighbors(2);
        in(new InEvent.Command<>(T2, new TopicCommand.Join<>(List.of())));
        in(new InEvent.RecvMessage<>(p(2), T2, Message.swarm(new HyParViewMessage.Join<>(null))));
        // Leaving T tells 2 goodbye there, but the connection stays: T2 still uses it.
        List<OutEvent<SimPeer>> out = in(new InEvent.Command<>(T, new TopicCommand.Quit<>()));
        assertEquals(List.of(new HyParViewMessage.Disconnect<SimPeer>(false, false)), sent(out, 2, HyParViewMessage.Disconnect.class));
        assertFalse(disconnects(out, 2));
        assertEquals(null, st.topic(T));
        out = in(new InEvent.Command<>(T2, new TopicCommand.Quit<>()));
        assertTrue(disconnects(out, 2));
        // The DisconnectPeer comes after the goodbye, so a driver flushes it first.
        int goodbye = -1;
        int close = -1;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) instanceof OutEvent.SendMessage<SimPeer> s && s.message().isDisconnect()) {
                goodbye = i;
            }
            if (out.get(i) instanceof OutEvent.DisconnectPeer) {
                close = i;
            }
        }
        assertTrue(goodbye >= 0 && goodbye < close);
        assertEquals(0, st.claimedConnections());
    }

    @Test
    void messagesForUnknownTopicsAndStaleTimersAreIgnored() {
        // Nothing but closing the connection, which no topic uses.
        assertEquals(List.of(new OutEvent.DisconnectPeer<>(p(2))),
                in(new InEvent.RecvMessage<>(p(2), T, Message.swarm(new HyParViewMessage.Join<>(null)))));
        assertEquals(0, in(new InEvent.TimerExpired<>(new Timer<>(T, Timer.Kind.SHUFFLE, null, null))).size());
        withNeighbors(2);
        // A neighbor's message for another topic leaves its connection alone.
        assertEquals(0, in(new InEvent.RecvMessage<>(p(2), T2, Message.swarm(new HyParViewMessage.Join<>(null)))).size());
        assertEquals(0, in(new InEvent.TimerExpired<>(new Timer<>(T, Timer.Kind.NEIGHBOR_REQUEST, p(42), null))).size());
        assertEquals(0, in(new InEvent.TimerExpired<>(new Timer<>(T, Timer.Kind.SEND_GRAFT, null, MessageId.ofContent(new byte[0])))).size());
    }
}
