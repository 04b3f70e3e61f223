package com.kafkaconnectiroh.p2p.quic.wire;

import com.kafkaconnectiroh.p2p.tls.TlsAlert;

/**
 * QUIC transport error codes (RFC 9000 §20.1): the one table of them. The wire carries any varint, so a code a
 * peer sends is kept as a {@code long} (e.g. {@code quic.CloseReason#errorCode()}); {@link #of(long)} names it
 * when it is one of these and {@link #name(long)} prints any code.
 */
public enum TransportError {
    NO_ERROR(0x00, "closing without an error"),
    INTERNAL_ERROR(0x01, "the endpoint hit an error of its own and cannot continue"),
    CONNECTION_REFUSED(0x02, "the server refuses to accept a new connection"),
    FLOW_CONTROL_ERROR(0x03, "more data received than the advertised flow control limits permit"),
    STREAM_LIMIT_ERROR(0x04, "a frame for a stream beyond the advertised stream limit"),
    STREAM_STATE_ERROR(0x05, "a frame for a stream in a state that does not permit it"),
    FINAL_SIZE_ERROR(0x06, "data beyond a stream's final size, or a final size that changed"),
    FRAME_ENCODING_ERROR(0x07, "a badly formatted frame"),
    TRANSPORT_PARAMETER_ERROR(0x08, "transport parameters badly formatted, invalid, or missing"),
    CONNECTION_ID_LIMIT_ERROR(0x09, "more connection IDs than the advertised active_connection_id_limit"),
    PROTOCOL_VIOLATION(0x0a, "a protocol breach not covered by a more specific code"),
    INVALID_TOKEN(0x0b, "a Retry or NEW_TOKEN token that the server does not accept"),
    APPLICATION_ERROR(0x0c, "the application closed; its own code could not be sent before 1-RTT"),
    CRYPTO_BUFFER_EXCEEDED(0x0d, "more CRYPTO data than the endpoint is willing to buffer"),
    KEY_UPDATE_ERROR(0x0e, "an error in key update"),
    AEAD_LIMIT_REACHED(0x0f, "the AEAD confidentiality or integrity limit was reached"),
    NO_VIABLE_PATH(0x10, "no network path can carry QUIC"),
    /**
     * The TLS handshake failed: this is the start of the range {@code 0x100..0x1ff}, whose low byte is the
     * {@link TlsAlert} (RFC 9001 §4.8); see {@link #cryptoError(TlsAlert)} and {@link #tlsAlert(long)}.
     */
    CRYPTO_ERROR(0x100, "the cryptographic handshake failed");

    private static final long CRYPTO_ERROR_LAST = 0x1ff;
    /** Codes 0x00..0x10 by value. */
    private static final TransportError[] BY_CODE = new TransportError[(int) NO_VIABLE_PATH.code + 1];

    static {
        for (TransportError e : values()) {
            if (e != CRYPTO_ERROR) {
                BY_CODE[(int) e.code] = e;
            }
        }
    }

    private final long code;
    private final String description;

    TransportError(long code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The code as CONNECTION_CLOSE 0x1c carries it (for CRYPTO_ERROR, where its range starts). */
    public long code() {
        return code;
    }

    /** What the code means, in a few words. */
    public String description() {
        return description;
    }

    /** The error a wire code names: CRYPTO_ERROR for the whole alert range, null for a code not in RFC 9000. */
    public static TransportError of(long code) {
        if (code >= 0 && code < BY_CODE.length) {
            return BY_CODE[(int) code];
        }
        return isCryptoError(code) ? CRYPTO_ERROR : null;
    }

    /** The CRYPTO_ERROR code that carries {@code alert}: {@code 0x100 + alert} (RFC 9001 §4.8). */
    public static long cryptoError(TlsAlert alert) {
        return CRYPTO_ERROR.code + alert.code();
    }

    /**
     * The alert number a CRYPTO_ERROR code carries, or -1 if {@code code} is not one. The number may be one
     * {@link TlsAlert#of(int)} does not know: a peer may send any.
     */
    public static int tlsAlert(long code) {
        return isCryptoError(code) ? (int) (code - CRYPTO_ERROR.code) : -1;
    }

    private static boolean isCryptoError(long code) {
        return code >= CRYPTO_ERROR.code && code <= CRYPTO_ERROR_LAST;
    }

    /** The code's name as RFC 9000 writes it, e.g. {@code PROTOCOL_VIOLATION} or {@code CRYPTO_ERROR(0x128)}. */
    public static String name(long code) {
        TransportError e = of(code);
        if (e == null) {
            return "0x" + Long.toHexString(code);
        }
        return e == CRYPTO_ERROR ? "CRYPTO_ERROR(0x" + Long.toHexString(code) + ")" : e.name();
    }
}
