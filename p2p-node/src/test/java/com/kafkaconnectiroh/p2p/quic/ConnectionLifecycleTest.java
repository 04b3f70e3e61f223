package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.packet.PacketHeader;
import com.kafkaconnectiroh.p2p.quic.packet.VersionNegotiation;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Key updates, timeouts, closing, resets, connection IDs, paths, version negotiation and Retry. */
class ConnectionLifecycleTest {

    private static Pair lossy(long seed, TransportConfig c, TransportConfig s) {
        Pair p = new Pair(seed, c, s);
        p.sim.loss = 0.10;
        p.sim.reorder = 0.05;
        p.sim.duplicate = 0.02;
        return p;
    }

    private static Patterns.Reader[] transfer(Pair p, long bytes) {
        return p.stream(p.client, true, bytes);
    }

    @Test
    void manyKeyUpdatesUnderLoss() {
        TransportConfig c = new TransportConfig().keyUpdatePacketLimit(50);
        TransportConfig s = new TransportConfig().keyUpdatePacketLimit(70);
        Pair p = lossy(21, c, s).establish();
        Patterns.Reader[] r = transfer(p, 3L << 20);
        p.sim.runUntil(() -> r[0] != null && (r[0].fin || r[0].error != null), 600_000_000_000L);
        assertNull(r[0].error);
        assertEquals(3L << 20, r[0].received);
        assertTrue(p.client.keyPhaseGeneration() >= 10, "key updates: " + p.client.keyPhaseGeneration());
        assertEquals(p.client.keyPhaseGeneration(), p.server.keyPhaseGeneration(),
                "both sides are in the same key phase generation");
        assertFalse(p.client.isClosed());
    }

    @Test
    void idleTimeoutClosesBothSidesSilently() {
        TransportConfig c = new TransportConfig().maxIdleTimeout(Duration.ofMillis(5_000));
        TransportConfig s = new TransportConfig().maxIdleTimeout(Duration.ofMillis(3_000));
        Pair p = new Pair(22, c, s).establish();
        long start = p.sim.now;
        p.sim.runUntil(() -> p.client.isDrained() && p.server.isDrained(), 60_000_000_000L);
        long elapsed = p.sim.now - start;
        assertTrue(elapsed >= 3_000_000_000L && elapsed < 4_000_000_000L,
                "the smaller idle timeout (3 s) applies, took " + elapsed / 1_000_000 + " ms");
        assertEquals(CloseReason.Source.IDLE_TIMEOUT,
                Pair.of(p.clientEvents, ConnectionEvent.ConnectionLost.class).get(0).reason().source());
        assertEquals(0, p.clientNode.endpoint.connectionCount());
        assertEquals(0, p.serverNode.endpoint.connectionCount());
    }

    @Test
    void keepAliveKeepsAnIdleConnectionOpen() {
        TransportConfig c = new TransportConfig().maxIdleTimeout(Duration.ofMillis(3_000)).keepAliveInterval(Duration.ofSeconds(1));
        TransportConfig s = new TransportConfig().maxIdleTimeout(Duration.ofMillis(3_000));
        Pair p = lossy(23, c, s).establish();
        p.sim.runFor(60_000_000_000L);
        assertFalse(p.client.isClosed(), String.valueOf(p.client.closeReason()));
        assertFalse(p.server.isClosed(), String.valueOf(p.server.closeReason()));
    }

    @Test
    void applicationCloseCodeAndReasonReachThePeer() {
        Pair p = lossy(24, new TransportConfig(), new TransportConfig()).establish();
        p.server.close(p.sim.now, 0x42, "bye now".getBytes(StandardCharsets.UTF_8));
        p.sim.runUntil(() -> !Pair.of(p.clientEvents, ConnectionEvent.ConnectionLost.class).isEmpty(),
                30_000_000_000L);
        CloseReason r = Pair.of(p.clientEvents, ConnectionEvent.ConnectionLost.class).get(0).reason();
        assertEquals(CloseReason.Source.PEER, r.source());
        assertTrue(r.application());
        assertEquals(0x42, r.errorCode());
        assertEquals("bye now", r.reason());
        CloseReason local = Pair.of(p.serverEvents, ConnectionEvent.ConnectionLost.class).get(0).reason();
        assertEquals(CloseReason.Source.LOCAL, local.source());
        p.sim.runUntil(() -> p.client.isDrained() && p.server.isDrained(), 30_000_000_000L);
        assertEquals(0, p.serverNode.endpoint.routingEntries(), "no routes left behind");
    }

    @Test
    void closeDuringHandshakeIsSeenAsApplicationError() {
        Pair p = new Pair(25, new TransportConfig(), new TransportConfig());
        // deliver the client's Initial, let the server answer, then close the client before it finishes
        p.sim.runUntil(() -> p.server != null, 10_000_000_000L);
        p.client.close(p.sim.now, 7, "changed my mind".getBytes(StandardCharsets.UTF_8));
        p.sim.runUntil(() -> p.server.isClosed(), 10_000_000_000L);
        CloseReason r = p.server.closeReason();
        assertEquals(CloseReason.Source.PEER, r.source());
        if (!r.application()) {
            assertEquals(TransportError.APPLICATION_ERROR.code(), r.errorCode(), "RFC 9000 §10.2.3 before 1-RTT");
        } else {
            assertEquals(7, r.errorCode());
        }
    }

    @Test
    void statelessResetFromARestartedServerEndsTheConnection() {
        byte[] resetKey = new byte[32];
        new Random(3).nextBytes(resetKey);
        Sim sim = new Sim(26);
        Pair p = new Pair(sim, new TransportConfig(), new TransportConfig(),
                new EndpointConfig().statelessResetKey(resetKey));
        p.establish();
        // the server "crashes": a fresh endpoint with the same reset key takes over its address
        sim.nodes.remove(p.serverNode.addr);
        Sim.Node reborn = sim.server(new TransportConfig(), new EndpointConfig().statelessResetKey(resetKey), 4433);
        long id = p.client.openUni();
        p.client.write(id, ByteBuffer.wrap(new byte[100]));
        sim.runUntil(p.client::isDrained, 30_000_000_000L);
        assertEquals(CloseReason.Source.STATELESS_RESET, p.client.closeReason().source());
        assertTrue(reborn.endpoint.statelessResetsSent() >= 1);
        assertEquals(0, p.clientNode.endpoint.connectionCount());
    }

    @Test
    void connectionIdsAreIssuedAndRotated() {
        TransportConfig c = new TransportConfig().activeConnectionIdLimit(4);
        TransportConfig s = new TransportConfig().activeConnectionIdLimit(3);
        Pair p = lossy(27, c, s).establish();
        p.sim.runFor(2_000_000_000L);
        assertEquals(3, p.client.connectionIds().issuedCount(), "client issues up to the server's limit");
        assertEquals(4, p.server.connectionIds().issuedCount(), "server issues up to the client's limit");
        assertEquals(3, p.server.connectionIds().remoteCount());
        ConnectionId before = p.client.connectionIds().activeRemote();
        long routesBefore = p.serverNode.endpoint.routingEntries();
        p.server.rotateConnectionIds();
        Patterns.Reader[] r = transfer(p, 300_000);
        p.sim.runUntil(() -> r[0] != null && r[0].fin, 120_000_000_000L);
        assertNull(r[0].error);
        p.sim.runFor(5_000_000_000L);
        assertNotEquals(before, p.client.connectionIds().activeRemote(), "client moved to a new server ID");
        assertTrue(p.client.connectionIds().activeRemoteSeq() >= 4);
        assertEquals(4, p.server.connectionIds().issuedCount(), "retired IDs were dropped, not accumulated");
        assertEquals(routesBefore, p.serverNode.endpoint.routingEntries(), "retired IDs unrouted");
        assertFalse(p.client.isClosed());
    }

    @Test
    void natRebindingIsValidatedWithAPathChallenge() {
        Pair p = lossy(28, new TransportConfig(), new TransportConfig()).establish();
        InetSocketAddress moved = new InetSocketAddress("10.0.0.99", 6000);
        p.sim.rebind(p.clientNode, moved);
        Patterns.Reader[] r = transfer(p, 500_000);
        p.sim.runUntil(() -> r[0] != null && r[0].fin, 120_000_000_000L);
        assertNull(r[0].error);
        assertEquals(moved, p.server.remoteAddress(), "the server follows the client");
        assertTrue(p.client.pathChallengesReceived() >= 1, "the server challenged the new path");
        assertTrue(p.server.isPathValidated(), "the client's PATH_RESPONSE validated it");
        // and can send back on the new path
        long id = p.server.openUni();
        p.server.write(id, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        p.server.finish(id);
        ByteBuffer b = ByteBuffer.allocate(10);
        p.sim.runUntil(() -> {
            long sid = p.client.acceptUni();
            return sid >= 0 || b.position() > 0;
        }, 30_000_000_000L);
        assertFalse(p.server.isClosed());
    }

    @Test
    void versionNegotiationWithoutV1FailsTheClient() {
        Sim sim = new Sim(29);
        Sim.Node server = sim.server(new TransportConfig());
        Sim.Node client = sim.client(new TransportConfig(), 5000);
        // a server speaking only some other version: answer the client's Initial with a VN listing 0x1a2a3a4a
        sim.filter = (from, to, data) -> {
            if (to.equals(server.addr) && (data[0] & 0x80) != 0) {
                PacketHeader h = new PacketHeader();
                h.parse(data, 0, data.length, 8);
                byte[] vn = new byte[64];
                int p = 0;
                vn[p++] = (byte) 0x80;
                p += 4; // version 0
                vn[p++] = (byte) h.scidLen;
                System.arraycopy(data, h.scidOff, vn, p, h.scidLen);
                p += h.scidLen;
                vn[p++] = (byte) h.dcidLen;
                System.arraycopy(data, h.dcidOff, vn, p, h.dcidLen);
                p += h.dcidLen;
                vn[p++] = 0x1a;
                vn[p++] = 0x2a;
                vn[p++] = 0x3a;
                vn[p++] = 0x4a;
                sim.inject(server.addr, from, java.util.Arrays.copyOf(vn, p));
                return null;
            }
            return data;
        };
        QuicConnection c = sim.connect(client, server, new TransportConfig());
        sim.runUntil(c::isDrained, 10_000_000_000L);
        assertEquals(CloseReason.Source.VERSION_MISMATCH, c.closeReason().source());
    }

    @Test
    void serverAnswersUnknownVersionsWithVersionNegotiation() {
        Sim sim = new Sim(30);
        Sim.Node server = sim.server(new TransportConfig());
        byte[] initial = new byte[1200];
        initial[0] = (byte) 0xC0;
        initial[1] = 0x0a;
        initial[2] = 0x1a;
        initial[3] = 0x2a;
        initial[4] = 0x3a;
        initial[5] = 8;
        for (int i = 0; i < 8; i++) {
            initial[6 + i] = (byte) i;
        }
        initial[14] = 4;
        QuicConnection got = server.endpoint.handleDatagram(sim.now, new InetSocketAddress("10.0.0.5", 1),
                ByteBuffer.wrap(initial));
        assertNull(got);
        ByteBuffer out = ByteBuffer.allocate(1500);
        Transmit t = server.endpoint.pollTransmit(out);
        assertTrue(t != null);
        byte[] vn = java.util.Arrays.copyOf(out.array(), t.size());
        PacketHeader h = new PacketHeader();
        assertTrue(h.parse(vn, 0, vn.length, 8));
        assertEquals(0, h.version);
        assertEquals(4, h.dcidLen, "echoes the client's SCID as DCID");
        assertEquals(8, h.scidLen);
        assertTrue(VersionNegotiation.lists(vn, h.pnOffset, vn.length, PacketHeader.VERSION_1));
        // too small: no answer (RFC 9000 §6.1)
        server.endpoint.handleDatagram(sim.now, new InetSocketAddress("10.0.0.5", 1),
                ByteBuffer.wrap(java.util.Arrays.copyOf(initial, 600)));
        out.clear();
        assertNull(server.endpoint.pollTransmit(out));
        assertEquals(0, server.endpoint.connectionCount());
    }

    @Test
    void retryValidatesTheClientAddress() {
        Sim sim = new Sim(31);
        sim.loss = 0.05;
        Pair p = new Pair(sim, new TransportConfig(), new TransportConfig(), new EndpointConfig().retry(true));
        p.establish();
        assertTrue(p.serverNode.endpoint.retriesSent() >= 1);
        assertNotEquals(null, p.client.peerTransportParameters().retrySourceConnectionId);
        Patterns.Reader[] r = transfer(p, 100_000);
        sim.runUntil(() -> r[0] != null && r[0].fin, 60_000_000_000L);
        assertNull(r[0].error);
    }

    @Test
    void aForgedRetryIsIgnored() {
        Sim sim = new Sim(32);
        Sim.Node server = sim.server(new TransportConfig());
        Sim.Node client = sim.client(new TransportConfig(), 5000);
        boolean[] forged = {false};
        sim.filter = (from, to, data) -> {
            if (!forged[0] && to.equals(server.addr)) {
                forged[0] = true;
                PacketHeader h = new PacketHeader();
                h.parse(data, 0, data.length, 8);
                ConnectionId clientScid = ConnectionId.of(data, h.scidOff, h.scidLen);
                // integrity tag over the wrong original DCID
                byte[] retry = new byte[100];
                int n = com.kafkaconnectiroh.p2p.quic.packet.RetryPacket.write(retry, 0, clientScid,
                        ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), new byte[] {9, 9, 9},
                        ConnectionId.of(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}), new Random(1));
                sim.inject(server.addr, from, java.util.Arrays.copyOf(retry, n));
            }
            return data;
        };
        QuicConnection c = sim.connect(client, server, new TransportConfig());
        sim.runUntil(c::isHandshakeConfirmed, 10_000_000_000L);
        assertNull(c.peerTransportParameters().retrySourceConnectionId);
    }

    @Test
    void serverRespectsTheAmplificationLimitBeforeValidation() {
        Sim sim = new Sim(33);
        Sim.Node server = sim.server(new TransportConfig());
        Sim.Node client = sim.client(new TransportConfig(), 5000);
        int[] fromClient = {0};
        sim.filter = (from, to, data) -> {
            // only the client's very first datagram gets through
            if (to.equals(server.addr)) {
                return fromClient[0]++ == 0 ? data : null;
            }
            return null; // and the server's answers are lost, so it keeps probing
        };
        sim.connect(client, server, new TransportConfig());
        sim.runFor(20_000_000_000L);
        QuicConnection s = server.accepted.get(0);
        ConnectionStats st = s.stats();
        assertEquals(1, st.datagramsReceived());
        assertTrue(st.bytesSent() <= 3 * st.bytesReceived(),
                "sent " + st.bytesSent() + " after receiving " + st.bytesReceived());
        assertTrue(st.bytesSent() > 0);
    }

    @Test
    void duplicateInitialsFromSeveralPathsMakeOneConnection() {
        Sim sim = new Sim(34);
        Sim.Node server = sim.server(new TransportConfig());
        Sim.Node client = sim.client(new TransportConfig(), 5000);
        InetSocketAddress relayish = new InetSocketAddress("10.9.9.9", 7777);
        sim.filter = (from, to, data) -> {
            if (to.equals(server.addr) && (data[0] & 0xB0) == 0x80) {
                // the same Initial also arrives from another source address, like iroh 1.x copying to all paths
                sim.injectAt(sim.now + 3 * sim.delay, relayish, to, data.clone());
            }
            return data;
        };
        QuicConnection c = sim.connect(client, server, new TransportConfig());
        sim.runUntil(c::isHandshakeConfirmed, 10_000_000_000L);
        sim.runFor(1_000_000_000L);
        assertEquals(1, server.endpoint.connectionCount());
        assertEquals(client.addr, server.accepted.get(0).remoteAddress());
    }

    @Test
    void serverAnswersWhereTheClientsHandshakePacketsComeFrom() {
        Sim sim = new Sim(38);
        Sim.Node server = sim.server(new TransportConfig());
        Sim.Node client = sim.client(new TransportConfig(), 5000);
        InetSocketAddress otherPath = new InetSocketAddress("10.7.7.7", 7777);
        boolean[] copied = {false};
        sim.filter = (from, to, data) -> {
            if (!copied[0] && to.equals(server.addr)) {
                // the first Initial reaches the server first over another path, which cannot carry replies
                copied[0] = true;
                sim.inject(otherPath, to, data.clone());
                sim.injectAt(sim.now + sim.delay, from, to, data);
                return null;
            }
            return data;
        };
        QuicConnection c = sim.connect(client, server, new TransportConfig());
        sim.runUntil(c::isHandshakeConfirmed, 20_000_000_000L);
        assertEquals(client.addr, server.accepted.get(0).remoteAddress());
        assertEquals(1, server.endpoint.connectionCount());
    }

    @Test
    void datagramsFlowWhenBothSidesEnableThem() {
        TransportConfig tc = new TransportConfig().maxDatagramFrameSize(1200);
        Pair p = new Pair(35, tc, tc).establish();
        assertTrue(p.client.sendDatagram("ping".getBytes(StandardCharsets.UTF_8)));
        p.sim.runUntil(() -> !Pair.of(p.serverEvents, ConnectionEvent.DatagramReceived.class).isEmpty(),
                10_000_000_000L);
        assertEquals("ping", new String(Pair.of(p.serverEvents, ConnectionEvent.DatagramReceived.class).get(0).data(),
                StandardCharsets.UTF_8));
        Pair q = new Pair(36, new TransportConfig(), new TransportConfig()).establish();
        assertFalse(q.client.sendDatagram(new byte[4]), "the peer did not advertise datagram support");
    }

    @Test
    void alpnMismatchFailsTheHandshakeWithATlsAlert() {
        Sim sim = new Sim(39);
        Sim.Node server = sim.server(new TransportConfig());
        Sim.Node client = sim.client(new TransportConfig(), 5000);
        com.kafkaconnectiroh.p2p.tls.TlsClientConfig tls = new com.kafkaconnectiroh.p2p.tls.TlsClientConfig(client.key,
                server.key.publicKey(), List.of("other/1".getBytes(StandardCharsets.US_ASCII)));
        QuicConnection c = client.endpoint.connect(sim.now, server.addr,
                tp -> new com.kafkaconnectiroh.p2p.tls.TlsClientSession(tls, tp));
        sim.runUntil(c::isClosed, 10_000_000_000L);
        assertEquals(CloseReason.Source.PEER, c.closeReason().source());
        assertEquals(TransportError.cryptoError(TlsAlert.NO_APPLICATION_PROTOCOL), c.closeReason().errorCode(), c.closeReason().toString());
        assertFalse(c.isHandshakeComplete());
        sim.runUntil(() -> server.endpoint.connectionCount() == 0 && c.isDrained(), 30_000_000_000L);
    }

    @Test
    void wrongServerIdentityFailsTheHandshakeOnTheClient() {
        Sim sim = new Sim(40);
        Sim.Node server = sim.server(new TransportConfig());
        Sim.Node client = sim.client(new TransportConfig(), 5000);
        com.kafkaconnectiroh.p2p.tls.TlsClientConfig tls = new com.kafkaconnectiroh.p2p.tls.TlsClientConfig(client.key,
                com.kafkaconnectiroh.p2p.base.SecretKey.generate().publicKey(), List.of(Sim.ALPN));
        QuicConnection c = client.endpoint.connect(sim.now, server.addr,
                tp -> new com.kafkaconnectiroh.p2p.tls.TlsClientSession(tls, tp));
        sim.runUntil(c::isClosed, 10_000_000_000L);
        assertEquals(CloseReason.Source.LOCAL, c.closeReason().source());
        assertTrue(c.closeReason().errorCode() > TransportError.CRYPTO_ERROR.code(), c.closeReason().toString());
        assertTrue(c.closeReason().peerMismatch(), c.closeReason().toString());
        sim.runUntil(() -> server.accepted.get(0).isClosed(), 10_000_000_000L);
        assertEquals(c.closeReason().errorCode(), server.accepted.get(0).closeReason().errorCode(),
                "the server hears the client's alert");
    }

    @Test
    void closedConnectionsLeaveNoRoutes() {
        Pair p = new Pair(37, new TransportConfig(), new TransportConfig()).establish();
        p.client.close(p.sim.now, 0, null);
        p.sim.runUntil(() -> p.client.isDrained() && p.server.isDrained(), 30_000_000_000L);
        assertEquals(0, p.clientNode.endpoint.routingEntries());
        assertEquals(0, p.serverNode.endpoint.routingEntries());
        List<ConnectionEvent.ConnectionLost> lost = Pair.of(p.serverEvents, ConnectionEvent.ConnectionLost.class);
        assertEquals(1, lost.size());
        assertEquals(0, lost.get(0).reason().errorCode());
    }
}
