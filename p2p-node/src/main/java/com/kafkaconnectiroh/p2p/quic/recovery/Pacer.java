package com.kafkaconnectiroh.p2p.quic.recovery;

/**
 * A token bucket spreading a window's worth of packets over a round trip (RFC 9002 §7.7), so a large window is
 * not sent as one burst that overflows socket or switch buffers. Rate is 1.25 x window / smoothed RTT; the bucket
 * holds a few milliseconds worth, at least {@value #MIN_BURST_PACKETS} full datagrams.
 */
public final class Pacer {
    private static final int MIN_BURST_PACKETS = 10;
    private static final long BURST_INTERVAL = 2_000_000L; // 2 ms of sending at the pacing rate

    private long tokens;
    private long capacity;
    private long lastWindow = -1;
    private long lastRtt = -1;
    private int lastMtu = -1;
    private long lastRefill = Long.MIN_VALUE;

    /**
     * Returns 0 if a datagram of {@code mtu} bytes may go now, else the time when it may. Must be called before
     * {@link #onSent}.
     */
    public long delayUntil(long now, int mtu, long window, long srtt) {
        updateCapacity(mtu, window, srtt);
        refill(now, window, srtt);
        if (tokens >= mtu) {
            return 0;
        }
        long rttNanos = Math.max(1, srtt);
        // time to earn the missing tokens at rate 1.25 * window / rtt
        double perNano = 1.25 * window / rttNanos;
        long wait = (long) Math.ceil((mtu - tokens) / perNano);
        return now + Math.max(1, wait);
    }

    public void onSent(int bytes) {
        tokens = Math.max(0, tokens - bytes);
    }

    private void updateCapacity(int mtu, long window, long srtt) {
        if (window == lastWindow && srtt == lastRtt && mtu == lastMtu) {
            return;
        }
        long rttNanos = Math.max(1, srtt);
        long cap = (long) (window * (double) BURST_INTERVAL / rttNanos);
        cap = Math.max(cap, (long) MIN_BURST_PACKETS * mtu);
        cap = Math.min(cap, Math.max(window, (long) MIN_BURST_PACKETS * mtu));
        if (lastWindow < 0) {
            tokens = cap;
        }
        capacity = cap;
        tokens = Math.min(tokens, capacity);
        lastWindow = window;
        lastRtt = srtt;
        lastMtu = mtu;
    }

    private void refill(long now, long window, long srtt) {
        if (lastRefill == Long.MIN_VALUE) {
            lastRefill = now;
            return;
        }
        long elapsed = now - lastRefill;
        if (elapsed <= 0) {
            return;
        }
        long rttNanos = Math.max(1, srtt);
        double add = 1.25 * window * (double) elapsed / rttNanos;
        if (add >= 1) {
            tokens = (long) Math.min(capacity, tokens + add);
            lastRefill = now;
        }
    }
}
