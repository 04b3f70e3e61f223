package com.kafkaconnectiroh.p2p.tls;

/**
 * TLS alert descriptions (RFC 8446 §6, the registry's TLS 1.3 entries): the one table of alert numbers. Our
 * handshake raises them as {@link TlsException}s; in QUIC they travel only inside a CRYPTO_ERROR transport error
 * code, {@code 0x100 + alert} (RFC 9001 §4.8), so a peer's code may name an alert this table lacks:
 * {@link #of(int)} answers null for those and callers keep the raw number.
 */
public enum TlsAlert {
    CLOSE_NOTIFY(0, "close_notify", "the sender will send no more messages"),
    UNEXPECTED_MESSAGE(10, "unexpected_message", "a message arrived that does not fit the handshake's state"),
    BAD_RECORD_MAC(20, "bad_record_mac", "a record failed to decrypt or authenticate"),
    RECORD_OVERFLOW(22, "record_overflow", "a record was longer than allowed"),
    HANDSHAKE_FAILURE(40, "handshake_failure", "no acceptable set of security parameters in common"),
    BAD_CERTIFICATE(42, "bad_certificate", "a certificate was corrupt or did not verify"),
    UNSUPPORTED_CERTIFICATE(43, "unsupported_certificate", "a certificate of an unsupported type"),
    CERTIFICATE_REVOKED(44, "certificate_revoked", "a certificate its signer revoked"),
    CERTIFICATE_EXPIRED(45, "certificate_expired", "a certificate that has expired or is not yet valid"),
    CERTIFICATE_UNKNOWN(46, "certificate_unknown", "a certificate unacceptable for some other reason"),
    ILLEGAL_PARAMETER(47, "illegal_parameter", "a field was out of range or inconsistent with others"),
    UNKNOWN_CA(48, "unknown_ca", "a certificate chain whose issuer is not trusted"),
    ACCESS_DENIED(49, "access_denied", "a valid certificate, but access control refused the handshake"),
    DECODE_ERROR(50, "decode_error", "a message could not be decoded"),
    DECRYPT_ERROR(51, "decrypt_error", "a signature or Finished check failed"),
    PROTOCOL_VERSION(70, "protocol_version", "the peer offered a protocol version we do not support"),
    INSUFFICIENT_SECURITY(71, "insufficient_security", "the peer's parameters are weaker than we require"),
    INTERNAL_ERROR(80, "internal_error", "a failure of the sender's own, unrelated to the peer"),
    INAPPROPRIATE_FALLBACK(86, "inappropriate_fallback", "a version fallback the server rejects"),
    USER_CANCELED(90, "user_canceled", "the handshake was canceled for a reason unrelated to the protocol"),
    MISSING_EXTENSION(109, "missing_extension", "a message lacks an extension that is mandatory here"),
    UNSUPPORTED_EXTENSION(110, "unsupported_extension", "a message carries an extension that is not allowed there"),
    UNRECOGNIZED_NAME(112, "unrecognized_name", "no server identified by the requested server name"),
    BAD_CERTIFICATE_STATUS_RESPONSE(113, "bad_certificate_status_response", "an invalid OCSP response"),
    UNKNOWN_PSK_IDENTITY(115, "unknown_psk_identity", "no acceptable pre-shared key identity"),
    CERTIFICATE_REQUIRED(116, "certificate_required", "the peer sent no certificate, but one is required"),
    NO_APPLICATION_PROTOCOL(120, "no_application_protocol", "none of the client's ALPN protocols is served");

    /** Alert numbers are one byte on the wire (RFC 8446 §6: {@code enum { ... (255) } AlertDescription}). */
    private static final TlsAlert[] BY_CODE = new TlsAlert[256];

    static {
        for (TlsAlert a : values()) {
            BY_CODE[a.code] = a;
        }
    }

    private final int code;
    private final String rfcName;
    private final String description;

    TlsAlert(int code, String rfcName, String description) {
        this.code = code;
        this.rfcName = rfcName;
        this.description = description;
    }

    /** The alert number, as the AlertDescription byte carries it. */
    public int code() {
        return code;
    }

    /** The name as RFC 8446 writes it, e.g. {@code no_application_protocol}. */
    public String rfcName() {
        return rfcName;
    }

    /** What the alert says, in a few words. */
    public String description() {
        return description;
    }

    /** The alert with this number, or null for a number outside this table (e.g. from a later RFC). */
    public static TlsAlert of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    @Override
    public String toString() {
        return rfcName + "(" + code + ")";
    }
}
