package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.quic.CloseReason;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;

/**
 * Why a connection ended, as {@link Connection#closed()} reports it.
 *
 * @param kind      what ended it
 * @param byPeer    the peer closed it (CONNECTION_CLOSE or stateless reset from the peer); false if we did, or a
 *                  timer did
 * @param code      the application error code for {@link Kind#APPLICATION_CLOSED}, the transport error code
 *                  (RFC 9000 §20.1; TLS alerts are {@code 0x100 + alert}) for {@link Kind#TRANSPORT_ERROR}, else 0
 * @param reason    the reason text sent with the close (may be empty)
 * @param peerMismatch we closed the handshake because the peer proved another endpoint id than the one we dialed
 *                  (a {@link Kind#TRANSPORT_ERROR}, local, bad_certificate; the reason says which ids)
 */
public record ConnectionClose(Kind kind, boolean byPeer, long code, String reason, boolean peerMismatch) {

    public enum Kind {
        /** An application closed it with a code and reason ({@link Connection#close}; CONNECTION_CLOSE 0x1d). */
        APPLICATION_CLOSED,
        /** A protocol or handshake error (ours or the peer's), e.g. a TLS alert or a wrong peer identity. */
        TRANSPORT_ERROR,
        /** Nothing heard from the peer for the idle timeout. */
        IDLE_TIMEOUT,
        /** The peer lost its state and answered with a stateless reset. */
        RESET,
        /** The peer supports none of our QUIC versions. */
        VERSION_MISMATCH,
        /** Our endpoint closed before the connection ended. */
        ENDPOINT_CLOSED,
        /** Connecting gave up: no answer within the connect timeout. */
        CONNECT_TIMEOUT
    }

    public ConnectionClose {
        reason = reason == null ? "" : reason;
    }

    public ConnectionClose(Kind kind, boolean byPeer, long code, String reason) {
        this(kind, byPeer, code, reason, false);
    }

    /**
     * The TLS alert if this is a handshake failure (CRYPTO_ERROR {@code 0x100..0x1ff}) with an alert RFC 8446
     * defines, else null ({@link #code()} still holds any other).
     */
    public TlsAlert tlsAlert() {
        return TlsAlert.of(alertNumber());
    }

    private int alertNumber() {
        return kind == Kind.TRANSPORT_ERROR ? TransportError.tlsAlert(code) : -1;
    }

    private String alertName() {
        int n = alertNumber();
        if (n < 0) {
            return "";
        }
        TlsAlert a = TlsAlert.of(n);
        return a == null ? " TLS alert " + n : " " + a.rfcName();
    }

    static ConnectionClose of(CloseReason r) {
        if (r == null) {
            return new ConnectionClose(Kind.ENDPOINT_CLOSED, false, 0, "connection dropped");
        }
        return switch (r.source()) {
            case IDLE_TIMEOUT -> new ConnectionClose(Kind.IDLE_TIMEOUT, false, 0, r.reason());
            case STATELESS_RESET -> new ConnectionClose(Kind.RESET, true, 0, r.reason());
            case VERSION_MISMATCH -> new ConnectionClose(Kind.VERSION_MISMATCH, true, 0, r.reason());
            case LOCAL, PEER -> new ConnectionClose(r.application() ? Kind.APPLICATION_CLOSED : Kind.TRANSPORT_ERROR,
                    r.source() == CloseReason.Source.PEER, r.errorCode(), r.reason(), r.peerMismatch());
        };
    }

    @Override
    public String toString() {
        String who = byPeer ? "by peer" : "locally";
        return switch (kind) {
            case APPLICATION_CLOSED -> "closed " + who + " with code " + code + (reason.isEmpty() ? "" : ": " + reason);
            case TRANSPORT_ERROR -> "transport error " + TransportError.name(code) + alertName() + " " + who
                    + (reason.isEmpty() ? "" : ": " + reason);
            case IDLE_TIMEOUT -> "idle timeout" + (reason.isEmpty() ? "" : " (" + reason + ")");
            case RESET -> "stateless reset by peer";
            case VERSION_MISMATCH -> "peer supports no QUIC version we speak";
            case ENDPOINT_CLOSED -> "endpoint closed" + (reason.isEmpty() ? "" : ": " + reason);
            case CONNECT_TIMEOUT -> "connect timed out" + (reason.isEmpty() ? "" : ": " + reason);
        };
    }
}
