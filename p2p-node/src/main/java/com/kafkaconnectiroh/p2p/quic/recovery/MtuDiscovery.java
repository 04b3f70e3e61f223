package com.kafkaconnectiroh.p2p.quic.recovery;

/**
 * Datagram PLPMTU discovery in the style of RFC 8899 / RFC 9000 §14.3: start at the 1200-byte floor, then
 * binary-search upwards with padded PING probes (which do not count as congestion signals when lost) up to the
 * smaller of our ceiling and the peer's max_udp_payload_size. Three losses of one probe size lower the ceiling.
 * A run of losses of full-size packets while probes are not in flight (black hole) drops back to the floor.
 */
public final class MtuDiscovery {
    public static final int BASE = 1200;
    private static final int MAX_PROBES = 3;
    private static final int MIN_STEP = 20;
    private static final int BLACK_HOLE_THRESHOLD = 6;

    private final boolean enabled;
    private final long reprobeInterval;
    private int current = BASE;
    private int low = BASE;
    private int high;
    private int ceiling;
    private int probeSize;
    private long probePn = -1;
    private int failures;
    private boolean searching;
    private long nextSearch = Long.MAX_VALUE;
    private int consecutiveBigLosses;
    private long lastNow;

    public MtuDiscovery(boolean enabled, int ceiling, long reprobeIntervalNanos) {
        this.enabled = enabled && ceiling > BASE;
        this.ceiling = ceiling;
        this.high = ceiling;
        this.reprobeInterval = reprobeIntervalNanos;
    }

    /** Current datagram size limit. */
    public int current() {
        return current;
    }

    /** The peer's max_udp_payload_size lowers the ceiling. */
    public void setPeerMaxUdpPayload(long peerMax) {
        ceiling = (int) Math.min(ceiling, peerMax);
        high = Math.min(high, ceiling);
    }

    /** Called once the handshake is confirmed; starts the search. */
    public void start(long now) {
        if (enabled && ceiling > BASE) {
            searching = true;
            nextSearch = now;
        }
    }

    /** If a probe should be sent now, its size; else 0. */
    public int probeToSend(long now) {
        lastNow = now;
        if (!searching || probePn >= 0) {
            return 0;
        }
        if (high - low < MIN_STEP) {
            searching = false;
            nextSearch = reprobeInterval == Long.MAX_VALUE ? Long.MAX_VALUE : now + reprobeInterval;
            high = ceiling;
            return 0;
        }
        // most paths carry the ceiling (1452 for iroh), so try it first, then bisect
        probeSize = high == ceiling ? ceiling : (low + high + 1) / 2;
        return probeSize;
    }

    public void onProbeSent(long pn) {
        probePn = pn;
    }

    public boolean isProbe(long pn) {
        return pn == probePn;
    }

    public void onProbeAcked(long pn) {
        if (pn != probePn) {
            return;
        }
        probePn = -1;
        failures = 0;
        low = probeSize;
        current = probeSize;
        if (low >= high) {
            searching = false;
            nextSearch = nextSearchAfterAck();
        }
    }

    private long nextSearchAfterAck() {
        return reprobeInterval == Long.MAX_VALUE ? Long.MAX_VALUE : lastNow + reprobeInterval;
    }

    public void onProbeLost(long pn) {
        if (pn != probePn) {
            return;
        }
        probePn = -1;
        if (++failures >= MAX_PROBES) {
            failures = 0;
            high = probeSize - 1;
        }
    }

    /** A non-probe packet of {@code size} bytes was lost. */
    public void onPacketLost(int size) {
        if (size > BASE && ++consecutiveBigLosses >= BLACK_HOLE_THRESHOLD && current > BASE) {
            current = BASE;
            low = BASE;
            high = ceiling;
            consecutiveBigLosses = 0;
            searching = enabled;
        }
    }

    public void onPacketAcked(int size) {
        if (size > BASE) {
            consecutiveBigLosses = 0;
        }
    }

    /**
     * Deadline for the next search round, for timers. While searching there is none: probes go out with the next
     * transmit opportunity.
     */
    public long nextSearchTime() {
        return !searching && enabled ? nextSearch : Long.MAX_VALUE;
    }

    public void onTimeout(long now) {
        if (!searching && enabled && now >= nextSearch && nextSearch != Long.MAX_VALUE) {
            searching = true;
            low = current;
        }
    }
}
