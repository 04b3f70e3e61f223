package com.kafkaconnectiroh.p2p.quic.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecoveryPartsTest {
    private static final long MS = 1_000_000L;

    @Test
    void rttFollowsRfc9002() {
        RttEstimator r = new RttEstimator(333 * MS);
        assertEquals(333 * MS, r.smoothed());
        r.update(100 * MS, 0);
        assertEquals(100 * MS, r.smoothed());
        assertEquals(50 * MS, r.variance());
        r.update(120 * MS, 10 * MS);
        // adjusted 110: srtt = 7/8*100 + 1/8*110, rttvar = 3/4*50 + 1/4*10
        assertEquals(101_250_000L, r.smoothed());
        assertEquals(40 * MS, r.variance());
        assertEquals(100 * MS, r.min());
        // an ack delay that would take the sample below min_rtt is ignored
        r.update(100 * MS, 50 * MS);
        assertTrue(r.smoothed() < 101_250_000L && r.smoothed() > 99 * MS);
    }

    @Test
    void sentPacketsRingTracksInFlightAndGaps() {
        SentPackets s = new SentPackets();
        for (long pn = 0; pn < 200; pn += 2) {
            SentPacket p = s.obtain();
            p.pn = pn;
            p.size = 1000;
            p.inFlight = true;
            p.ackEliciting = true;
            s.add(p);
        }
        assertEquals(100, s.size());
        assertEquals(100_000, s.bytesInFlight());
        assertNull(s.get(1));
        assertSame(null, s.remove(3));
        assertEquals(0, s.lowest());
        s.remove(0);
        assertEquals(2, s.lowest(), "base skips the gap");
        for (long pn = 2; pn < 200; pn += 2) {
            s.recycle(s.remove(pn));
        }
        assertTrue(s.isEmpty());
        assertEquals(0, s.bytesInFlight());
        assertTrue(!s.hasAckElicitingInFlight());
    }

    @Test
    void cubicGrowsInSlowStartBacksOffByBetaAndRegrows() {
        Cubic c = new Cubic(1200);
        RttEstimator rtt = new RttEstimator(100 * MS);
        rtt.update(100 * MS, 0);
        long w0 = c.window();
        assertEquals(12_000, w0);
        long now = 0;
        for (int i = 0; i < 10; i++) {
            c.onAck(now += MS, now - 100 * MS, 1200, rtt, false);
        }
        assertEquals(w0 + 12_000, c.window(), "slow start adds what was acked");
        long before = c.window();
        c.onCongestionEvent(now += MS, now - 10 * MS, false);
        assertEquals((long) (before * 0.7), c.window());
        long reduced = c.window();
        // packets sent before the reduction do not reduce again
        c.onCongestionEvent(now += MS, now - 50 * MS, false);
        assertEquals(reduced, c.window());
        // congestion avoidance: grows back over time
        for (int i = 0; i < 2000; i++) {
            now += 5 * MS;
            c.onAck(now, now - 100 * MS, 1200, rtt, false);
        }
        assertTrue(c.window() > before, "regrew past the old window: " + c.window());
        c.onCongestionEvent(now += MS, now, true);
        assertEquals(2400, c.window(), "persistent congestion: minimum window");
    }

    @Test
    void newRenoHalves() {
        NewReno r = new NewReno(1200);
        r.onCongestionEvent(10, 5, false);
        assertEquals(6000, r.window());
    }

    @Test
    void pacerSpreadsAWindowOverTheRtt() {
        Pacer p = new Pacer();
        long window = 120_000;
        long rtt = 100 * MS;
        long now = 0;
        int sent = 0;
        // the initial burst is bounded
        while (p.delayUntil(now, 1200, window, rtt) == 0) {
            p.onSent(1200);
            sent++;
        }
        assertTrue(sent >= 10 && sent < 100, "burst " + sent);
        long next = p.delayUntil(now, 1200, window, rtt);
        // rate 1.25 * window / rtt: 1200 bytes every 0.8 ms
        assertTrue(next > 0 && next <= 2 * MS, "next send at " + next);
    }

    @Test
    void mtuDiscoveryProbesTheCeilingThenBisects() {
        MtuDiscovery m = new MtuDiscovery(true, 1452, Long.MAX_VALUE);
        m.setPeerMaxUdpPayload(1472);
        m.start(0);
        assertEquals(1452, m.probeToSend(0));
        m.onProbeSent(10);
        for (int i = 0; i < 3; i++) {
            m.onProbeLost(10);
            if (i < 2) {
                assertEquals(1452, m.probeToSend(0));
                m.onProbeSent(10);
            }
        }
        int next = m.probeToSend(0);
        assertTrue(next > 1200 && next < 1452, "bisecting: " + next);
        m.onProbeSent(11);
        m.onProbeAcked(11);
        assertEquals(next, m.current());
    }
}
