package com.kafkaconnectiroh.p2p.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Batch verification agrees with one-by-one verification (BouncyCastle) on valid and every kind of invalid input. */
class Ed25519BatchTest {
    record Batch(List<byte[]> keys, List<byte[]> messages, List<byte[]> signatures) {
        Batch copy() {
            return new Batch(new ArrayList<>(keys), new ArrayList<>(messages), new ArrayList<>(signatures));
        }

        boolean verify() {
            return Ed25519Batch.verifyAll(keys, messages, signatures);
        }
    }

    static Batch batch(int n, int keys, long seed) {
        Random rnd = new Random(seed);
        byte[][] seeds = new byte[keys][32];
        byte[][] pks = new byte[keys][];
        for (int k = 0; k < keys; k++) {
            rnd.nextBytes(seeds[k]);
            pks[k] = Ed25519.publicKey(seeds[k]);
        }
        Batch b = new Batch(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(keys);
            byte[] msg = new byte[rnd.nextInt(200)];
            rnd.nextBytes(msg);
            b.keys.add(pks[k]);
            b.messages.add(msg);
            b.signatures.add(Ed25519.sign(seeds[k], msg));
        }
        return b;
    }

    @Test
    void pointArithmeticMatchesTheCurve() {
        byte[] baseEnc = new byte[32];
        baseEnc[0] = 0x58;
        for (int i = 1; i < 32; i++) {
            baseEnc[i] = 0x66;
        }
        Ed25519Batch.Point b = Ed25519Batch.decompress(baseEnc, 0);
        assertArrayEquals(baseEnc, b.encode());
        assertArrayEquals(Ed25519Batch.dbl(b).encode(), Ed25519Batch.add(b, b).encode());
        assertArrayEquals(Ed25519Batch.add(Ed25519Batch.dbl(b), b).encode(), Ed25519Batch.mul(b, BigInteger.valueOf(3)).encode());
        assertTrue(Ed25519Batch.mul(b, Ed25519Batch.L).isIdentity(), "[L]B = 0");
        // a public key is [a]B for the clamped scalar a; compare with BouncyCastle's key derivation
        byte[] seed = new byte[32];
        new Random(3).nextBytes(seed);
        byte[] h = new byte[64];
        org.bouncycastle.crypto.digests.SHA512Digest sha = new org.bouncycastle.crypto.digests.SHA512Digest();
        sha.update(seed, 0, 32);
        sha.doFinal(h, 0);
        h[0] &= (byte) 0xf8;
        h[31] &= 0x7f;
        h[31] |= 0x40;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = h[31 - i];
        }
        assertArrayEquals(Ed25519.publicKey(seed), Ed25519Batch.mul(b, new BigInteger(1, be)).encode());
        // not on the curve / non-canonical
        byte[] bad = baseEnc.clone();
        bad[0] = 2;
        assertNull(Ed25519Batch.decompress(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, 0));
    }

    @Test
    void validBatchesPass() {
        for (int n : new int[] {1, 2, 7, 100, 1500}) {
            assertTrue(batch(n, 1 + n % 3, n).verify(), "n=" + n);
        }
    }

    @Test
    void anySingleBadSignatureFailsTheBatch() {
        Batch good = batch(300, 2, 77);
        Random rnd = new Random(5);
        for (int trial = 0; trial < 60; trial++) {
            Batch b = good.copy();
            int i = rnd.nextInt(300);
            switch (trial % 5) {
                case 0 -> {
                    byte[] s = b.signatures.get(i).clone();
                    s[rnd.nextInt(64)] ^= (byte) (1 << rnd.nextInt(8));
                    b.signatures.set(i, s);
                }
                case 1 -> {
                    byte[] m = b.messages.get(i).clone();
                    b.messages.set(i, m.length == 0 ? new byte[] {1} : flip(m, rnd));
                }
                case 2 -> b.keys.set(i, b.keys.get((i + 1) % 300).equals(b.keys.get(i)) ? Ed25519.publicKey(new byte[32]) : b.keys.get((i + 1) % 300));
                case 3 -> {
                    // s + L: the same point, non-canonical scalar
                    byte[] s = b.signatures.get(i).clone();
                    BigInteger v = le(s, 32).add(Ed25519Batch.L);
                    byte[] out = toLe(v);
                    System.arraycopy(out, 0, s, 32, 32);
                    b.signatures.set(i, s);
                }
                default -> {
                    // R of small order (the identity, encoded as y = 1)
                    byte[] s = b.signatures.get(i).clone();
                    java.util.Arrays.fill(s, 0, 32, (byte) 0);
                    s[0] = 1;
                    b.signatures.set(i, s);
                }
            }
            boolean oneByOne = true;
            for (int j = 0; j < 300; j++) {
                oneByOne &= Ed25519.verify(b.keys.get(j), b.messages.get(j), b.signatures.get(j));
            }
            assertFalse(oneByOne, "trial " + trial + " makes an invalid signature");
            assertFalse(b.verify(), "trial " + trial);
        }
    }

    static byte[] flip(byte[] m, Random rnd) {
        m[rnd.nextInt(m.length)] ^= 1;
        return m;
    }

    static BigInteger le(byte[] b, int off) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = b[off + 31 - i];
        }
        return new BigInteger(1, be);
    }

    static byte[] toLe(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }

    @Test
    void fasterThanOneByOne() {
        Batch b = batch(4000, 2, 9);
        for (int warm = 0; warm < 3; warm++) {
            b.verify();
        }
        long t0 = System.nanoTime();
        assertTrue(b.verify());
        long batch = System.nanoTime() - t0;
        t0 = System.nanoTime();
        for (int i = 0; i < 4000; i++) {
            Ed25519.verify(b.keys.get(i), b.messages.get(i), b.signatures.get(i));
        }
        long single = System.nanoTime() - t0;
        System.out.printf("4000 signatures: batch %.1f us each, one by one %.1f us each%n", batch / 4000e3, single / 4000e3);
    }
}
