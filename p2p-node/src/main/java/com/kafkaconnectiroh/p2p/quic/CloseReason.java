package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.wire.TransportError;

/**
 * Why a connection ended. {@code application} codes come from CONNECTION_CLOSE 0x1d (ours or the peer's);
 * otherwise {@code errorCode} is a transport error (RFC 9000 §20.1, kept raw: a peer may send any varint) and
 * {@code frameType} the frame that triggered it, if any. {@code peerMismatch}: our TLS handshake closed because
 * the peer proved a key other than the one we dialed ({@code tls.TlsException#peerMismatch()}).
 */
public record CloseReason(Source source, boolean application, long errorCode, long frameType, String reason,
                          boolean peerMismatch) {

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

    public CloseReason(Source source, boolean application, long errorCode, long frameType, String reason) {
        this(source, application, errorCode, frameType, reason, false);
    }

    /** A transport close of ours with a named error. */
    public CloseReason(Source source, boolean application, TransportError error, long frameType, String reason) {
        this(source, application, error.code(), frameType, reason, false);
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
