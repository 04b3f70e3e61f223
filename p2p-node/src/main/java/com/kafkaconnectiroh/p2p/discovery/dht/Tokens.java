package com.kafkaconnectiroh.p2p.discovery.dht;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Write tokens (BEP 5 {@code get_peers} → {@code announce_peer}, BEP 44 {@code get} → {@code put}): the first 8 bytes
 * of SHA-256(secret ‖ source IP). The secret rotates every {@link #ROTATE_MILLIS} and the previous one is still
 * accepted, so a token lives 5 to 10 minutes (BEP 5: "tokens up to ten minutes old are accepted"). Stateless per
 * requester: nothing is stored per token, so handing them out costs no memory.
 */
final class Tokens {
    static final long ROTATE_MILLIS = 5 * 60_000L;
    static final int LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private byte[] current = fresh();
    private byte[] previous = fresh();
    private long rotatedAt;

    Tokens(long now) {
        rotatedAt = now;
    }

    private static byte[] fresh() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private void rotate(long now) {
        if (now - rotatedAt >= ROTATE_MILLIS) {
            previous = now - rotatedAt >= 2 * ROTATE_MILLIS ? fresh() : current;
            current = fresh();
            rotatedAt = now;
        }
    }

    byte[] issue(InetAddress to, long now) {
        rotate(now);
        return token(current, to);
    }

    boolean valid(byte[] token, InetAddress from, long now) {
        rotate(now);
        return token != null && (MessageDigest.isEqual(token, token(current, from))
                || MessageDigest.isEqual(token, token(previous, from)));
    }

    private static byte[] token(byte[] secret, InetAddress ip) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(secret);
            md.update(ip.getAddress());
            return Arrays.copyOf(md.digest(), LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
