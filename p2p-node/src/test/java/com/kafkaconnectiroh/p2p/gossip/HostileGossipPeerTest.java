package com.kafkaconnectiroh.p2p.gossip;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionClose;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.SendStream;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.HyParViewMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerData;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerIdCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A peer written with the raw endpoint API speaks bad gossip at our node: malformed frames, oversized frames,
 * unknown message kinds, streams cut mid-frame, bad stream headers, invalid keys, random mutations. Each time our
 * node must close that connection with a {@link GossipCloseCodes} code naming the problem, and keep serving a
 * good neighbor in the same topic.
 */
@Timeout(120)
class HostileGossipPeerTest {
    static final TopicId TOPIC = TopicId.fromName("hostile peer test");
    static final GossipCodec<EndpointId> CODEC = new GossipCodec<>(PeerIdCodec.ENDPOINT_ID);

    private JavaNode victim;
    private JavaNode good;
    private GossipTopic victimTopic;
    private GossipTopic goodTopic;
    private Endpoint hostile;
    private int round;

    @BeforeEach
    void setUp() throws Exception {
        victim = JavaNode.start();
        good = JavaNode.start();
        victimTopic = victim.gossip.subscribe(TOPIC);
        goodTopic = good.gossip.subscribe(TOPIC, List.of(victim.addr()));
        goodTopic.joined().get(10, TimeUnit.SECONDS);
        victimTopic.joined().get(10, TimeUnit.SECONDS);
        hostile = Endpoint.builder().bindAddr(LOOPBACK).bind();
    }

    @AfterEach
    void tearDown() {
        hostile.close();
        good.close();
        victim.close();
    }

    static byte[] frame(byte[] body) {
        byte[] out = new byte[4 + body.length];
        out[0] = (byte) (body.length >>> 24);
        out[1] = (byte) (body.length >>> 16);
        out[2] = (byte) (body.length >>> 8);
        out[3] = (byte) body.length;
        System.arraycopy(body, 0, out, 4, body.length);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] topicAnd(String hex) {
        return concat(TOPIC.toBytes(), Hex.decode(hex));
    }

    /** A valid Join for our topic, as the first frame of each version. */
    static byte[] validJoinV0() throws Exception {
        return CODEC.encodeV0Frame(TOPIC, new Message.Swarm<>(new HyParViewMessage.Join<>(PeerData.EMPTY)), 4096);
    }

    /** Sends {@code bytes} on a fresh connection and returns how our node closed it. */
    ConnectionClose attack(String alpn, byte[] bytes, boolean finish) throws Exception {
        Connection c = hostile.connect(victim.addr(), alpn);
        SendStream s;
        if (alpn.equals(GossipWire.ALPN_V0)) {
            BiStream bi = c.openBi();
            s = bi.send();
        } else {
            s = c.openUni();
        }
        s.writeAll(bytes);
        if (finish) {
            s.finish();
        }
        try {
            return c.closed().get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            c.close(0, "test gave up");
            throw new AssertionError("our node did not close a connection that sent " + Hex.encode(bytes, 0, Math.min(bytes.length, 64)));
        }
    }

    void assertClosedWith(long code, ConnectionClose close) {
        assertEquals(ConnectionClose.Kind.APPLICATION_CLOSED, close.kind(), close.toString());
        assertTrue(close.byPeer(), close.toString());
        assertEquals(code, close.code(), close.toString());
        assertTrue(close.reason().startsWith("gossip: "), close.toString());
    }

    /** The good neighbor and the victim still exchange messages both ways. */
    void assertStillServing() throws Exception {
        round++;
        String a = "victim alive " + round;
        String b = "good alive " + round;
        victimTopic.broadcast(a.getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        GossipTest.await(goodTopic, GossipTest.received(a));
        goodTopic.broadcast(b.getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        GossipTest.await(victimTopic, GossipTest.received(b));
        assertEquals(1, victimTopic.neighbors().size(), "the good neighbor stays: " + victimTopic.neighbors());
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V0, GossipWire.ALPN_V1})
    void malformedFramesAreProtocolViolations(String alpn) throws Exception {
        boolean v0 = alpn.equals(GossipWire.ALPN_V0);
        byte[] header = v0 ? new byte[0] : GossipWire.streamHeaderFrame(TOPIC);
        byte[] topic = v0 ? TOPIC.toBytes() : new byte[0];
        List<byte[]> attacks = new ArrayList<>();
        // unknown topic::Message kind (only Swarm=0 and Gossip=1 exist)
        attacks.add(concat(header, frame(concat(topic, Hex.decode("0200")))));
        // unknown HyParView kind 9, unknown PlumTree kind 7
        attacks.add(concat(header, frame(concat(topic, Hex.decode("0900")))));
        attacks.add(concat(header, frame(concat(topic, Hex.decode("0107")))));
        // a Join whose option tag is 2
        attacks.add(concat(header, frame(concat(topic, Hex.decode("000002")))));
        // trailing bytes after a complete Join(None)
        attacks.add(concat(header, frame(concat(topic, Hex.decode("000000ff")))));
        // a ForwardJoin naming a peer id that is not an Ed25519 point (y = 2 does not decompress)
        attacks.add(concat(header, frame(concat(topic, Hex.decode("0001"), Hex.decode("02" + "00".repeat(31)), Hex.decode("0003")))));
        // an empty frame
        attacks.add(concat(header, frame(new byte[0])));
        if (v0) {
            // a body shorter than its topic
            attacks.add(frame(Hex.decode("0102")));
        } else {
            // a stream header of 31 bytes, and one with a trailing byte
            attacks.add(frame(new byte[31]));
            attacks.add(frame(new byte[33]));
        }
        for (byte[] a : attacks) {
            assertClosedWith(GossipCloseCodes.PROTOCOL_VIOLATION, attack(alpn, a, false));
        }
        assertStillServing();
        assertEquals(attacks.size(), victim.gossip.stats().protocolErrors());
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V0, GossipWire.ALPN_V1})
    void oversizedFramesAreRefusedBeforeBuffering(String alpn) throws Exception {
        byte[] header = alpn.equals(GossipWire.ALPN_V0) ? new byte[0] : GossipWire.streamHeaderFrame(TOPIC);
        // 4097 > the 4096 max, and a 4 GiB announcement: refused from the length prefix alone
        assertClosedWith(GossipCloseCodes.FRAME_TOO_LARGE, attack(alpn, concat(header, Hex.decode("00001001")), false));
        assertClosedWith(GossipCloseCodes.FRAME_TOO_LARGE, attack(alpn, concat(header, Hex.decode("ffffffff")), false));
        assertStillServing();
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V0, GossipWire.ALPN_V1})
    void streamEndingInsideAFrameIsAViolation(String alpn) throws Exception {
        byte[] header = alpn.equals(GossipWire.ALPN_V0) ? new byte[0] : GossipWire.streamHeaderFrame(TOPIC);
        assertClosedWith(GossipCloseCodes.PROTOCOL_VIOLATION, attack(alpn, concat(header, Hex.decode("00000064"), new byte[10]), true));
        assertClosedWith(GossipCloseCodes.PROTOCOL_VIOLATION, attack(alpn, concat(header, Hex.decode("0000")), true));
        assertStillServing();
    }

    @Test
    void wellFormedPeerIsServedAndFinishedStreamIsNotAFailure() throws Exception {
        // v1: a stream that sends a Join and finishes is fine; the connection is not closed for it
        Connection c = hostile.connect(victim.addr(), GossipWire.ALPN_V1);
        SendStream s = c.openUni();
        s.writeAll(concat(GossipWire.streamHeaderFrame(TOPIC),
                CODEC.encodeV1Frame(new Message.Swarm<>(new HyParViewMessage.Join<>(PeerData.EMPTY)), 4096)));
        s.finish();
        // the victim answers with a Neighbor on its own uni stream
        byte[] reply = c.acceptUni(Duration.ofSeconds(10)).readExact(4 + 32);
        assertEquals(TOPIC.toString(), Hex.encode(reply, 4, 32));
        Thread.sleep(300);
        assertEquals(null, c.closeInfo());
        c.close(0, "done");
        assertStillServing();
    }

    @Test
    void randomMutationsOfValidFramesNeverBreakTheNode() throws Exception {
        SplittableRandom rnd = new SplittableRandom(0x6055_1b);
        byte[] valid = validJoinV0();
        int closedForViolation = 0;
        for (int i = 0; i < 40; i++) {
            byte[] m = valid.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = rnd.nextInt(m.length);
                m[at] = (byte) rnd.nextInt(256);
            }
            Connection c = hostile.connect(victim.addr(), GossipWire.ALPN_V0);
            BiStream bi = c.openBi();
            bi.send().writeAll(m);
            bi.send().finish();
            ConnectionClose close;
            try {
                close = c.closed().get(3, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                close = null; // the mutation still parsed (e.g. only the topic changed); the node carries on
                c.close(0, "next");
            }
            if (close != null && close.byPeer()) {
                assertTrue(close.code() == GossipCloseCodes.PROTOCOL_VIOLATION || close.code() == GossipCloseCodes.FRAME_TOO_LARGE
                        || close.code() == GossipCloseCodes.NORMAL, close.toString());
                if (close.code() != GossipCloseCodes.NORMAL) {
                    closedForViolation++;
                }
            }
        }
        assertTrue(closedForViolation > 0, "some mutations must be refused");
        assertStillServing();
        // nothing of the hostile connections lingers
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && victim.gossip.stats().connections() > 1) {
            Thread.sleep(100);
        }
        assertEquals(1, victim.gossip.stats().connections(), victim.gossip.stats().toString());
    }

}
