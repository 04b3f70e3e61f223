package com.kafkaconnectiroh.p2p.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Java ↔ Java gossip over real endpoints on loopback, on each wire version. */
@Timeout(60)
class GossipTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    private final List<JavaNode> nodes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (JavaNode n : nodes) {
            n.close();
        }
    }

    JavaNode node(String alpn) throws Exception {
        JavaNode n = JavaNode.start(b -> alpn.equals("both") ? b : b.dialAlpns(alpn).acceptAlpns(alpn));
        nodes.add(n);
        return n;
    }

    static GossipEvent await(GossipTopic t, Predicate<GossipEvent> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<GossipEvent> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            GossipEvent e = t.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (e == null) {
                break;
            }
            if (match.test(e)) {
                return e;
            }
            seen.add(e);
        }
        throw new AssertionError("no matching event within " + WAIT + "; saw " + seen);
    }

    static Predicate<GossipEvent> received(String text) {
        return e -> e instanceof GossipEvent.Received r && new String(r.content(), StandardCharsets.UTF_8).equals(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V1, GossipWire.ALPN_V0})
    void twoNodesJoinAndBroadcastBothWays(String alpn) throws Exception {
        JavaNode a = node(alpn);
        JavaNode b = node(alpn);
        TopicId topic = TopicId.fromName("two-nodes-" + alpn);
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic, List.of(a.addr()));
        tb.joined().get(10, TimeUnit.SECONDS);
        ta.joined().get(10, TimeUnit.SECONDS);
        assertEquals(b.id(), ((GossipEvent.NeighborUp) await(ta, e -> e instanceof GossipEvent.NeighborUp)).peer());
        assertEquals(a.id(), ((GossipEvent.NeighborUp) await(tb, e -> e instanceof GossipEvent.NeighborUp)).peer());

        ta.broadcast("from a".getBytes(StandardCharsets.UTF_8)).get();
        GossipEvent.Received r = (GossipEvent.Received) await(tb, received("from a"));
        assertEquals(a.id(), r.deliveredFrom());
        assertEquals(new DeliveryScope.Swarm(0), r.scope());

        tb.broadcastNeighbors("from b".getBytes(StandardCharsets.UTF_8)).get();
        r = (GossipEvent.Received) await(ta, received("from b"));
        assertEquals(b.id(), r.deliveredFrom());
        assertEquals(DeliveryScope.NEIGHBORS, r.scope());

        GossipStats s = a.gossip.stats();
        assertEquals(1, alpn.equals(GossipWire.ALPN_V1) ? s.connectionsV1() : s.connectionsV0(), s.toString());
    }

    static void awaitCondition(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
        awaitCondition(what, ok, () -> "");
    }

    static void awaitCondition(String what, java.util.function.BooleanSupplier ok,
                               java.util.function.Supplier<String> detail) throws InterruptedException {
        Fixtures.awaitCondition(what, WAIT, ok, detail);
    }

    /** Waits until every topic has a neighbor and no neighbor set changed for a second. */
    static void awaitSettled(List<GossipTopic> topics) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Set<EndpointId>> last = null;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<Set<EndpointId>> now = topics.stream().map(GossipTopic::neighbors).toList();
            if (!now.equals(last) || now.stream().anyMatch(Set::isEmpty)) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(1)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("membership did not settle: " + last);
    }

    /** Drains {@code t} until every one of {@code want} arrived; fails on a duplicate, an unexpected message or a lag. */
    static void receiveExactly(GossipTopic t, Set<String> want) throws InterruptedException {
        Map<String, Integer> got = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!got.keySet().containsAll(want)) {
            GossipEvent e = t.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (e == null) {
                Set<String> missing = new HashSet<>(want);
                missing.removeAll(got.keySet());
                throw new AssertionError(t + ": " + missing.size() + " of " + want.size() + " messages missing, e.g. "
                        + missing.stream().limit(3).toList());
            }
            assertTrue(!(e instanceof GossipEvent.Lagged), "lagged");
            if (e instanceof GossipEvent.Received r) {
                String m = new String(r.content(), StandardCharsets.UTF_8);
                assertTrue(want.contains(m), "unexpected message " + m);
                assertEquals(null, got.put(m, 1), "duplicate " + m);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V1, GossipWire.ALPN_V0})
    void swarmOfEightDeliversEveryMessageOnceToEveryNode(String alpn) throws Exception {
        TopicId topic = TopicId.fromName("swarm of eight " + alpn);
        List<JavaNode> swarm = new ArrayList<>();
        List<GossipTopic> topics = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            JavaNode n = node(alpn);
            // each bootstraps from a random earlier node (a tree), the swarm then mixes by itself
            List<com.kafkaconnectiroh.p2p.base.EndpointAddr> boot = i == 0 ? List.of() : List.of(swarm.get((i * 5) % i).addr(), swarm.get(i - 1).addr());
            swarm.add(n);
            topics.add(n.gossip.subscribe(topic, boot));
        }
        for (GossipTopic t : topics) {
            t.joined().get(10, TimeUnit.SECONDS);
        }
        // Membership settles first: PlumTree does not replay history, so a node between neighbors when a message
        // passes by never sees it (as in iroh).
        awaitSettled(topics);
        // three senders, 100 messages each, all at once
        Map<Integer, Set<String>> sent = new HashMap<>();
        for (int s : new int[] {0, 3, 7}) {
            Set<String> msgs = new HashSet<>();
            for (int k = 0; k < 100; k++) {
                String m = "node " + s + " message " + k;
                msgs.add(m);
                topics.get(s).broadcast(m.getBytes(StandardCharsets.UTF_8));
            }
            sent.put(s, msgs);
        }
        for (int i = 0; i < 8; i++) {
            Set<String> want = new HashSet<>();
            for (Map.Entry<Integer, Set<String>> e : sent.entrySet()) {
                if (e.getKey() != i) {
                    want.addAll(e.getValue());
                }
            }
            try {
                receiveExactly(topics.get(i), want);
            } catch (AssertionError e) {
                throw new AssertionError("node " + i + " " + swarm.get(i).id().fmtShort() + " " + swarm.get(i).gossip.stats() + ": " + e.getMessage(), e);
            }
        }
        for (JavaNode n : swarm) {
            GossipStats st = n.gossip.stats();
            assertEquals(0, st.protocolErrors(), st.toString());
            assertEquals(st.connections(), alpn.equals(GossipWire.ALPN_V1) ? st.connectionsV1() : st.connectionsV0(), st.toString());
        }
    }

    @Test
    void nodesServingOnlyTheOldVersionAreReachedOnIt() throws Exception {
        JavaNode both = node("both");
        JavaNode old = node(GossipWire.ALPN_V0);
        TopicId topic = TopicId.fromName("versions");
        GossipTopic to = old.gossip.subscribe(topic);
        GossipTopic tb = both.gossip.subscribe(topic, List.of(old.addr()));
        tb.joined().get(10, TimeUnit.SECONDS);
        tb.broadcast("over /0".getBytes(StandardCharsets.UTF_8));
        await(to, received("over /0"));
        assertEquals(1, both.gossip.stats().connectionsV0());
        assertEquals(0, both.gossip.stats().connectionsV1());
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V1, GossipWire.ALPN_V0})
    void neighborDownWhenAPeerLeavesOrExits(String alpn) throws Exception {
        JavaNode a = node(alpn);
        JavaNode b = node(alpn);
        JavaNode c = node(alpn);
        TopicId topic = TopicId.fromName("neighbor down " + alpn);
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic, List.of(a.addr()));
        GossipTopic tc = c.gossip.subscribe(topic, List.of(a.addr()));
        tb.joined().get(10, TimeUnit.SECONDS);
        tc.joined().get(10, TimeUnit.SECONDS);
        awaitCondition("a has both neighbors", () -> ta.neighbors().size() == 2);

        // b leaves the topic (Disconnect): a sees it at once, and their connection ends cleanly
        tb.close();
        assertEquals(new GossipEvent.NeighborDown(b.id()), await(ta, e -> e instanceof GossipEvent.NeighborDown));
        awaitCondition("b's connections end", () -> b.gossip.stats().connections() == 0);

        // c's node exits (its router closes the gossip, then the endpoint)
        c.close();
        nodes.remove(c);
        assertEquals(new GossipEvent.NeighborDown(c.id()), await(ta, e -> e instanceof GossipEvent.NeighborDown));
        assertTrue(ta.neighbors().isEmpty());
        awaitCondition("a's connections end", () -> a.gossip.stats().connections() == 0);
    }

    @Test
    void endpointCrashIsNoticedThroughTheConnection() throws Exception {
        JavaNode a = node("both");
        JavaNode b = node("both");
        TopicId topic = TopicId.fromName("crash");
        GossipTopic ta = a.gossip.subscribe(topic);
        b.gossip.subscribe(topic, List.of(a.addr())).joined().get(10, TimeUnit.SECONDS);
        await(ta, e -> e instanceof GossipEvent.NeighborUp);
        // no Disconnect: the endpoint goes away under the gossip
        b.endpoint.close();
        assertEquals(new GossipEvent.NeighborDown(b.id()), await(ta, e -> e instanceof GossipEvent.NeighborDown));
    }

    @Test
    void stalledSubscriberLagsWithBoundedMemoryWhileOthersKeepUp() throws Exception {
        JavaNode a = node("both");
        JavaNode b = node("both");
        TopicId topic = TopicId.fromName("lagging");
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic stalled = b.gossip.subscribe(topic, List.of(a.addr()), 16);
        GossipTopic reader = b.gossip.subscribe(topic);
        stalled.joined().get(10, TimeUnit.SECONDS);
        reader.joined().get(1, TimeUnit.SECONDS); // the topic had a neighbor already
        ta.joined().get(10, TimeUnit.SECONDS);
        // the second subscription was told about the existing neighbor first
        assertEquals(new GossipEvent.NeighborUp(a.id()), reader.next(Duration.ofSeconds(1)));
        assertEquals(new GossipEvent.NeighborUp(a.id()), stalled.poll()); // 1 of 16 slots

        Set<String> all = new HashSet<>();
        int n = 500;
        for (int i = 0; i < n; i++) {
            String m = "flood " + i;
            all.add(m);
            ta.broadcast(m.getBytes(StandardCharsets.UTF_8));
            assertTrue(stalled.queuedEvents() <= 16);
        }
        receiveExactly(reader, all);
        assertTrue(stalled.queuedEvents() <= 16, "queue " + stalled.queuedEvents());
        assertEquals(16, stalled.queuedEvents());
        assertEquals(n - 15, stalled.droppedEvents());
        for (int i = 0; i < 15; i++) {
            assertInstanceOf(GossipEvent.Received.class, stalled.poll());
        }
        // the marker says how much this gap lost: every message after the 15 that fitted
        assertEquals(new GossipEvent.Lagged(n - 15, n - 15), stalled.poll());
        assertEquals(null, stalled.poll());
        // caught up: new events flow again, with no second marker
        ta.broadcast("after the gap".getBytes(StandardCharsets.UTF_8));
        assertEquals("after the gap", new String(((GossipEvent.Received) stalled.next(WAIT)).content(), StandardCharsets.UTF_8));
    }

    @Test
    void subscriptionsShareATopicAndTheLastOneLeaves() throws Exception {
        JavaNode a = node("both");
        JavaNode b = node("both");
        TopicId topic = TopicId.fromName("shared");
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic b1 = b.gossip.subscribe(topic, List.of(a.addr()));
        b1.joined().get(10, TimeUnit.SECONDS);
        GossipTopic b2 = b.gossip.subscribe(topic);
        assertTrue(b2.joined().isDone() || waitDone(b2));
        ta.broadcast("to both".getBytes(StandardCharsets.UTF_8));
        await(b1, received("to both"));
        await(b2, received("to both"));
        b1.close();
        assertTrue(b1.isClosed());
        ta.broadcast("still there".getBytes(StandardCharsets.UTF_8));
        await(b2, received("still there"));
        assertEquals(1, ta.neighbors().size());
        b2.close();
        assertEquals(new GossipEvent.NeighborDown(b.id()), await(ta, e -> e instanceof GossipEvent.NeighborDown));
        assertThrows(ExecutionException.class, () -> b2.broadcast(new byte[1]).get());
        assertEquals(null, b2.next(Duration.ofMillis(10)));
    }

    private static boolean waitDone(GossipTopic t) throws Exception {
        t.joined().get(5, TimeUnit.SECONDS);
        return true;
    }

    @Test
    void joinPeersLaterAndLearnAddressesThroughTheSwarm() throws Exception {
        JavaNode a = node("both");
        JavaNode b = node("both");
        JavaNode c = node("both");
        TopicId topic = TopicId.fromName("learned addresses");
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic);
        GossipTopic tc = c.gossip.subscribe(topic);
        assertTrue(!tb.joined().isDone());
        tb.joinPeers(List.of(a.addr())).get(5, TimeUnit.SECONDS);
        tb.joined().get(10, TimeUnit.SECONDS);
        // c knows only b; a learns c's address from the ForwardJoin b sends it, and connects to c itself
        tc.joinPeers(List.of(b.addr())).get(5, TimeUnit.SECONDS);
        awaitCondition("a and c become neighbors", () -> ta.neighbors().contains(c.id()) && tc.neighbors().contains(a.id()));
        tc.broadcast("c to all".getBytes(StandardCharsets.UTF_8));
        await(ta, received("c to all"));
        await(tb, received("c to all"));
    }

    @Test
    void messageSizeLimitIsEnforcedAtTheApi() throws Exception {
        JavaNode a = node("both");
        JavaNode b = node("both");
        TopicId topic = TopicId.fromName("sizes");
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic, List.of(a.addr()));
        tb.joined().get(10, TimeUnit.SECONDS);
        int max = a.gossip.maxContentSize();
        assertThrows(IllegalArgumentException.class, () -> ta.broadcast(new byte[max + 1]));
        byte[] big = new byte[max];
        java.util.Arrays.fill(big, (byte) 7);
        ta.broadcast(big).get();
        GossipEvent.Received r = (GossipEvent.Received) await(tb, e -> e instanceof GossipEvent.Received);
        assertArrayEquals(big, r.content());
    }

    /**
     * A sender that awaits each broadcast (as the CLI's publish does) must be slowed to the pace of its neighbors,
     * not fill their send queues until the overflow rule cuts a neighbor that is reading all along.
     */
    @Test
    void broadcastFuturesPaceAFastSenderToItsNeighbors() throws Exception {
        JavaNode a = JavaNode.start(g -> g.maxQueuedBytes(64 << 10));
        nodes.add(a);
        JavaNode b = node("both");
        TopicId topic = TopicId.fromName("paced");
        GossipTopic ta = a.gossip.subscribe(topic);
        int n = 3000;
        GossipTopic tb = b.gossip.subscribe(topic, List.of(a.addr()), n + 16);
        ta.joined().get(10, TimeUnit.SECONDS);
        byte[] content = new byte[a.gossip.maxContentSize()];
        java.util.Arrays.fill(content, (byte) 'x');
        Set<String> want = new HashSet<>();
        for (int i = 0; i < n; i++) {
            byte[] id = String.format("%05d", i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(id, 0, content, 0, id.length);
            want.add(new String(content, StandardCharsets.UTF_8));
            ta.broadcast(content).get(30, TimeUnit.SECONDS);
        }
        receiveExactly(tb, want);
        assertEquals(0, a.gossip.stats().queueOverflows(), a.gossip.stats().toString());
    }

    @Test
    void unreachableBootstrapPeerIsDroppedAndReported() throws Exception {
        JavaNode a = node("both");
        JavaNode b = JavaNode.start(g -> g.connectTimeout(Duration.ofSeconds(1)));
        nodes.add(b);
        // a peer id at an address nobody answers on
        com.kafkaconnectiroh.p2p.base.EndpointAddr ghost = com.kafkaconnectiroh.p2p.base.EndpointAddr.of(
                com.kafkaconnectiroh.p2p.base.SecretKey.generate().publicKey(), null,
                List.of(new java.net.InetSocketAddress("127.0.0.1", 9)));
        TopicId topic = TopicId.fromName("unreachable");
        a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic, List.of(ghost, a.addr()));
        tb.joined().get(10, TimeUnit.SECONDS);
        awaitCondition("the failed dial is counted", () -> b.gossip.stats().dialFailures() >= 1);
        assertEquals(Set.of(a.id()), tb.neighbors());
    }

    @Test
    void broadcastsBeforeTheFirstNeighborAreHeldThenSent() throws Exception {
        JavaNode a = node("both");
        JavaNode b = JavaNode.start(g -> g.maxHeldBroadcasts(3));
        nodes.add(b);
        TopicId topic = TopicId.fromName("held");
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic);
        for (int i = 0; i < 5; i++) {
            tb.broadcast(("early " + i).getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        }
        assertEquals(3, b.gossip.stats().heldBroadcasts());
        assertEquals(2, b.gossip.stats().heldDropped());
        tb.joinPeers(List.of(a.addr()));
        // the three newest, in order, once a is a neighbor
        receiveExactly(ta, Set.of("early 2", "early 3", "early 4"));
        assertEquals(0, b.gossip.stats().heldBroadcasts());
    }

    @Test
    void churnLeavesNoConnectionsTimersOrQueuesBehind() throws Exception {
        TopicId topic = TopicId.fromName("churn");
        List<JavaNode> stable = new ArrayList<>();
        List<GossipTopic> stableTopics = new ArrayList<>();
        // short dials: the repair after a node died tries its passive peers, some of them dead too
        java.util.function.UnaryOperator<Gossip.Builder> quick = g -> g.connectTimeout(Duration.ofSeconds(1));
        for (int i = 0; i < 3; i++) {
            JavaNode n = JavaNode.start(quick);
            nodes.add(n);
            stableTopics.add(n.gossip.subscribe(topic, stable.isEmpty() ? List.of() : List.of(stable.get(0).addr())));
            stable.add(n);
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(42);
        int sent = 0;
        for (int round = 0; round < 8; round++) {
            // a newcomer joins through a random stable node, a message or two flow, and it leaves (or just dies)
            long t0 = System.nanoTime();
            boolean old = rnd.nextBoolean();
            JavaNode n = JavaNode.start(g -> quick.apply(old ? g.dialAlpns(GossipWire.ALPN_V0).acceptAlpns(GossipWire.ALPN_V0) : g));
            nodes.add(n);
            GossipTopic t = n.gossip.subscribe(topic, List.of(stable.get(rnd.nextInt(stable.size())).addr()));
            t.joined().get(10, TimeUnit.SECONDS);
            stableTopics.get(rnd.nextInt(stableTopics.size())).broadcast(("churn " + sent++).getBytes(StandardCharsets.UTF_8));
            t.broadcast(("churn " + sent++).getBytes(StandardCharsets.UTF_8));
            if (rnd.nextBoolean()) {
                t.close();
                n.close();
            } else {
                n.endpoint.close(); // gone without a goodbye
                n.close();
            }
            nodes.remove(n);
            System.out.printf("churn round %d: %.0f ms%n", round, (System.nanoTime() - t0) / 1e6);
        }
        // the stable nodes end up with each other only: no connection to a departed node, nothing queued,
        // nothing dialing, small tables (two nodes that dialed each other at once may keep two connections)
        awaitCondition("only stable neighbors remain", () -> stableTopics.stream().allMatch(t -> t.neighbors().size() == 2));
        awaitCondition("connections settle", () -> stable.stream().allMatch(n -> {
            GossipStats s = n.gossip.stats();
            return s.peersConnected() == 2 && s.connections() <= 4 && s.dialing() == 0 && s.queuedBytes() == 0;
        }), () -> stable.stream().map(n -> n.gossip.stats().toString()).toList().toString());
        for (JavaNode n : stable) {
            GossipStats s = n.gossip.stats();
            assertTrue(s.timers() < 50, s.toString());
            assertTrue(s.addressBook() <= 2 + 8, s.toString());
            assertEquals(0, s.protocolErrors(), s.toString());
        }
        // and everyone leaving closes every connection
        for (GossipTopic t : stableTopics) {
            t.close();
        }
        awaitCondition("no connection left", () -> stable.stream().allMatch(n -> n.gossip.stats().connections() == 0));
    }
}
