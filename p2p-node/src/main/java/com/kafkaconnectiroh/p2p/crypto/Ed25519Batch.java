package com.kafkaconnectiroh.p2p.crypto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.math.ec.rfc7748.X25519Field;

/**
 * Verifies many Ed25519 signatures (RFC 8032) at once, about three times faster per signature than one by one:
 * docs entries arrive by the thousand, each signed twice, and verifying them is most of an initial sync's work.
 *
 * <p>With random 128-bit {@code z_i}, all signatures are valid (with overwhelming probability) iff
 * {@code [8]([Σ z_i s_i]B − Σ [z_i]R_i − Σ_A [Σ_{i: A_i = A} z_i k_i]A) = 0}, where {@code k_i = SHA-512(R_i ‖ A_i
 * ‖ M_i) mod L}: one multi-scalar multiplication (Pippenger's bucket method over the {@code R_i}, whose scalars
 * are short) instead of one double-scalar multiplication per signature, and the terms of a key that signs many
 * entries (the namespace, an author) folded into one. Field arithmetic is BouncyCastle's ({@link X25519Field});
 * the group law is the complete extended-coordinate addition for a = −1 twisted Edwards curves (Hisil et al.
 * 2008), computed in place ({@code Acc}) so the inner loop allocates nothing.
 *
 * <p>Checks as a strict verifier does (ed25519-dalek's {@code verify_strict}, which iroh uses): {@code s < L},
 * canonical encodings, no key or {@code R} of small order. The one difference is the cofactor: the batch equation
 * is multiplied by 8, so a signer who adds a small-order component to {@code R} still passes (only the key holder
 * can do that). A {@code false} result means at least one is invalid: verify them one by one to find which.
 */
public final class Ed25519Batch {
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** The group order L = 2^252 + 27742317777372353535851937790883648493. */
    static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final int[] D = field(BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P));
    private static final int[] D2 = field(BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P))
            .multiply(BigInteger.TWO).mod(P));
    private static final Point BASE;
    private static final SecureRandom SEEDS = new SecureRandom();

    static {
        byte[] b = new byte[32];
        b[0] = 0x58;
        for (int i = 1; i < 32; i++) {
            b[i] = 0x66;
        }
        BASE = decompress(b, 0);
    }

    private Ed25519Batch() {
    }

    /**
     * True if every signature is valid: {@code signatures.get(i)} (64 bytes) by {@code publicKeys.get(i)} (32 bytes)
     * over {@code messages.get(i)}. False if any is invalid or malformed (which, is left to one-by-one checks).
     */
    public static boolean verifyAll(List<byte[]> publicKeys, List<byte[]> messages, List<byte[]> signatures) {
        int n = signatures.size();
        if (publicKeys.size() != n || messages.size() != n) {
            throw new IllegalArgumentException("one key and one message per signature");
        }
        if (n == 0) {
            return true;
        }
        SplittableRandom rnd = new SplittableRandom(SEEDS.nextLong());
        Map<Key, BigInteger> keyScalars = new HashMap<>();
        Map<Key, Point> keyPoints = new HashMap<>();
        Point[] rs = new Point[n];
        long[][] zs = new long[n][];
        BigInteger baseScalar = BigInteger.ZERO;
        SHA512Digest sha = new SHA512Digest();
        byte[] h = new byte[64];
        for (int i = 0; i < n; i++) {
            byte[] sig = signatures.get(i);
            byte[] pk = publicKeys.get(i);
            if (sig == null || sig.length != 64 || pk == null || pk.length != 32) {
                return false;
            }
            Key key = new Key(pk);
            Point a = keyPoints.get(key);
            if (a == null) {
                a = decompress(pk, 0);
                if (a == null || isSmallOrder(a)) {
                    return false;
                }
                keyPoints.put(key, a);
            }
            Point r = decompress(sig, 0);
            if (r == null || isSmallOrder(r)) {
                return false;
            }
            BigInteger s = littleEndian(sig, 32, 32);
            if (s.compareTo(L) >= 0) {
                return false;
            }
            byte[] msg = messages.get(i);
            sha.update(sig, 0, 32);
            sha.update(pk, 0, 32);
            sha.update(msg, 0, msg.length);
            sha.doFinal(h, 0);
            BigInteger k = littleEndian(h, 0, 64).mod(L);
            long z0 = rnd.nextLong();
            long z1 = rnd.nextLong() | 1; // never zero
            BigInteger z = new BigInteger(1, toBytes(z1, z0));
            baseScalar = baseScalar.add(z.multiply(s));
            keyScalars.merge(key, z.multiply(k), BigInteger::add);
            rs[i] = r.negate();
            zs[i] = new long[] {z0, z1};
        }
        // [Σ z s]B − Σ [z k]A − Σ [z]R must be a small-order point.
        Point sum = mul(BASE, baseScalar.mod(L));
        for (Map.Entry<Key, BigInteger> e : keyScalars.entrySet()) {
            sum = add(sum, mul(keyPoints.get(e.getKey()).negate(), e.getValue().mod(L)));
        }
        return isSmallOrder(add(sum, pippenger(rs, zs)));
    }

    // ================================================================================================
    // Scalars

    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }
    }

    private static BigInteger littleEndian(byte[] b, int off, int len) {
        byte[] be = new byte[len];
        for (int i = 0; i < len; i++) {
            be[i] = b[off + len - 1 - i];
        }
        return new BigInteger(1, be);
    }

    private static byte[] toBytes(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    /** Bits {@code [from, from+count)} of the 128-bit scalar {@code {lo, hi}}. */
    private static int bits(long[] z, int from, int count) {
        long lo = z[0];
        long hi = z[1];
        long v;
        if (from >= 64) {
            v = hi >>> (from - 64);
        } else if (from == 0) {
            v = lo;
        } else {
            v = (lo >>> from) | (hi << (64 - from));
        }
        return (int) (v & ((1L << count) - 1));
    }

    /** {@code [k]p} by double-and-add (for the few long scalars: B and the keys). */
    static Point mul(Point p, BigInteger k) {
        Scratch sc = new Scratch();
        Acc q = new Acc();
        q.set(p);
        Acc acc = new Acc();
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            acc.dbl(sc);
            if (k.testBit(i)) {
                acc.add(q, sc);
            }
        }
        return acc.toPoint();
    }

    /** {@code p + q}. */
    static Point add(Point p, Point q) {
        Scratch sc = new Scratch();
        Acc a = new Acc();
        a.set(p);
        Acc b = new Acc();
        b.set(q);
        a.add(b, sc);
        return a.toPoint();
    }

    /** {@code [2]p}. */
    static Point dbl(Point p) {
        Acc a = new Acc();
        a.set(p);
        a.dbl(new Scratch());
        return a.toPoint();
    }

    /**
     * {@code Σ [z_i]p_i} for 128-bit {@code z_i}, by buckets of {@code c}-bit digits (Pippenger). The inputs are
     * affine ({@code Z = 1}, as decoded) and are added in the cached form {@code (y+x, y−x, 2dxy)}: 7
     * multiplications per addition, done in place without allocating.
     */
    private static Point pippenger(Point[] ps, long[][] zs) {
        int n = ps.length;
        int c = n < 32 ? 3 : n < 256 ? 5 : n < 2048 ? 7 : n < 8192 ? 9 : n < 32768 ? 10 : 12;
        int windows = (128 + c - 1) / c;
        Scratch sc = new Scratch();
        Cached[] cached = new Cached[n];
        for (int i = 0; i < n; i++) {
            cached[i] = new Cached(ps[i]);
        }
        Acc result = new Acc();
        Acc[] buckets = new Acc[1 << c];
        boolean[] used = new boolean[1 << c];
        for (int j = 1; j < buckets.length; j++) {
            buckets[j] = new Acc();
        }
        Acc running = new Acc();
        Acc sum = new Acc();
        for (int w = windows - 1; w >= 0; w--) {
            for (int i = 0; i < c; i++) {
                result.dbl(sc);
            }
            java.util.Arrays.fill(used, false);
            int from = w * c;
            int count = Math.min(c, 128 - from);
            for (int i = 0; i < n; i++) {
                int digit = bits(zs[i], from, count);
                if (digit != 0) {
                    if (used[digit]) {
                        buckets[digit].addCached(cached[i], sc);
                    } else {
                        buckets[digit].set(ps[i]);
                        used[digit] = true;
                    }
                }
            }
            running.setIdentity();
            sum.setIdentity();
            for (int j = (1 << count) - 1; j >= 1; j--) {
                if (used[j]) {
                    running.add(buckets[j], sc);
                }
                sum.add(running, sc);
            }
            result.add(sum, sc);
        }
        return result.toPoint();
    }

    /** Temporaries for the in-place group law (one set per thread of work). */
    private static final class Scratch {
        final int[] a = X25519Field.create();
        final int[] b = X25519Field.create();
        final int[] c = X25519Field.create();
        final int[] d = X25519Field.create();
        final int[] e = X25519Field.create();
        final int[] f = X25519Field.create();
        final int[] g = X25519Field.create();
        final int[] h = X25519Field.create();
    }

    /** An affine point in the form additions take: {@code y+x}, {@code y−x}, {@code 2d·x·y}. */
    private static final class Cached {
        final int[] ypx = X25519Field.create();
        final int[] ymx = X25519Field.create();
        final int[] t2d = X25519Field.create();

        Cached(Point p) {
            // p is affine (Z = 1): x, y, t = xy as decoded
            fadd(p.y, p.x, ypx);
            fsub(p.y, p.x, ymx);
            X25519Field.mul(p.t, D2, t2d);
        }
    }

    /** A mutable point in extended coordinates, updated in place. */
    private static final class Acc {
        final int[] x = X25519Field.create();
        final int[] y = X25519Field.create();
        final int[] z = X25519Field.create();
        final int[] t = X25519Field.create();

        Acc() {
            setIdentity();
        }

        void setIdentity() {
            X25519Field.zero(x);
            X25519Field.one(y);
            X25519Field.one(z);
            X25519Field.zero(t);
        }

        void set(Point p) {
            X25519Field.copy(p.x, 0, x, 0);
            X25519Field.copy(p.y, 0, y, 0);
            X25519Field.copy(p.z, 0, z, 0);
            X25519Field.copy(p.t, 0, t, 0);
        }

        Point toPoint() {
            return new Point(x.clone(), y.clone(), z.clone(), t.clone());
        }

        /** this += q (q affine, cached): madd-2008-hwcd-3, 7 multiplications. */
        void addCached(Cached q, Scratch s) {
            fsub(y, x, s.a);
            X25519Field.mul(s.a, q.ymx, s.a);
            fadd(y, x, s.b);
            X25519Field.mul(s.b, q.ypx, s.b);
            X25519Field.mul(t, q.t2d, s.c);
            fadd(z, z, s.d);
            finish(s);
        }

        /** this += q: add-2008-hwcd-3, 9 multiplications. */
        void add(Acc q, Scratch s) {
            fsub(y, x, s.a);
            fsub(q.y, q.x, s.e);
            X25519Field.mul(s.a, s.e, s.a);
            fadd(y, x, s.b);
            fadd(q.y, q.x, s.e);
            X25519Field.mul(s.b, s.e, s.b);
            X25519Field.mul(t, q.t, s.c);
            X25519Field.mul(s.c, D2, s.c);
            X25519Field.mul(z, q.z, s.d);
            fadd(s.d, s.d, s.d);
            finish(s);
        }

        /** From A, B, C, D in the scratch: E = B−A, F = D−C, G = D+C, H = B+A; X = EF, Y = GH, T = EH, Z = FG. */
        private void finish(Scratch s) {
            fsub(s.b, s.a, s.e);
            fsub(s.d, s.c, s.f);
            fadd(s.d, s.c, s.g);
            fadd(s.b, s.a, s.h);
            X25519Field.mul(s.e, s.f, x);
            X25519Field.mul(s.g, s.h, y);
            X25519Field.mul(s.e, s.h, t);
            X25519Field.mul(s.f, s.g, z);
        }

        /** this = [2]this: dbl-2008-hwcd for a = −1. */
        void dbl(Scratch s) {
            X25519Field.sqr(x, s.a);
            X25519Field.sqr(y, s.b);
            X25519Field.sqr(z, s.c);
            fadd(s.c, s.c, s.c);
            fadd(x, y, s.e);
            X25519Field.sqr(s.e, s.e);
            fsub(s.e, s.a, s.e);
            fsub(s.e, s.b, s.e);
            fsub(s.b, s.a, s.g);
            fsub(s.g, s.c, s.f);
            fadd(s.a, s.b, s.h);
            X25519Field.negate(s.h, s.h);
            X25519Field.carry(s.h);
            X25519Field.mul(s.e, s.f, x);
            X25519Field.mul(s.g, s.h, y);
            X25519Field.mul(s.e, s.h, t);
            X25519Field.mul(s.f, s.g, z);
        }
    }

    private static boolean isSmallOrder(Point p) {
        Scratch sc = new Scratch();
        Acc a = new Acc();
        a.set(p);
        a.dbl(sc);
        a.dbl(sc);
        a.dbl(sc);
        return a.toPoint().isIdentity();
    }

    // ================================================================================================
    // Points

    private static int[] field(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        int[] z = X25519Field.create();
        X25519Field.decode(le, 0, z);
        return z;
    }

    /** Decodes a point (RFC 8032 §5.1.3); null if the encoding is non-canonical or not on the curve. */
    static Point decompress(byte[] b, int off) {
        int sign = (b[off + 31] & 0x80) >>> 7;
        byte[] yb = java.util.Arrays.copyOfRange(b, off, off + 32);
        yb[31] &= 0x7f;
        if (!isCanonical(yb)) {
            return null;
        }
        int[] y = X25519Field.create();
        X25519Field.decode(yb, 0, y);
        int[] u = X25519Field.create();
        int[] v = X25519Field.create();
        X25519Field.sqr(y, u);
        X25519Field.mul(D, u, v);
        X25519Field.subOne(u);
        X25519Field.addOne(v);
        int[] x = X25519Field.create();
        if (!X25519Field.sqrtRatioVar(u, v, x)) {
            return null;
        }
        X25519Field.normalize(x);
        if (X25519Field.isZeroVar(x) && sign == 1) {
            return null;
        }
        if ((x[0] & 1) != sign) {
            X25519Field.negate(x, x);
            X25519Field.normalize(x);
        }
        int[] z = X25519Field.create();
        X25519Field.one(z);
        int[] t = X25519Field.create();
        X25519Field.mul(x, y, t);
        return new Point(x, y, z, t);
    }

    /** y < p for the 255 low bits. */
    private static boolean isCanonical(byte[] y) {
        if ((y[31] & 0xff) != 0x7f) {
            return true;
        }
        for (int i = 30; i >= 1; i--) {
            if ((y[i] & 0xff) != 0xff) {
                return true;
            }
        }
        return (y[0] & 0xff) < 0xed;
    }

    /** A point in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z; a value (arithmetic: {@code Acc}). */
    static final class Point {
        final int[] x;
        final int[] y;
        final int[] z;
        final int[] t;

        Point(int[] x, int[] y, int[] z, int[] t) {
            this.x = x;
            this.y = y;
            this.z = z;
            this.t = t;
        }

        static Point identity() {
            int[] x = X25519Field.create();
            int[] y = X25519Field.create();
            int[] z = X25519Field.create();
            int[] t = X25519Field.create();
            X25519Field.one(y);
            X25519Field.one(z);
            return new Point(x, y, z, t);
        }

        Point negate() {
            int[] nx = X25519Field.create();
            int[] nt = X25519Field.create();
            X25519Field.negate(x, nx);
            X25519Field.negate(t, nt);
            return new Point(nx, y.clone(), z.clone(), nt);
        }

        boolean isIdentity() {
            int[] xx = x.clone();
            X25519Field.normalize(xx);
            int[] d = X25519Field.create();
            X25519Field.sub(y, z, d);
            X25519Field.normalize(d);
            return X25519Field.isZeroVar(xx) && X25519Field.isZeroVar(d);
        }

        /** The RFC 8032 encoding (for tests). */
        byte[] encode() {
            int[] zi = X25519Field.create();
            X25519Field.inv(z, zi);
            int[] ax = X25519Field.create();
            int[] ay = X25519Field.create();
            X25519Field.mul(x, zi, ax);
            X25519Field.mul(y, zi, ay);
            X25519Field.normalize(ax);
            X25519Field.normalize(ay);
            byte[] out = new byte[32];
            X25519Field.encode(ay, out, 0);
            out[31] |= (byte) ((ax[0] & 1) << 7);
            return out;
        }
    }

    private static void fadd(int[] a, int[] b, int[] out) {
        X25519Field.add(a, b, out);
        X25519Field.carry(out);
    }

    private static void fsub(int[] a, int[] b, int[] out) {
        X25519Field.sub(a, b, out);
        X25519Field.carry(out);
    }

    static {
        Objects.requireNonNull(BASE, "base point");
    }
}
