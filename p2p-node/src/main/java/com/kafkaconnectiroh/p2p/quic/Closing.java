package com.kafkaconnectiroh.p2p.quic;

/**
 * A connection in its closing or draining period (RFC 9000 §10.2), as one value: the CONNECTION_CLOSE it repeats
 * to stragglers (application or transport, code, offending frame type, reason bytes), the decaying rate it may
 * repeat it at, and when the period ends and the connection drains. While draining (the peer closed) nothing is
 * sent. quinn-proto keeps the same data in its {@code State::Closed} / {@code State::Draining}.
 */
final class Closing {
    private static final byte[] EMPTY = new byte[0];

    /** The peer closed: we only wait, and send nothing (RFC 9000 §10.2.2). */
    final boolean draining;
    /** CONNECTION_CLOSE 0x1d (application) rather than 0x1c (transport). */
    final boolean application;
    final long code;
    /** The frame type that caused a transport close, 0 if none. */
    final long frameType;
    final byte[] reason;
    /** When the period ends ({@link ConnectionTimer#CLOSE}). */
    final long drainAt;
    /** A CONNECTION_CLOSE is to go out with the next transmit. */
    boolean sendPending;
    private long resendAt;
    private long resendInterval;

    private Closing(boolean draining, boolean application, long code, long frameType, byte[] reason, long drainAt,
                    long now, long resendInterval) {
        this.draining = draining;
        this.application = application;
        this.code = code;
        this.frameType = frameType;
        this.reason = reason;
        this.drainAt = drainAt;
        this.sendPending = !draining;
        this.resendInterval = resendInterval;
        this.resendAt = now + resendInterval;
    }

    /** We close: our CONNECTION_CLOSE goes out now, and again to stragglers, first after {@code resendInterval}. */
    static Closing closing(long now, boolean application, long code, long frameType, byte[] reason, long drainAt,
                           long resendInterval) {
        return new Closing(false, application, code, frameType, reason, drainAt, now, resendInterval);
    }

    /** The peer closed. */
    static Closing draining(long drainAt) {
        return new Closing(true, false, 0, 0, EMPTY, drainAt, 0, Long.MAX_VALUE);
    }

    /**
     * A datagram arrived while closing: answer with our CONNECTION_CLOSE at a rate that halves each time (RFC
     * 9000 §10.2.1), so stragglers cannot make us send more than they do.
     */
    void onStraggler(long now) {
        if (!draining && now >= resendAt) {
            sendPending = true;
            resendAt = now + resendInterval;
            resendInterval *= 2;
        }
    }
}
