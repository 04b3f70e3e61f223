package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.crypto.X25519;
import java.util.Random;

/**
 * The ephemeral X25519 key exchange of one handshake (RFC 8446 §7.4.2, RFC 7748), on {@link X25519} (BouncyCastle's
 * rfc7748 code): JDK 17's XDH is about three times slower, and each side computes one key pair and one agreement
 * per handshake.
 */
final class X25519KeyShare {
    static final int KEY_LEN = X25519.KEY_LEN;

    private final byte[] privateKey = new byte[KEY_LEN];
    private final byte[] publicKey;

    /** A fresh key pair (the scalar is clamped inside every multiplication). */
    X25519KeyShare(Random random) {
        random.nextBytes(privateKey);
        publicKey = X25519.publicKey(privateKey);
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
        byte[] shared = X25519.sharedSecret(privateKey, peerPublicKey);
        java.util.Arrays.fill(privateKey, (byte) 0);
        return shared;
    }

    /** Static agreement for known-answer tests. */
    static byte[] agree(byte[] privateKey, byte[] peerPublicKey) {
        return X25519.sharedSecret(privateKey, peerPublicKey);
    }
}
