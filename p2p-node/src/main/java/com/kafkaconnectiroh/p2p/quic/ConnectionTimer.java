package com.kafkaconnectiroh.p2p.quic;

/**
 * Every deadline a {@link QuicConnection} keeps, one entry each in its {@link TimerTable} (the shape of
 * quinn-proto's {@code connection/timer.rs}). The declaration order is the order {@link
 * QuicConnection#handleTimeout} fires expired timers in: the ones that end the connection come first.
 */
enum ConnectionTimer {
    /** The closing or draining period is over (RFC 9000 §10.2): the connection drains. */
    CLOSE,
    /** Server: the endpoint's limit on a handshake that has not completed ({@link HalfOpenLimits}). */
    HANDSHAKE,
    /** No packet for the effective idle timeout (RFC 9000 §10.1). */
    IDLE,
    /** The pacer has tokens again for the datagram it held back (RFC 9002 §7.7). */
    PACING,
    /** A delayed ACK of 1-RTT packets is due (RFC 9000 §13.2.1, max_ack_delay). */
    ACK_DELAY,
    /** Nothing ack-eliciting went out for the keep-alive interval: send a PING. */
    KEEP_ALIVE,
    /** The previous 1-RTT read key is dropped after a key update (RFC 9001 §6.5). */
    KEY_DISCARD,
    /** Validation of the current path failed (RFC 9000 §8.2.4): back to the previous path. */
    PATH_VALIDATION,
    /** Resend the PATH_CHALLENGE on the path being validated. */
    PATH_CHALLENGE,
    /** The next round of path MTU discovery (RFC 8899 §5.2, re-probing after a search). */
    MTU_PROBE,
    /** Loss detection: time-threshold loss or the probe timeout (RFC 9002 §6.1.2, §6.2). */
    LOSS_DETECTION;

    static final ConnectionTimer[] VALUES = values();
}
