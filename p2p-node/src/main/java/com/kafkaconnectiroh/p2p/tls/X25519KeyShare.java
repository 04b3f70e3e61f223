package com.kafkaconnectiroh.p2p.tls;

import java.util.Random;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The ephemeral X25519 key exchange of one handshake (RFC 8446 §7.4.2, RFC 7748), on BouncyCastle's rfc7748 code:
 * JDK 17's XDH is about three times slower, and each side computes one key pair and one agreement per handshake.
 */
final class X25519KeyShare {
    static final int KEY_LEN = 32;

    static {
        X25519.precompute();
    }

    private final byte[] privateKey = new byte[KEY_LEN];
    private final byte[] publicKey = new byte[KEY_LEN];

    /** A fresh key pair (the scalar is clamped inside every multiplication). */
    X25519KeyShare(Random random) {
        random.nextBytes(privateKey);
        X25519.scalarMultBase(privateKey, 0, publicKey, 0);
    }

    byte[] publicKey() {
        return publicKey;
    }

    /**
     * The shared secret with the peer's 32-byte share, or null if it is all zeros (a small-order peer point, which
     * RFC 8446 §7.4.2 and RFC 7748 §6.1 require us to reject). The private key is wiped afterwards.
     */
    byte[] agree(byte[] peerPublicKey) {
        if (peerPublicKey.length != KEY_LEN) {
            throw new IllegalArgumentException("x25519 share must be 32 bytes, got " + peerPublicKey.length);
        }
        byte[] shared = new byte[KEY_LEN];
        boolean ok = X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0);
        java.util.Arrays.fill(privateKey, (byte) 0);
        return ok ? shared : null;
    }

    /** Static agreement for known-answer tests. */
    static byte[] agree(byte[] privateKey, byte[] peerPublicKey) {
        byte[] shared = new byte[KEY_LEN];
        return X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0) ? shared : null;
    }
}
