package com.kafkaconnectiroh.p2p.relay.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The opening handshake's keys (RFC 6455 §4.1, §4.2.2). */
public final class WebSocketHandshake {
    /** Appended to the client's key before hashing (RFC 6455 §1.3). */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketHandshake() {
    }

    /** A client's {@code Sec-WebSocket-Key}: 16 random bytes, base64. */
    public static String clientKey(byte[] nonce16) {
        if (nonce16.length != 16) {
            throw new IllegalArgumentException("a WebSocket key nonce is 16 bytes, got " + nonce16.length);
        }
        return Base64.getEncoder().encodeToString(nonce16);
    }

    /** Whether {@code key} is a valid {@code Sec-WebSocket-Key}: base64 of exactly 16 bytes (RFC 6455 §4.2.1). */
    public static boolean isValidClientKey(String key) {
        if (key == null || key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The server's {@code Sec-WebSocket-Accept} for a client key: base64(SHA-1(key ‖ GUID)). */
    public static String accept(String clientKey) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((clientKey + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
