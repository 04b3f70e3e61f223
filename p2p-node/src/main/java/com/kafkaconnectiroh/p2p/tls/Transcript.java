package com.kafkaconnectiroh.p2p.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The running transcript hash (RFC 8446 §4.4.1). A client sends ClientHello before it knows the suite's hash, so
 * messages are buffered until {@link #start} picks the digest.
 */
final class Transcript {
    private MessageDigest digest;
    private byte[] pending = new byte[0];

    boolean started() {
        return digest != null;
    }

    void start(CipherSuite suite) {
        try {
            digest = MessageDigest.getInstance(suite.hashAlgorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(suite.hashAlgorithm + " unavailable", e);
        }
        digest.update(pending);
        pending = null;
    }

    void add(byte[] b) {
        add(b, 0, b.length);
    }

    void add(byte[] b, int off, int len) {
        if (digest != null) {
            digest.update(b, off, len);
        } else {
            int at = pending.length;
            pending = Arrays.copyOf(pending, at + len);
            System.arraycopy(b, off, pending, at, len);
        }
    }

    /** Transcript-Hash of everything added so far; the running state is kept. */
    byte[] currentHash() {
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(digest.getAlgorithm() + " cannot be cloned", e);
        }
    }

    /**
     * After a HelloRetryRequest: replaces everything so far (ClientHello1) by the synthetic message_hash message
     * carrying its hash (RFC 8446 §4.4.1).
     */
    void replaceWithMessageHash() {
        byte[] h = digest.digest();
        digest.update((byte) HandshakeType.MESSAGE_HASH);
        digest.update((byte) 0);
        digest.update((byte) 0);
        digest.update((byte) h.length);
        digest.update(h);
    }
}
