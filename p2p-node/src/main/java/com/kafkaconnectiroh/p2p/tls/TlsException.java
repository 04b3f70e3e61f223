package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.EndpointId;

/**
 * A TLS failure, carrying the {@link TlsAlert} it maps to. QUIC closes the connection with CRYPTO_ERROR
 * {@code 0x100 + alert} (RFC 9001 §4.8). {@link #peerMismatch()} marks the one failure callers act on apart
 * from its alert: the peer proved a key other than the one we dialed.
 */
public final class TlsException extends Exception {
    private static final long serialVersionUID = 1L;

    private final TlsAlert alert;
    private final boolean peerMismatch;

    public TlsException(TlsAlert alert, String message) {
        this(alert, message, false);
    }

    private TlsException(TlsAlert alert, String message, boolean peerMismatch) {
        super(message);
        this.alert = alert;
        this.peerMismatch = peerMismatch;
    }

    /**
     * The server authenticated as {@code got} where we dialed {@code expected}: alert bad_certificate (iroh's
     * dialer sends unknown_ca for the same).
     */
    public static TlsException peerMismatch(EndpointId expected, EndpointId got) {
        return new TlsException(TlsAlert.BAD_CERTIFICATE, "expected peer " + expected + ", got " + got, true);
    }

    public TlsAlert alert() {
        return alert;
    }

    /** True if the peer is not the one we dialed (see {@link #peerMismatch(EndpointId, EndpointId)}). */
    public boolean peerMismatch() {
        return peerMismatch;
    }
}
