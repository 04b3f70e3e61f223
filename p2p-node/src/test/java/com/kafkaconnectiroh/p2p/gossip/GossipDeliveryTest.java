package com.kafkaconnectiroh.p2p.gossip;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.RecvStream;
import com.kafkaconnectiroh.p2p.endpoint.SendStream;
import com.kafkaconnectiroh.p2p.gossip.proto.FrameDecoder;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.HyParViewMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerData;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerIdCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.PlumTreeMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tracked broadcasts ({@link GossipTopic#broadcast(byte[], DeliveryPolicy)}): a message counts as delivered
 * exactly when the neighbors' QUIC stacks acknowledged the frames carrying it. Real nodes, and a raw peer that
 * stops reading, over loopback.
 */
@Timeout(120)
class GossipDeliveryTest {
    static final GossipCodec<EndpointId> CODEC = new GossipCodec<>(PeerIdCodec.ENDPOINT_ID);
    static final Duration WAIT = Duration.ofSeconds(30);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private JavaNode node(java.util.function.UnaryOperator<Gossip.Builder> configure) throws Exception {
        JavaNode n = JavaNode.start(configure);
        closeables.add(n);
        return n;
    }

    static Delivery delivery(BroadcastReceipt r) throws Exception {
        return r.delivered().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V1, GossipWire.ALPN_V0})
    void everyMessageIsDeliveredOnceItsNeighborAcknowledgedIt(String alpn) throws Exception {
        JavaNode a = node(b -> b.dialAlpns(alpn).acceptAlpns(alpn));
        JavaNode b = node(g -> g.dialAlpns(alpn).acceptAlpns(alpn));
        TopicId topic = TopicId.fromName("delivered " + alpn);
        int n = 5000;
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic, List.of(a.addr()), n + 16);
        ta.joined().get(10, TimeUnit.SECONDS);
        List<BroadcastReceipt> receipts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            BroadcastReceipt r = ta.broadcast(bytes("message " + i), DeliveryPolicy.everyPushedNeighbor());
            r.accepted().get(30, TimeUnit.SECONDS);
            receipts.add(r);
        }
        for (BroadcastReceipt r : receipts) {
            Delivery d = delivery(r);
            assertEquals(new Delivery(Delivery.Outcome.DELIVERED, 1, 1, 0, List.of(b.id())), d);
        }
        Set<String> want = new HashSet<>();
        for (int i = 0; i < n; i++) {
            want.add("message " + i);
        }
        GossipTest.receiveExactly(tb, want);
        // nothing is kept once decided
        GossipTest.awaitCondition("no receipt tracked", () -> a.gossip.stats().trackedBroadcasts() == 0,
                () -> a.gossip.stats().toString());
        // more neighbors than there are is never delivered: decided as soon as the only one acknowledged
        Delivery two = delivery(ta.broadcast(bytes("wants two"), DeliveryPolicy.atLeast(2)));
        assertEquals(new Delivery(Delivery.Outcome.UNACKNOWLEDGED, 1, 1, 0, List.of(b.id())), two);
        // a neighbor-scope broadcast is tracked the same way
        assertTrue(delivery(ta.broadcastNeighbors(bytes("neighbors only"), DeliveryPolicy.atLeast(1))).delivered());
    }

    @Test
    void payloadsToLazyNeighborsAreTrackedToo() throws Exception {
        JavaNode a = node(g -> g);
        JavaNode b = node(g -> g);
        TopicId topic = TopicId.fromName("grafted");
        GossipTopic ta = a.gossip.subscribe(topic);
        b.gossip.subscribe(topic, List.of(a.addr()));
        ta.joined().get(10, TimeUnit.SECONDS);
        // the same content twice: b gets a duplicate and prunes us, so from now on PlumTree only announces our
        // messages to b (IHave)
        assertTrue(delivery(ta.broadcast(bytes("twice"), DeliveryPolicy.atLeast(1))).delivered());
        assertTrue(delivery(ta.broadcast(bytes("twice"), DeliveryPolicy.atLeast(1))).delivered());
        GossipTest.awaitCondition("b is a lazy peer of a", () -> a.gossip.inspect(x -> x.protocolTopic(topic).lazyPeers())
                .contains(b.id()));
        // the same content a third time: PlumTree only announces it to b, which has it and never grafts it; the
        // payload goes to b directly, so it can be acknowledged
        DeliveryPolicy quick = DeliveryPolicy.everyPushedNeighbor().withTimeout(Duration.ofSeconds(5));
        assertEquals(new Delivery(Delivery.Outcome.DELIVERED, 1, 1, 0, List.of(b.id())),
                delivery(ta.broadcast(bytes("twice"), quick)));
        // and new content to a lazy neighbor as well
        assertEquals(new Delivery(Delivery.Outcome.DELIVERED, 1, 1, 0, List.of(b.id())),
                delivery(ta.broadcast(bytes("after the prune"), quick)));
    }

    @Test
    void withoutANeighborMessagesAreNotSentOrTimeOut() throws Exception {
        JavaNode a = node(g -> g.maxHeldBroadcasts(2));
        GossipTopic ta = a.gossip.subscribe(TopicId.fromName("alone"));
        DeliveryPolicy quick = DeliveryPolicy.atLeast(1).withTimeout(Duration.ofMillis(500));
        BroadcastReceipt first = ta.broadcast(bytes("one"), quick);
        BroadcastReceipt second = ta.broadcast(bytes("two"), quick);
        BroadcastReceipt third = ta.broadcast(bytes("three"), DeliveryPolicy.atLeast(1));
        // held for a neighbor, at most 2: the oldest is dropped, never sent
        assertEquals(Delivery.Outcome.NOT_SENT, delivery(first).outcome());
        assertEquals(new Delivery(Delivery.Outcome.TIMED_OUT, 0, 0, 0, List.of()), delivery(second));
        assertFalse(third.delivered().isDone());
        ta.close(); // leaving drops what is held
        assertEquals(Delivery.Outcome.NOT_SENT, delivery(third).outcome());
        assertEquals(Delivery.Outcome.NOT_SENT, delivery(ta.broadcast(bytes("closed"), quick)).outcome());
        assertTrue(ta.broadcast(bytes("closed"), quick).accepted().isCompletedExceptionally());
    }

    /** A raw peer joins the topic over {@code /iroh-gossip/1}; returns the uni stream our node sends on. */
    static RecvStream joinRaw(Connection c, TopicId topic) throws Exception {
        SendStream s = c.openUni();
        s.writeAll(GossipWire.streamHeaderFrame(topic));
        s.writeAll(CODEC.encodeV1Frame(new Message.Swarm<>(new HyParViewMessage.Join<>(PeerData.EMPTY)), 4096));
        return c.acceptUni(Duration.ofSeconds(10));
    }

    /** The payloads in what {@code in} still holds (stream header first, then v1 frames), read to its end. */
    static Set<String> payloads(RecvStream in) throws Exception {
        Set<String> out = new HashSet<>();
        FrameDecoder dec = new FrameDecoder(4096);
        ByteBuffer buf = ByteBuffer.allocate(64 << 10);
        boolean header = true;
        while (true) {
            buf.clear();
            int r;
            try {
                r = in.read(buf);
            } catch (java.io.IOException e) {
                break; // the connection is gone and what it had is read
            }
            if (r < 0) {
                break;
            }
            buf.flip();
            byte[] body;
            while ((body = dec.next(buf)) != null) {
                if (header) {
                    header = false;
                    continue;
                }
                if (CODEC.decode(body) instanceof Message.Gossip<EndpointId> g && g.body() instanceof PlumTreeMessage.Gossip p) {
                    out.add(new String(p.content(), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    @Test
    void aNeighborThatStopsReadingIsCutAndOnlyWhatItsQuicStackAcknowledgedCounts() throws Exception {
        JavaNode a = node(g -> g.maxQueuedBytes(64 << 10));
        TopicId topic = TopicId.fromName("stops reading");
        GossipTopic ta = a.gossip.subscribe(topic);
        Endpoint raw = Endpoint.builder().bindAddr(LOOPBACK).bind();
        closeables.add(raw);
        Connection c = raw.connect(a.addr(), GossipWire.ALPN_V1);
        RecvStream in = joinRaw(c, topic); // and then it never reads
        ta.joined().get(10, TimeUnit.SECONDS);
        byte[] content = new byte[a.gossip.maxContentSize()];
        DeliveryPolicy policy = DeliveryPolicy.everyPushedNeighbor().withTimeout(Duration.ofSeconds(5));
        List<BroadcastReceipt> receipts = new ArrayList<>();
        // 200 messages (800 KB) fit its receive window: its QUIC stack takes and acknowledges them unread
        int fit = 200;
        for (int i = 0; i < fit; i++) {
            BroadcastReceipt r = ta.broadcast(numbered(content, i), policy);
            r.accepted().get(30, TimeUnit.SECONDS); // paced: our 64 KiB queue drains into QUIC's send buffer
            receipts.add(r);
        }
        for (BroadcastReceipt r : receipts) {
            assertTrue(delivery(r).delivered(), r.toString());
        }
        // then a burst of 5 MB, more than the rest of its window, our QUIC send buffer and the 64 KiB queue: cut
        int n = fit + 1300;
        for (int i = fit; i < n; i++) {
            receipts.add(ta.broadcast(numbered(content, i), policy));
        }
        Set<String> delivered = new HashSet<>();
        int unacknowledged = 0;
        for (int i = 0; i < n; i++) {
            Delivery d = delivery(receipts.get(i));
            if (d.delivered()) {
                delivered.add(String.format("%06d", i));
            } else {
                // cut before acknowledging; or, once the peer was gone, held for a new neighbor and then dropped
                // or timed out
                assertTrue(d.outcome() == Delivery.Outcome.UNACKNOWLEDGED || d.pushedTo() == 0, d.toString());
                unacknowledged++;
            }
        }
        assertTrue(a.gossip.stats().queueOverflows() >= 1, "the peer was cut: " + a.gossip.stats());
        assertTrue(unacknowledged > 0 && !delivered.isEmpty(), delivered.size() + " delivered, " + unacknowledged + " not");
        // Exact: every message counted as delivered is in the peer's receive buffer (its QUIC stack took it).
        Set<String> held = new HashSet<>();
        for (String p : payloads(in)) {
            held.add(p.substring(0, 6));
        }
        assertTrue(held.containsAll(delivered), "delivered but not held by the peer: " + minus(delivered, held));
    }

    static byte[] numbered(byte[] content, int i) {
        byte[] id = String.format("%06d", i).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(id, 0, content, 0, id.length);
        return content;
    }

    static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> d = new HashSet<>(a);
        d.removeAll(b);
        return d;
    }

    @Test
    void aNewerConnectionTakesOverAndWhatTheOlderOneCouldNotDeliverIsNotCounted() throws Exception {
        JavaNode a = node(g -> g.linger(Duration.ofSeconds(2)));
        TopicId topic = TopicId.fromName("reconnect");
        GossipTopic ta = a.gossip.subscribe(topic);
        Endpoint raw = Endpoint.builder().bindAddr(LOOPBACK)
                .transportConfig(new com.kafkaconnectiroh.p2p.quic.TransportConfig().streamReceiveWindow(64 << 10))
                .bind();
        closeables.add(raw);
        Connection old = raw.connect(a.addr(), GossipWire.ALPN_V1);
        RecvStream oldIn = joinRaw(old, topic); // not read: its 64 KiB window fills
        ta.joined().get(10, TimeUnit.SECONDS);
        List<BroadcastReceipt> before = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            before.add(ta.broadcast(bytes(String.format("old %03d ", i) + "x".repeat(1000)), DeliveryPolicy.everyPushedNeighbor()));
        }
        // the same peer connects again: the newest connection wins, the old one stops sending
        Connection fresh = raw.connect(a.addr(), GossipWire.ALPN_V1);
        RecvStream freshIn = joinRaw(fresh, topic);
        GossipTest.awaitCondition("a sends on the new connection", () -> a.gossip.stats().connections() == 2);
        List<BroadcastReceipt> after = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            after.add(ta.broadcast(bytes(String.format("new %03d", i)), DeliveryPolicy.everyPushedNeighbor()));
        }
        Set<String> fromFresh = new HashSet<>();
        // read the new connection while the old one waits out its linger (it never gets its window back)
        Thread reader = new Thread(() -> {
            try {
                fromFresh.addAll(payloads(freshIn));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        reader.start();
        for (BroadcastReceipt r : after) {
            assertTrue(delivery(r).delivered(), r.toString());
        }
        Set<String> deliveredOld = new HashSet<>();
        int notOld = 0;
        for (int i = 0; i < before.size(); i++) {
            Delivery d = delivery(before.get(i));
            if (d.delivered()) {
                deliveredOld.add(String.format("old %03d", i));
            } else {
                assertEquals(Delivery.Outcome.UNACKNOWLEDGED, d.outcome(), d.toString());
                notOld++;
            }
        }
        assertTrue(notOld > 0, "the old connection's window held back some: " + deliveredOld.size() + " delivered");
        Set<String> heldOld = new HashSet<>();
        for (String p : payloads(oldIn)) {
            heldOld.add(p.substring(0, 7));
        }
        assertTrue(heldOld.containsAll(deliveredOld), "delivered but not held: " + minus(deliveredOld, heldOld));
        fresh.close(0, "done");
        reader.join(10_000);
    }
}
