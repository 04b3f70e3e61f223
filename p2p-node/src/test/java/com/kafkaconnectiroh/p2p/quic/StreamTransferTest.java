package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Stream data over the simulated network: every byte exactly once, in order, under loss. */
class StreamTransferTest {

    private static Pair lossy(long seed, double loss) {
        Pair p = new Pair(seed, new TransportConfig(), new TransportConfig());
        p.sim.loss = loss;
        p.sim.reorder = 0.05;
        p.sim.duplicate = 0.02;
        p.sim.jitter = 2_000_000L;
        return p;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void handshakeCompletesUnderLoss(long seed) {
        Pair p = lossy(seed, 0.10);
        p.establish();
        assertFalse(p.client.isClosed());
        assertFalse(p.server.isClosed());
        assertEquals(1, p.serverNode.endpoint.connectionCount(), "duplicated Initials make one connection");
    }

    @Test
    void tenMebibytesArriveIntactUnderLoss() {
        Pair p = lossy(42, 0.10).establish();
        long id = p.client.openBi();
        long total = 10L << 20;
        Patterns.Writer w = new Patterns.Writer(p.client, id, total);
        p.sim.apps.add(w);
        Patterns.Reader[] r = new Patterns.Reader[1];
        p.sim.apps.add(s -> {
            if (r[0] == null) {
                long sid = p.server.acceptBi();
                if (sid >= 0) {
                    r[0] = new Patterns.Reader(p.server, sid);
                }
            }
            if (r[0] != null) {
                r[0].accept(s);
            }
        });
        p.sim.runUntil(() -> r[0] != null && (r[0].fin || r[0].error != null), 600_000_000_000L);
        assertNull(r[0].error);
        assertEquals(total, r[0].received);
        ConnectionStats cs = p.client.stats();
        System.out.printf("10 MiB under 10%% loss: %.1f s simulated, %d steps, stats %s%n",
                (p.sim.now - 1e9) / 1e9, p.sim.steps, cs);
        assertTrue(cs.packetsLost() > 0, "the network lost packets");
        assertTrue(cs.pathMtu() > 1200, "MTU discovery raised the datagram size, got " + cs.pathMtu());
        assertFalse(p.client.isClosed());
        // the sender learns everything arrived
        p.sim.runUntil(() -> !Pair.of(p.clientEvents, ConnectionEvent.StreamFinished.class).isEmpty(),
                60_000_000_000L);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(com.kafkaconnectiroh.p2p.tls.CipherSuite.class)
    void everyCipherSuiteCarriesDataAndKeyUpdates(com.kafkaconnectiroh.p2p.tls.CipherSuite suite) {
        TransportConfig tc = new TransportConfig().keyUpdatePacketLimit(100);
        Sim sim = new Sim(80);
        sim.loss = 0.05;
        Pair p = new Pair(sim, tc, tc, new EndpointConfig(), suite).establish();
        assertEquals(suite, p.client.cipherSuite());
        assertEquals(suite, p.server.cipherSuite());
        long id = p.client.openBi();
        p.sim.apps.add(new Patterns.Writer(p.client, id, 1_000_000));
        Patterns.Reader[] r = new Patterns.Reader[1];
        p.sim.apps.add(s -> {
            long sid = p.server.acceptBi();
            if (sid >= 0) {
                r[0] = new Patterns.Reader(p.server, sid);
                s.apps.add(r[0]);
            }
        });
        p.sim.runUntil(() -> r[0] != null && r[0].fin, 300_000_000_000L);
        assertNull(r[0].error);
        assertEquals(1_000_000, r[0].received);
        assertTrue(p.client.keyPhaseGeneration() >= 3, suite + " key updates " + p.client.keyPhaseGeneration());
    }

    @Test
    void mtuDiscoveryFindsASmallerPathMtu() {
        Sim sim = new Sim(81);
        // a path that silently drops datagrams above 1300 bytes
        sim.filter = (from, to, data) -> data.length > 1300 ? null : data;
        Pair p = new Pair(sim, new TransportConfig(), new TransportConfig(), new EndpointConfig()).establish();
        long id = p.client.openUni();
        p.sim.apps.add(new Patterns.Writer(p.client, id, 2_000_000));
        Patterns.Reader[] r = new Patterns.Reader[1];
        p.sim.apps.add(s -> {
            long sid = p.server.acceptUni();
            if (sid >= 0) {
                r[0] = new Patterns.Reader(p.server, sid);
                s.apps.add(r[0]);
            }
        });
        p.sim.runUntil(() -> r[0] != null && r[0].fin, 300_000_000_000L);
        assertNull(r[0].error);
        int mtu = p.client.stats().pathMtu();
        assertTrue(mtu > 1250 && mtu <= 1300, "settled at " + mtu);
        assertEquals(0, p.client.stats().congestionEvents(), "lost probes are not congestion");
    }

    @Test
    void manyConcurrentStreamsBothWays() {
        Pair p = lossy(7, 0.05).establish();
        int n = 40;
        long size = 150_000;
        List<Patterns.Reader> readers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = i % 2 == 0 ? p.client.openBi() : p.client.openUni();
            assertTrue(id >= 0);
            p.sim.apps.add(new Patterns.Writer(p.client, id, size + i * 1000L));
        }
        p.sim.apps.add(s -> {
            long sid;
            while ((sid = p.server.acceptBi()) >= 0 || (sid = p.server.acceptUni()) >= 0) {
                Patterns.Reader rd = new Patterns.Reader(p.server, sid);
                readers.add(rd);
                s.apps.add(rd);
            }
        });
        p.sim.runUntil(() -> readers.size() == n && readers.stream().allMatch(x -> x.fin || x.error != null),
                600_000_000_000L);
        for (Patterns.Reader rd : readers) {
            assertNull(rd.error);
            long i = indexOf(rd.id);
            assertEquals(size + i * 1000L, rd.received, "stream " + rd.id);
        }
    }

    private static long indexOf(long clientStreamId) {
        // openBi/openUni alternate: bidi k is the 2k-th stream, uni k the (2k+1)-th
        long k = StreamId.index(clientStreamId);
        return StreamId.isBidi(clientStreamId) ? 2 * k : 2 * k + 1;
    }
}
