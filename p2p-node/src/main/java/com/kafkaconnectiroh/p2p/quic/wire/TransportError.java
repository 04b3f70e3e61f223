package com.kafkaconnectiroh.p2p.quic.wire;

/** QUIC transport error codes (RFC 9000 §20.1). */
public final class TransportError {
    public static final long NO_ERROR = 0x00;
    public static final long INTERNAL_ERROR = 0x01;
    public static final long CONNECTION_REFUSED = 0x02;
    public static final long FLOW_CONTROL_ERROR = 0x03;
    public static final long STREAM_LIMIT_ERROR = 0x04;
    public static final long STREAM_STATE_ERROR = 0x05;
    public static final long FINAL_SIZE_ERROR = 0x06;
    public static final long FRAME_ENCODING_ERROR = 0x07;
    public static final long TRANSPORT_PARAMETER_ERROR = 0x08;
    public static final long CONNECTION_ID_LIMIT_ERROR = 0x09;
    public static final long PROTOCOL_VIOLATION = 0x0a;
    public static final long INVALID_TOKEN = 0x0b;
    public static final long APPLICATION_ERROR = 0x0c;
    public static final long CRYPTO_BUFFER_EXCEEDED = 0x0d;
    public static final long KEY_UPDATE_ERROR = 0x0e;
    public static final long AEAD_LIMIT_REACHED = 0x0f;
    public static final long NO_VIABLE_PATH = 0x10;
    /** CRYPTO_ERROR range start: {@code 0x100 + TLS alert}. */
    public static final long CRYPTO_ERROR = 0x100;

    private TransportError() {
    }

    /** The code's name as RFC 9000 writes it, e.g. {@code PROTOCOL_VIOLATION} or {@code CRYPTO_ERROR(0x128)}. */
    public static String name(long code) {
        if (code >= 0x100 && code <= 0x1ff) {
            return "CRYPTO_ERROR(0x" + Long.toHexString(code) + ")";
        }
        return switch ((int) Math.min(code, Integer.MAX_VALUE)) {
            case 0x00 -> "NO_ERROR";
            case 0x01 -> "INTERNAL_ERROR";
            case 0x02 -> "CONNECTION_REFUSED";
            case 0x03 -> "FLOW_CONTROL_ERROR";
            case 0x04 -> "STREAM_LIMIT_ERROR";
            case 0x05 -> "STREAM_STATE_ERROR";
            case 0x06 -> "FINAL_SIZE_ERROR";
            case 0x07 -> "FRAME_ENCODING_ERROR";
            case 0x08 -> "TRANSPORT_PARAMETER_ERROR";
            case 0x09 -> "CONNECTION_ID_LIMIT_ERROR";
            case 0x0a -> "PROTOCOL_VIOLATION";
            case 0x0b -> "INVALID_TOKEN";
            case 0x0c -> "APPLICATION_ERROR";
            case 0x0d -> "CRYPTO_BUFFER_EXCEEDED";
            case 0x0e -> "KEY_UPDATE_ERROR";
            case 0x0f -> "AEAD_LIMIT_REACHED";
            case 0x10 -> "NO_VIABLE_PATH";
            default -> "0x" + Long.toHexString(code);
        };
    }
}
