package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.frame.FrameParser;
import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.packet.PacketHeader;
import com.kafkaconnectiroh.p2p.quic.params.TransportParameters;
import com.kafkaconnectiroh.p2p.quic.wire.ByteWriter;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seeded random garbage, truncations and bit flips: no exception escapes, no state grows, errors are typed. */
class FuzzTest {

    private static byte[] mutate(Random rnd, byte[] valid) {
        byte[] d = valid.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> {
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    d[rnd.nextInt(d.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> d = java.util.Arrays.copyOf(d, rnd.nextInt(d.length + 1));
            case 2 -> {
                byte[] e = java.util.Arrays.copyOf(d, d.length + 1 + rnd.nextInt(100));
                for (int i = d.length; i < e.length; i++) {
                    e[i] = (byte) rnd.nextInt();
                }
                d = e;
            }
            case 3 -> d[rnd.nextInt(Math.min(d.length, 30))] = (byte) rnd.nextInt();
            default -> {
                int from = rnd.nextInt(d.length);
                for (int i = from; i < Math.min(d.length, from + 1 + rnd.nextInt(40)); i++) {
                    d[i] = (byte) rnd.nextInt();
                }
            }
        }
        return d;
    }

    @Test
    void randomDatagramsAtAnEndpoint() {
        Pair p = new Pair(60, new TransportConfig(), new TransportConfig()).establish();
        QuicEndpoint ep = p.serverNode.endpoint;
        int routes = ep.routingEntries();
        byte[] serverCid = p.client.connectionIds().activeRemote().toBytes();
        Random rnd = new Random(61);
        long resetsBefore = ep.statelessResetsSent();
        long start = p.sim.now;
        for (int i = 0; i < 20_000; i++) {
            int len = rnd.nextInt(10) == 0 ? 1200 + rnd.nextInt(300) : rnd.nextInt(1500);
            byte[] d = new byte[len];
            rnd.nextBytes(d);
            if (len > 0) {
                switch (rnd.nextInt(5)) {
                    case 0 -> d[0] = (byte) (0x40 | (d[0] & 0x3f)); // short header
                    case 1 -> {
                        d[0] = (byte) (0xC0 | (d[0] & 0x3f)); // long header, v1
                        if (len > 5) {
                            d[1] = 0;
                            d[2] = 0;
                            d[3] = 0;
                            d[4] = 1;
                            d[5] = (byte) (rnd.nextInt(3) == 0 ? rnd.nextInt(256) : 8);
                        }
                    }
                    case 2 -> {
                        // aimed at the live connection
                        d[0] = (byte) (0x40 | (d[0] & 0x3f));
                        if (len > 9) {
                            System.arraycopy(serverCid, 0, d, 1, 8);
                        }
                    }
                    default -> {
                    }
                }
            }
            p.sim.now += 1_000_000; // 1 ms apart
            ep.handleDatagram(p.sim.now, new InetSocketAddress("10.1.0." + rnd.nextInt(250), 1 + rnd.nextInt(60000)),
                    ByteBuffer.wrap(d));
            ByteBuffer out = ByteBuffer.allocate(1500);
            while (ep.pollTransmit(out.clear()) != null) {
                // replies are discarded
            }
        }
        assertEquals(1, ep.connectionCount(), "garbage created no connections");
        assertEquals(routes, ep.routingEntries(), "routing state did not grow");
        double seconds = (p.sim.now - start) / 1e9;
        assertTrue(ep.statelessResetsSent() - resetsBefore <= 20 * seconds + 20,
                "stateless resets are rate limited: " + (ep.statelessResetsSent() - resetsBefore));
        // the live connection shrugged it off (its idle timer may have run out in 20 s of fuzzing)
        assertTrue(!p.server.isClosed() || p.server.closeReason().source() == CloseReason.Source.IDLE_TIMEOUT,
                String.valueOf(p.server.closeReason()));
    }

    @Test
    void mutatedCapturesOfARealConversation() {
        Sim sim = new Sim(62);
        List<byte[]> toServer = new ArrayList<>();
        List<byte[]> toClient = new ArrayList<>();
        // keep-alive: the fuzzing takes simulated time, and dropped garbage does not count as traffic
        Pair p = new Pair(sim, new TransportConfig().keepAliveInterval(Duration.ofSeconds(5)), new TransportConfig(),
                new EndpointConfig());
        sim.filter = (from, to, data) -> {
            (to.equals(p.serverNode.addr) ? toServer : toClient).add(data.clone());
            return data;
        };
        p.establish();
        long id = p.client.openBi();
        p.sim.apps.add(new Patterns.Writer(p.client, id, 200_000));
        p.sim.runFor(3_000_000_000L);
        sim.filter = (from, to, data) -> data;
        Random rnd = new Random(63);
        for (int i = 0; i < 20_000; i++) {
            boolean server = rnd.nextBoolean();
            List<byte[]> src = server ? toServer : toClient;
            byte[] d = mutate(rnd, src.get(rnd.nextInt(src.size())));
            Sim.Node to = server ? p.serverNode : p.clientNode;
            Sim.Node from = server ? p.clientNode : p.serverNode;
            to.endpoint.handleDatagram(sim.now, from.addr, ByteBuffer.wrap(d));
            if (i % 500 == 0) {
                sim.step();
            }
        }
        // the conversation survives: a fresh stream still gets through intact
        assertFalse(p.client.isClosed(), p.client.closeReason() + " / server: " + p.server.closeReason());
        assertFalse(p.server.isClosed(), String.valueOf(p.server.closeReason()));
        long id2 = p.client.openUni();
        p.sim.apps.add(new Patterns.Writer(p.client, id2, 100_000));
        Patterns.Reader[] r = new Patterns.Reader[1];
        p.sim.apps.add(s -> {
            long sid;
            while ((sid = p.server.acceptUni()) >= 0) {
                r[0] = new Patterns.Reader(p.server, sid);
                s.apps.add(r[0]);
            }
        });
        p.sim.runUntil(() -> r[0] != null && r[0].fin, 60_000_000_000L);
        assertNull(r[0].error);
        assertEquals(1, p.serverNode.endpoint.connectionCount());
    }

    private static final Set<Long> ALLOWED = Set.of(TransportError.FRAME_ENCODING_ERROR.code(),
            TransportError.PROTOCOL_VIOLATION.code(), TransportError.STREAM_STATE_ERROR.code(),
            TransportError.STREAM_LIMIT_ERROR.code(), TransportError.FLOW_CONTROL_ERROR.code(),
            TransportError.FINAL_SIZE_ERROR.code(), TransportError.CONNECTION_ID_LIMIT_ERROR.code(),
            TransportError.CRYPTO_BUFFER_EXCEEDED.code(), TransportError.cryptoError(TlsAlert.UNEXPECTED_MESSAGE),
            TransportError.cryptoError(TlsAlert.DECODE_ERROR), TransportError.KEY_UPDATE_ERROR.code());

    /** Frames that are individually plausible but randomly parameterised. */
    private static byte[] randomFrames(Random rnd) {
        ByteWriter w = new ByteWriter(1100);
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n && w.remaining() > 60; i++) {
            long sid = StreamId.of(rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextInt(rnd.nextBoolean() ? 4 : 200));
            long small = rnd.nextInt(rnd.nextBoolean() ? 100 : 3_000_000);
            switch (rnd.nextInt(16)) {
                case 0 -> w.u8(FrameType.PING);
                case 1 -> w.u8(FrameType.PADDING);
                case 2 -> w.u8(FrameType.ACK).varint(small).varint(small).varint(0).varint(rnd.nextInt(3));
                case 3 -> w.u8(FrameType.RESET_STREAM).varint(sid).varint(small).varint(small);
                case 4 -> w.u8(FrameType.STOP_SENDING).varint(sid).varint(small);
                case 5 -> {
                    int len = rnd.nextInt(40);
                    w.u8(0x0e | (rnd.nextBoolean() ? 1 : 0)).varint(sid).varint(small).varint(len)
                            .bytes(new byte[len]);
                }
                case 6 -> w.u8(FrameType.MAX_DATA).varint(small);
                case 7 -> w.u8(FrameType.MAX_STREAM_DATA).varint(sid).varint(small);
                case 8 -> w.u8(rnd.nextBoolean() ? FrameType.MAX_STREAMS_BIDI : FrameType.MAX_STREAMS_UNI)
                        .varint(small);
                case 9 -> w.u8(FrameType.STREAM_DATA_BLOCKED).varint(sid).varint(small);
                case 10 -> w.u8(FrameType.RETIRE_CONNECTION_ID).varint(rnd.nextInt(10));
                case 11 -> w.u8(FrameType.PATH_CHALLENGE).bytes(new byte[8]);
                case 12 -> w.u8(FrameType.PATH_RESPONSE).bytes(new byte[8]);
                case 13 -> w.u8(FrameType.CRYPTO).varint(small).varint(3).bytes(new byte[3]);
                case 14 -> {
                    byte[] junk = new byte[rnd.nextInt(20)];
                    rnd.nextBytes(junk);
                    w.bytes(junk);
                }
                default -> w.u8(FrameType.NEW_CONNECTION_ID).varint(rnd.nextInt(20)).varint(rnd.nextInt(3)).u8(8)
                        .bytes(new byte[] {9, 8, 7, 6, 5, 4, 3, (byte) rnd.nextInt()}).bytes(new byte[16]);
            }
        }
        return w.toByteArray();
    }

    @Test
    void randomFramesFromAnAuthenticatedPeer() {
        Random rnd = new Random(64);
        int closed = 0;
        for (int round = 0; round < 40; round++) {
            Pair p = new Pair(100 + round, new TransportConfig(), new TransportConfig()).establish();
            for (int i = 0; i < 50 && !p.server.isClosed(); i++) {
                byte[] pkt = p.client.sealRawPacket(p.sim.now, PacketSpace.APPLICATION, randomFrames(rnd));
                p.sim.inject(p.clientNode.addr, p.serverNode.addr, pkt);
                p.sim.step();
                assertTrue(p.server.openStreamCount() <= 2 * 100 + 2, "streams bounded by our limits");
                assertTrue(p.server.streamMemory() <= (16L << 20) + 64 * 16384, "memory bounded by windows");
            }
            if (p.server.isClosed()) {
                closed++;
                CloseReason r = p.server.closeReason();
                assertEquals(CloseReason.Source.LOCAL, r.source());
                assertTrue(ALLOWED.contains(r.errorCode()), "unexpected close " + r);
            }
        }
        assertTrue(closed > 10, "most random frame soups are violations, closed " + closed);
    }

    @Test
    void frameParserOnlyThrowsTransportExceptions() {
        Random rnd = new Random(65);
        FrameParser parser = new FrameParser();
        for (int i = 0; i < 200_000; i++) {
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            if (b.length > 0 && rnd.nextBoolean()) {
                b[0] = (byte) rnd.nextInt(0x32);
            }
            parser.reset(b, 0, b.length);
            try {
                while (parser.hasNext()) {
                    parser.next();
                }
            } catch (TransportException e) {
                assertTrue(e.error() == TransportError.FRAME_ENCODING_ERROR
                        || e.error() == TransportError.PROTOCOL_VIOLATION, e.toString());
            }
        }
    }

    @Test
    void transportParameterDecodingOnlyThrowsTransportParameterErrors() {
        Random rnd = new Random(66);
        TransportParameters tp = new TransportParameters();
        tp.initialMaxData = 1000;
        tp.initialSourceConnectionId = com.kafkaconnectiroh.p2p.quic.packet.ConnectionId.of(new byte[8]);
        tp.originalDestinationConnectionId = com.kafkaconnectiroh.p2p.quic.packet.ConnectionId.of(new byte[8]);
        tp.statelessResetToken = new byte[16];
        byte[] valid = tp.encode();
        for (int i = 0; i < 100_000; i++) {
            byte[] b = rnd.nextInt(4) == 0 ? randomBytes(rnd, rnd.nextInt(100)) : mutate(rnd, valid);
            try {
                TransportParameters.decode(b, rnd.nextBoolean());
            } catch (TransportException e) {
                assertEquals(TransportError.TRANSPORT_PARAMETER_ERROR, e.error(), e.toString());
            }
        }
    }

    @Test
    void headerParsingNeverThrows() {
        Random rnd = new Random(67);
        PacketHeader h = new PacketHeader();
        for (int i = 0; i < 200_000; i++) {
            byte[] b = randomBytes(rnd, rnd.nextInt(80));
            if (b.length > 5 && rnd.nextBoolean()) {
                b[1] = 0;
                b[2] = 0;
                b[3] = 0;
                b[4] = 1;
            }
            if (h.parse(b, 0, b.length, 8)) {
                assertTrue(h.end <= b.length && h.pnOffset <= h.end, "offsets inside the datagram");
            }
        }
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
