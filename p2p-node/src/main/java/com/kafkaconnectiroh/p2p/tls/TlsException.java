package com.kafkaconnectiroh.p2p.tls;

/**
 * A TLS failure, carrying the alert it maps to. QUIC closes the connection with CRYPTO_ERROR
 * {@code 0x100 + alert} (RFC 9001 §4.8).
 */
public final class TlsException extends Exception {
    private static final long serialVersionUID = 1L;

    public static final int UNEXPECTED_MESSAGE = 10;
    public static final int BAD_RECORD_MAC = 20;
    public static final int HANDSHAKE_FAILURE = 40;
    public static final int BAD_CERTIFICATE = 42;
    public static final int UNSUPPORTED_CERTIFICATE = 43;
    public static final int CERTIFICATE_UNKNOWN = 46;
    public static final int ILLEGAL_PARAMETER = 47;
    public static final int DECODE_ERROR = 50;
    public static final int DECRYPT_ERROR = 51;
    public static final int PROTOCOL_VERSION = 70;
    public static final int INTERNAL_ERROR = 80;
    public static final int MISSING_EXTENSION = 109;
    public static final int UNSUPPORTED_EXTENSION = 110;
    public static final int CERTIFICATE_REQUIRED = 116;
    public static final int NO_APPLICATION_PROTOCOL = 120;

    private final int alert;

    public TlsException(int alert, String message) {
        super(message);
        this.alert = alert;
    }

    public int alert() {
        return alert;
    }

    /** The QUIC transport error code for this alert. */
    public long quicErrorCode() {
        return 0x100L + alert;
    }
}
