package com.kafkaconnectiroh.p2p.crypto;

import java.util.Random;

/**
 * X25519 Diffie-Hellman (RFC 7748) on raw 32-byte keys. Uses BouncyCastle's rfc7748 code: JDK 17's XDH is about
 * three times slower, and one agreement per side sits on every handshake's critical path.
 */
public final class X25519 {
    public static final int KEY_LEN = 32;

    static {
        org.bouncycastle.math.ec.rfc7748.X25519.precompute();
    }

    private X25519() {
    }

    /** A fresh private key (clamping happens inside every scalar multiplication). */
    public static byte[] generatePrivateKey(Random random) {
        byte[] k = new byte[KEY_LEN];
        random.nextBytes(k);
        return k;
    }

    public static byte[] publicKey(byte[] privateKey) {
        checkLength(privateKey, "X25519 private key");
        byte[] pub = new byte[KEY_LEN];
        org.bouncycastle.math.ec.rfc7748.X25519.generatePublicKey(privateKey, 0, pub, 0);
        return pub;
    }

    /**
     * The shared secret X25519(privateKey, peerPublicKey), or null when it is all zeros (a small-order peer key,
     * which RFC 8446 §7.4.2 and RFC 7748 §6.1 require us to reject). Never throws on peer-supplied 32 bytes.
     */
    public static byte[] agree(byte[] privateKey, byte[] peerPublicKey) {
        checkLength(privateKey, "X25519 private key");
        checkLength(peerPublicKey, "X25519 public key");
        byte[] shared = new byte[KEY_LEN];
        boolean ok = org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(privateKey, 0, peerPublicKey, 0, shared, 0);
        return ok ? shared : null;
    }

    private static void checkLength(byte[] b, String what) {
        if (b == null || b.length != KEY_LEN) {
            throw new IllegalArgumentException(what + " must be " + KEY_LEN + " bytes, got " + (b == null ? "null" : b.length));
        }
    }
}
