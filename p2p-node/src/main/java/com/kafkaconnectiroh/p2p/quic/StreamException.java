package com.kafkaconnectiroh.p2p.quic;

/** A stream operation that cannot proceed: the stream was reset or stopped by the peer, or is unknown/closed. */
public final class StreamException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The peer reset its sending half; {@link #errorCode()} is its code. */
        RESET,
        /** The peer sent STOP_SENDING; {@link #errorCode()} is its code. */
        STOPPED,
        /** No such stream in this direction, or it is already finished. */
        UNKNOWN_STREAM,
        /** The connection is closed. */
        CONNECTION_CLOSED
    }

    private final Kind kind;
    private final long streamId;
    private final long errorCode;

    public StreamException(Kind kind, long streamId, long errorCode, String message) {
        super(message);
        this.kind = kind;
        this.streamId = streamId;
        this.errorCode = errorCode;
    }

    public Kind kind() {
        return kind;
    }

    public long streamId() {
        return streamId;
    }

    public long errorCode() {
        return errorCode;
    }
}
