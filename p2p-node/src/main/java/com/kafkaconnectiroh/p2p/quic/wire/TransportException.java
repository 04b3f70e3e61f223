package com.kafkaconnectiroh.p2p.quic.wire;

/**
 * A peer broke the protocol: the connection must close with {@link #code()} (RFC 9000 §20.1), naming the
 * offending {@link #frameType()} where there is one.
 */
public final class TransportException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Frame type value when the error is not tied to a frame. */
    public static final long NO_FRAME = 0;

    private final long code;
    private final long frameType;

    public TransportException(long code, String message) {
        this(code, NO_FRAME, message);
    }

    public TransportException(long code, long frameType, String message) {
        super(message, null, false, false);
        this.code = code;
        this.frameType = frameType;
    }

    public long code() {
        return code;
    }

    public long frameType() {
        return frameType;
    }

    public TransportException withFrameType(long type) {
        return new TransportException(code, type, getMessage());
    }

    @Override
    public String toString() {
        return TransportError.name(code) + ": " + getMessage();
    }
}
