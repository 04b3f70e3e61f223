package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.recovery.CongestionController;
import com.kafkaconnectiroh.p2p.quic.recovery.MtuDiscovery;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Per-path state across migration (RFC 9000 §9, RFC 9002 §9.4): what a new path starts with, what a fall-back keeps. */
class PathMigrationTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void rttAndCongestionStateSurviveAMigrationAndItsFallBack() {
        Pair p = new Pair(41, new TransportConfig(), new TransportConfig()).establish();
        ConnectionStats home = warmUp(p);

        // the client moves to another host: the server validates the new path and starts it afresh
        InetSocketAddress homeAddr = p.clientNode.addr;
        InetSocketAddress away = new InetSocketAddress("10.0.0.99", 6000);
        p.sim.rebind(p.clientNode, away);
        clientSends(p, 20_000);
        p.sim.runUntil(() -> away.equals(p.server.remoteAddress()) && p.server.isPathValidated(), 30 * SECOND);
        p.sim.runFor(2 * SECOND);
        assertTrue(p.server.stats().congestionWindow() < home.congestionWindow(),
                "a path to another host starts with a fresh window: " + p.server.stats().congestionWindow());

        // and comes back: the server returns to the previous path with what it had learnt about it
        p.sim.rebind(p.clientNode, homeAddr);
        clientSends(p, 20_000);
        p.sim.runUntil(() -> homeAddr.equals(p.server.remoteAddress()), 30 * SECOND);
        assertRestored(home, p.server);
    }

    @Test
    void aMigrationThatFailsValidationFallsBackToThePreviousPathAsItWas() {
        Pair p = new Pair(42, new TransportConfig(), new TransportConfig()).establish();
        ConnectionStats home = warmUp(p);
        InetSocketAddress homeAddr = p.clientNode.addr;
        InetSocketAddress away = new InetSocketAddress("10.0.0.99", 6000);
        p.sim.rebind(p.clientNode, away);
        clientSends(p, 20_000);
        p.sim.runUntil(() -> away.equals(p.server.remoteAddress()), 30 * SECOND);
        // the new address goes dark before the client's PATH_RESPONSE gets through (RFC 9000 §9.3.2)
        p.sim.filter = (from, to, data) -> away.equals(from) || away.equals(to) ? null : data;
        p.sim.runUntil(() -> homeAddr.equals(p.server.remoteAddress()), 30 * SECOND);
        assertRestored(home, p.server);
    }

    /** What the server had measured on the path it is back on. */
    private static void assertRestored(ConnectionStats home, QuicConnection server) {
        ConnectionStats back = server.stats();
        assertTrue(back.congestionWindow() >= home.congestionWindow(),
                "window of the previous path restored: " + back.congestionWindow() + ", had " + home.congestionWindow());
        assertEquals(home.minRtt(), back.minRtt(), "RTT estimate of the previous path restored");
        assertEquals(home.pathMtu(), back.pathMtu(), "MTU of the previous path restored");
        assertTrue(server.isPathValidated(), "the previous path was validated before");
    }

    /** The server sends enough for its congestion window to grow well past the initial one; its stats then. */
    private static ConnectionStats warmUp(Pair p) {
        Patterns.Reader[] r = p.stream(p.server, false, 4L << 20);
        p.sim.runUntil(() -> r[0] != null && (r[0].fin || r[0].error != null), 120 * SECOND);
        assertNull(r[0].error);
        p.sim.runFor(2 * SECOND); // every ACK in
        ConnectionStats home = p.server.stats();
        assertTrue(home.congestionWindow() > 2 * CongestionController.initialWindow(MtuDiscovery.BASE),
                "window grew: " + home.congestionWindow());
        assertTrue(home.smoothedRtt() < 100_000_000L, "RTT measured: " + home.smoothedRtt());
        return home;
    }

    /**
     * Some client data from where it is now. Enough of it: the server may send three times what it received on a
     * path it has not validated yet, and its PATH_CHALLENGE goes in a 1200-byte datagram.
     */
    private static void clientSends(Pair p, long bytes) {
        p.stream(p.client, false, bytes);
    }
}
