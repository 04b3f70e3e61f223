package com.kafkaconnectiroh.p2p.quic.recovery;

/** Round-trip time estimation (RFC 9002 §5). All values in nanoseconds. */
public final class RttEstimator {
    /** RFC 9002 kGranularity. */
    public static final long GRANULARITY = 1_000_000L;

    private final long initialRtt;
    private long latest;
    private long smoothed;
    private long var;
    private long min = Long.MAX_VALUE;
    private boolean hasSample;

    public RttEstimator(long initialRttNanos) {
        this.initialRtt = initialRttNanos;
        reset();
    }

    /** Back to the initial estimate (RFC 9002 §5.3, used on path change). */
    public void reset() {
        latest = initialRtt;
        smoothed = initialRtt;
        var = initialRtt / 2;
        min = Long.MAX_VALUE;
        hasSample = false;
    }

    /**
     * A new sample: {@code rtt} measured from sending to receiving the ACK; {@code ackDelay} as the peer reported
     * it, already capped at max_ack_delay by the caller once the handshake is confirmed (§5.3).
     */
    public void update(long rtt, long ackDelay) {
        latest = Math.max(1, rtt);
        if (!hasSample) {
            hasSample = true;
            min = latest;
            smoothed = latest;
            var = latest / 2;
            return;
        }
        min = Math.min(min, latest);
        long adjusted = latest;
        if (latest >= min + ackDelay) {
            adjusted = latest - ackDelay;
        }
        var = (3 * var + Math.abs(smoothed - adjusted)) / 4;
        smoothed = (7 * smoothed + adjusted) / 8;
    }

    public boolean hasSample() {
        return hasSample;
    }

    public long latest() {
        return latest;
    }

    public long smoothed() {
        return smoothed;
    }

    public long variance() {
        return var;
    }

    /** Minimum RTT seen, or the smoothed estimate before any sample. */
    public long min() {
        return hasSample ? min : smoothed;
    }

    /** The PTO period without max_ack_delay (RFC 9002 §6.2.1). */
    public long ptoBase() {
        return smoothed + Math.max(4 * var, GRANULARITY);
    }

    /** The time-threshold loss delay: 9/8 of the larger of smoothed and latest RTT, at least 1 ms (§6.1.2). */
    public long lossDelay() {
        return Math.max(GRANULARITY, Math.max(latest, smoothed) * 9 / 8);
    }
}
