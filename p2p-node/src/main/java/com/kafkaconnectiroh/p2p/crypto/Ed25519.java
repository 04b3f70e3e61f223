package com.kafkaconnectiroh.p2p.crypto;

import java.security.SecureRandom;

/**
 * Ed25519 (RFC 8032) on raw 32-byte seeds and public keys. Uses BouncyCastle's rfc8032 code: JDK 17's own
 * Ed25519 is about ten times slower, and signatures sit on every handshake's critical path.
 */
public final class Ed25519 {
    public static final int SEED_LEN = 32;
    public static final int PUBLIC_KEY_LEN = 32;
    public static final int SIGNATURE_LEN = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
    }

    private Ed25519() {
    }

    public static byte[] generateSeed() {
        byte[] seed = new byte[SEED_LEN];
        RANDOM.nextBytes(seed);
        return seed;
    }

    public static byte[] publicKey(byte[] seed) {
        checkLength(seed, SEED_LEN, "Ed25519 secret key");
        byte[] pk = new byte[PUBLIC_KEY_LEN];
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(seed, 0, pk, 0);
        return pk;
    }

    public static byte[] sign(byte[] seed, byte[] message) {
        return sign(seed, message, 0, message.length);
    }

    public static byte[] sign(byte[] seed, byte[] message, int off, int len) {
        checkLength(seed, SEED_LEN, "Ed25519 secret key");
        byte[] sig = new byte[SIGNATURE_LEN];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, message, off, len, sig, 0);
        return sig;
    }

    /**
     * Signs with the public key supplied, sparing the scalar multiplication that recomputing it costs (half the
     * time of a signature). {@code publicKey} must be the one derived from {@code seed}.
     */
    public static byte[] sign(byte[] seed, byte[] publicKey, byte[] message, int off, int len) {
        checkLength(seed, SEED_LEN, "Ed25519 secret key");
        checkLength(publicKey, PUBLIC_KEY_LEN, "Ed25519 public key");
        byte[] sig = new byte[SIGNATURE_LEN];
        org.bouncycastle.math.ec.rfc8032.Ed25519.sign(seed, 0, publicKey, 0, message, off, len, sig, 0);
        return sig;
    }

    /** False for a bad signature, a malformed key or wrong lengths; never throws on peer-supplied bytes. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return verify(publicKey, message, 0, message.length, signature);
    }

    public static boolean verify(byte[] publicKey, byte[] message, int off, int len, byte[] signature) {
        if (publicKey == null || publicKey.length != PUBLIC_KEY_LEN || signature == null || signature.length != SIGNATURE_LEN) {
            return false;
        }
        try {
            return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, publicKey, 0, message, off, len);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** True if the 32 bytes decode to a point on the curve (iroh rejects ids that do not). */
    public static boolean isValidPublicKey(byte[] publicKey) {
        return publicKey != null && publicKey.length == PUBLIC_KEY_LEN
                && org.bouncycastle.math.ec.rfc8032.Ed25519.validatePublicKeyPartial(publicKey, 0);
    }

    private static void checkLength(byte[] b, int len, String what) {
        if (b == null || b.length != len) {
            throw new IllegalArgumentException(what + " must be " + len + " bytes");
        }
    }
}
