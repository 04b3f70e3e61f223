package com.kafkaconnectiroh.p2p.quic.wire;

/**
 * A peer broke the protocol: the connection must close with {@link #error()} (RFC 9000 §20.1), naming the
 * offending {@link #frameType()} where there is one.
 */
public final class TransportException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Frame type value when the error is not tied to a frame. */
    public static final long NO_FRAME = 0;

    private final TransportError error;
    private final long frameType;

    public TransportException(TransportError error, String message) {
        this(error, NO_FRAME, message);
    }

    public TransportException(TransportError error, long frameType, String message) {
        super(message, null, false, false);
        this.error = error;
        this.frameType = frameType;
    }

    public TransportError error() {
        return error;
    }

    /** The code CONNECTION_CLOSE carries: {@code error().code()}. */
    public long code() {
        return error.code();
    }

    public long frameType() {
        return frameType;
    }

    public TransportException withFrameType(long type) {
        return new TransportException(error, type, getMessage());
    }

    @Override
    public String toString() {
        return TransportError.name(error.code()) + ": " + getMessage();
    }
}
