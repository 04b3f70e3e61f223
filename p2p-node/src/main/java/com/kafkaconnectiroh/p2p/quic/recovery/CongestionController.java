package com.kafkaconnectiroh.p2p.quic.recovery;

/**
 * A congestion window in bytes (RFC 9002 §7). Times are nanoseconds. The recovery period rule (one reduction per
 * round trip: only losses of packets sent after the last reduction count) lives in the implementations.
 */
public interface CongestionController {

    /** Bytes that may be in flight. */
    long window();

    /** Packets acknowledged: {@code bytes} of a packet sent at {@code sentTime}. */
    void onAck(long now, long sentTime, int bytes, RttEstimator rtt, boolean appLimited);

    /** Loss of a packet sent at {@code sentTime} (the newest lost in this batch). */
    void onCongestionEvent(long now, long sentTime, boolean persistentCongestion);

    /** ECN-CE reported (treated like loss). */
    default void onEcnCongestion(long now, long sentTime) {
        onCongestionEvent(now, sentTime, false);
    }

    /** The datagram size changed (MTU discovery). */
    void onMtuChange(int maxDatagramSize);

    /** Forget everything (new path). */
    void reset();

    /** Slow start threshold, for stats; {@code Long.MAX_VALUE} when unset. */
    long ssthresh();

    /** Which algorithm. */
    enum Kind { CUBIC, NEW_RENO }

    static CongestionController create(Kind kind, int maxDatagramSize) {
        return kind == Kind.NEW_RENO ? new NewReno(maxDatagramSize) : new Cubic(maxDatagramSize);
    }

    /** RFC 9002 §7.2: min(10 * size, max(2 * size, 14720)). */
    static long initialWindow(int mss) {
        return Math.min(10L * mss, Math.max(2L * mss, 14720));
    }

    static long minimumWindow(int mss) {
        return 2L * mss;
    }
}
