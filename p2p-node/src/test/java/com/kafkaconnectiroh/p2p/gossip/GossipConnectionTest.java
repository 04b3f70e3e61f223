package com.kafkaconnectiroh.p2p.gossip;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.RecvStream;
import com.kafkaconnectiroh.p2p.gossip.proto.FrameDecoder;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.HyParViewMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerData;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerIdCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection rules, on each wire version: several topics share one connection (and on {@code /1} get one
 * stream each, finished when the topic is left); the newest connection from a peer wins for sending while older
 * ones keep delivering; a lost sending connection is reported once.
 */
@Timeout(60)
class GossipConnectionTest {
    static final GossipCodec<EndpointId> CODEC = new GossipCodec<>(PeerIdCodec.ENDPOINT_ID);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    JavaNode node(String alpn, SecretKey key) throws Exception {
        JavaNode n = JavaNode.start(key, g -> g.dialAlpns(alpn).acceptAlpns(alpn));
        closeables.add(n);
        return n;
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V1, GossipWire.ALPN_V0})
    void topicsShareAConnectionAndLeavingOneKeepsTheOther(String alpn) throws Exception {
        JavaNode a = node(alpn, SecretKey.generate());
        JavaNode b = node(alpn, SecretKey.generate());
        TopicId red = TopicId.fromName("red");
        TopicId blue = TopicId.fromName("blue");
        GossipTopic aRed = a.gossip.subscribe(red);
        GossipTopic aBlue = a.gossip.subscribe(blue);
        GossipTopic bRed = b.gossip.subscribe(red, List.of(a.addr()));
        GossipTopic bBlue = b.gossip.subscribe(blue, List.of(a.addr()));
        bRed.joined().get(10, TimeUnit.SECONDS);
        bBlue.joined().get(10, TimeUnit.SECONDS);
        GossipTest.awaitCondition("one connection each way at most", () -> a.gossip.stats().connections() == 1
                && b.gossip.stats().connections() == 1);

        aRed.broadcast("red 1".getBytes(StandardCharsets.UTF_8));
        aBlue.broadcast("blue 1".getBytes(StandardCharsets.UTF_8));
        GossipTest.await(bRed, GossipTest.received("red 1"));
        GossipTest.await(bBlue, GossipTest.received("blue 1"));

        // b leaves red: a sees b go down in red only; blue keeps the connection
        bRed.close();
        assertEquals(new GossipEvent.NeighborDown(b.id()), GossipTest.await(aRed, e -> e instanceof GossipEvent.NeighborDown));
        aBlue.broadcast("blue 2".getBytes(StandardCharsets.UTF_8));
        GossipTest.await(bBlue, GossipTest.received("blue 2"));
        bBlue.broadcast("blue 3".getBytes(StandardCharsets.UTF_8));
        GossipTest.await(aBlue, GossipTest.received("blue 3"));
        assertEquals(1, a.gossip.stats().connections());
        assertEquals(Set1(b.id()), aBlue.neighbors());

        // and joins red again (on /1 a new stream for red, the old one was finished after the Disconnect)
        GossipTopic bRed2 = b.gossip.subscribe(red, List.of(a.addr()));
        bRed2.joined().get(10, TimeUnit.SECONDS);
        aRed.broadcast("red 2".getBytes(StandardCharsets.UTF_8));
        GossipTest.await(bRed2, GossipTest.received("red 2"));
        assertEquals(0, a.gossip.stats().protocolErrors());
    }

    private static java.util.Set<EndpointId> Set1(EndpointId id) {
        return java.util.Set.of(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V1, GossipWire.ALPN_V0})
    void newestConnectionWinsForSendingOlderOnesStillDeliver(String alpn) throws Exception {
        SecretKey bKey = SecretKey.generate();
        JavaNode a = node(alpn, SecretKey.generate());
        JavaNode b = node(alpn, bKey);
        TopicId topic = TopicId.fromName("newest wins " + alpn);
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic, List.of(a.addr()));
        tb.joined().get(10, TimeUnit.SECONDS);
        GossipTest.await(ta, e -> e instanceof GossipEvent.NeighborUp);

        // A second endpoint with b's identity opens another connection to a and sends a Join on it.
        Endpoint twin = Endpoint.builder().bindAddr(LOOPBACK).secretKey(bKey).bind();
        closeables.add(twin);
        Connection c = twin.connect(a.addr(), alpn);
        Message<EndpointId> join = new Message.Swarm<>(new HyParViewMessage.Join<>(PeerData.EMPTY));
        RecvStream replies;
        if (alpn.equals(GossipWire.ALPN_V1)) {
            var s = c.openUni();
            byte[] header = GossipWire.streamHeaderFrame(topic);
            s.writeAll(ByteBuffer.wrap(concat(header, CODEC.encodeV1Frame(join, 4096))));
            replies = c.acceptUni(Duration.ofSeconds(10));
        } else {
            BiStream bi = c.openBi();
            bi.send().writeAll(CODEC.encodeV0Frame(topic, join, 4096));
            replies = bi.recv();
        }
        // a answers the Join on the new connection: it now sends there
        FrameDecoder dec = new FrameDecoder(4096);
        ByteBuffer buf = ByteBuffer.allocate(8192);
        Message<EndpointId> first = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean headerSeen = !alpn.equals(GossipWire.ALPN_V1);
        while (first == null && System.nanoTime() < deadline) {
            buf.clear();
            int n = replies.read(buf, Duration.ofSeconds(10));
            assertTrue(n > 0, "a's reply stream ended");
            buf.flip();
            byte[] body;
            while (first == null && (body = dec.next(buf)) != null) {
                if (!headerSeen) {
                    assertEquals(topic, GossipCodec.decodeStreamHeader(body));
                    headerSeen = true;
                } else {
                    first = alpn.equals(GossipWire.ALPN_V1) ? CODEC.decode(body) : CODEC.decodeV0Body(body).message();
                }
            }
        }
        assertInstanceOf(HyParViewMessage.Neighbor.class, ((Message.Swarm<EndpointId>) first).body());

        // the real b still sends on its own (older) connection, and a still delivers what comes that way
        tb.broadcast("over the old connection".getBytes(StandardCharsets.UTF_8));
        GossipTest.await(ta, GossipTest.received("over the old connection"));
        // a's messages to b go to the newest connection (the twin's), so the real b does not get them
        assertEquals(2, a.gossip.stats().connections());

        // the sending connection goes away: that is reported (b goes down), the older one was not
        c.close(0, "twin leaves");
        assertEquals(new GossipEvent.NeighborDown(b.id()), GossipTest.await(ta, e -> e instanceof GossipEvent.NeighborDown));
        GossipTest.awaitCondition("a reconnects with b or drops the old connection",
                () -> a.gossip.stats().connections() <= 1);
        assertEquals(0, a.gossip.stats().protocolErrors(), a.gossip.stats().toString());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
