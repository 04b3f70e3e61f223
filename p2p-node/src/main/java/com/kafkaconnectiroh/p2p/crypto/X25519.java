package com.kafkaconnectiroh.p2p.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * X25519 (RFC 7748) over BouncyCastle, plus the birational maps that let an Ed25519 identity do Diffie-Hellman,
 * as iroh 0.35's disco does (IR@v0.35.0 {@code iroh/src/key.rs::{public_ed_box, secret_ed_box}}): the same
 * results as libsodium's {@code crypto_sign_ed25519_{pk,sk}_to_curve25519}.
 */
public final class X25519 {
    public static final int KEY_LEN = 32;

    static {
        org.bouncycastle.math.ec.rfc7748.X25519.precompute();
    }

    private X25519() {
    }

    /**
     * The Montgomery u-coordinate of an Ed25519 public key: u = (1 + y) / (1 − y) mod p (RFC 7748 §4.1).
     * The sign bit of x is irrelevant to u. y = 1 (the identity) maps to u = 0, as in curve25519-dalek.
     */
    public static byte[] publicFromEd25519(byte[] edPublicKey) {
        if (edPublicKey == null || edPublicKey.length != Ed25519.PUBLIC_KEY_LEN) {
            throw new IllegalArgumentException("Ed25519 public key must be 32 bytes");
        }
        byte[] yBytes = edPublicKey.clone();
        yBytes[31] &= 0x7F;
        int[] y = X25519Field.create();
        X25519Field.decode(yBytes, 0, y);
        int[] one = X25519Field.create();
        X25519Field.one(one);
        int[] num = X25519Field.create();
        int[] den = X25519Field.create();
        X25519Field.add(one, y, num);
        X25519Field.sub(one, y, den);
        X25519Field.normalize(den);
        int[] denInv = X25519Field.create();
        X25519Field.inv(den, denInv); // inverse of 0 is 0
        int[] u = X25519Field.create();
        X25519Field.mul(num, denInv, u);
        X25519Field.normalize(u);
        byte[] out = new byte[KEY_LEN];
        X25519Field.encode(u, out, 0);
        return out;
    }

    /** The X25519 secret scalar of an Ed25519 seed: the clamped first half of SHA-512(seed) (RFC 8032 §5.1.5). */
    public static byte[] secretFromEd25519Seed(byte[] seed) {
        if (seed == null || seed.length != Ed25519.SEED_LEN) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
        }
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-512").digest(seed);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 missing from the JDK", e);
        }
        byte[] s = java.util.Arrays.copyOf(h, KEY_LEN);
        java.util.Arrays.fill(h, (byte) 0);
        org.bouncycastle.math.ec.rfc7748.X25519.clampPrivateKey(s);
        return s;
    }

    public static byte[] publicKey(byte[] secret) {
        checkKey(secret, "X25519 secret key");
        byte[] pk = new byte[KEY_LEN];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(secret, 0, pk, 0);
        return pk;
    }

    /**
     * The raw shared secret, or null if the peer's point has small order (the result would be all zeros, RFC
     * 7748 §6.1); callers treat that as a hostile key.
     */
    public static byte[] sharedSecret(byte[] secret, byte[] peerPublic) {
        checkKey(secret, "X25519 secret key");
        checkKey(peerPublic, "X25519 public key");
        byte[] out = new byte[KEY_LEN];
        return org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(secret, 0, peerPublic, 0, out, 0) ? out : null;
    }

    private static void checkKey(byte[] k, String what) {
        if (k == null || k.length != KEY_LEN) {
            throw new IllegalArgumentException(what + " must be 32 bytes");
        }
    }
}
