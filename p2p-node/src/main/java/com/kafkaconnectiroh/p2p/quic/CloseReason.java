package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.wire.TransportError;

/**
 * Why a connection ended. {@code application} codes come from CONNECTION_CLOSE 0x1d (ours or the peer's);
 * otherwise {@code errorCode} is a transport error (RFC 9000 §20.1) and {@code frameType} the frame that
 * triggered it, if any.
 */
public record CloseReason(Source source, boolean application, long errorCode, long frameType, String reason) {

    public enum Source {
        /** We closed: {@code close()} by the application, or a protocol error we detected. */
        LOCAL,
        /** The peer sent CONNECTION_CLOSE. */
        PEER,
        /** Nothing heard for the idle timeout. */
        IDLE_TIMEOUT,
        /** The peer lost its state and sent a stateless reset. */
        STATELESS_RESET,
        /** The server supports none of our versions. */
        VERSION_MISMATCH
    }

    public boolean byPeer() {
        return source == Source.PEER || source == Source.STATELESS_RESET;
    }

    @Override
    public String toString() {
        String code = application ? "application 0x" + Long.toHexString(errorCode) : TransportError.name(errorCode);
        return source + " " + code + (reason == null || reason.isEmpty() ? "" : ": " + reason);
    }
}
