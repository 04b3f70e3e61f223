package com.kafkaconnectiroh.p2p.crypto;

import java.util.Arrays;

/**
 * 16 to 64 chunks (or parents) at a time in plain Java, laid out for C2's auto-vectorizer: each of the 16 state
 * words and 16 message words is an array with one element per lane, and every G step is one loop over the
 * lanes, which C2 turns into a few vector instructions (add, xor, rotate with AVX2 or AVX-512). The message
 * permutation between rounds only swaps array references. A BAO leaf (16 chunks) fills one pass; bulk hashing
 * ({@link Blake3Tree}'s 64-chunk batches) fills the widest.
 *
 * <p>Why besides the Vector API kernel: Vector API code runs about a thousand times slower than scalar code
 * until C2 has compiled it, and that compile takes seconds, so a fresh process hashing a few hundred MB never
 * gets there. This is ordinary int arithmetic in small methods, which C2 compiles within the first few MB (kernel
 * calls alone from a fresh JVM, warm-up included: 1 GiB in 64-chunk calls at 1.25 GB/s against the scalar
 * kernel's 0.39, 16-chunk calls 0.74). Without C2's vectorizer (C1 only, or {@code -XX:-UseSuperWord}) it runs at
 * about half the scalar kernel's speed, so {@link Blake3Kernels} only picks it where C2 vectorizes.
 */
final class LanesBlake3Kernel extends Blake3Kernel {
    /** Most lanes per pass; a pass takes any count from {@link #MIN_LANES} up. */
    static final int L = 64;
    static final int MIN_LANES = 16;
    private static final int WORDS_PER_CHUNK = Blake3.CHUNK_LEN / 4;
    private static final int BLOCKS_PER_CHUNK = Blake3.CHUNK_LEN / Blake3.BLOCK_LEN;
    private static final ThreadLocal<Lanes> LOCAL = ThreadLocal.withInitial(Lanes::new);

    private final Blake3Kernel scalar = new ScalarBlake3Kernel();

    /** Per-thread state: 16 state words, 16 message words, 8 chaining-value words, counters, each L lanes. */
    private static final class Lanes {
        /** State words 8-15; words 0-7 are {@link #cv}, worked on in place. */
        final int[][] v = new int[8][L];
        final int[][] m = new int[16][L];
        final int[][] cv = new int[8][L];
        final int[] counterLow = new int[L];
        final int[] counterHigh = new int[L];
    }

    @Override
    String name() {
        return "lanes-" + L;
    }

    @Override
    int lanes() {
        return L;
    }

    @Override
    void hashChunks(int[] words, int wordOff, int count, int[] key, long counter, int flags, int[] cvs, int cvOff) {
        int done = 0;
        if (count >= MIN_LANES) {
            Lanes s = LOCAL.get();
            for (int n; (n = Math.min(L, count - done)) >= MIN_LANES; done += n) {
                chunks(s, n, words, wordOff + done * WORDS_PER_CHUNK, key, counter + done, flags, cvs, cvOff + done * 8);
            }
        }
        if (done < count) {
            scalar.hashChunks(words, wordOff + done * WORDS_PER_CHUNK, count - done, key, counter + done, flags, cvs,
                    cvOff + done * 8);
        }
    }

    @Override
    void hashParents(int[] in, int inOff, int count, int[] key, int flags, int[] out, int outOff) {
        int done = 0;
        if (count >= MIN_LANES) {
            Lanes s = LOCAL.get();
            for (int n; (n = Math.min(L, count - done)) >= MIN_LANES; done += n) {
                parents(s, n, in, inOff + done * 16, key, flags, out, outOff + done * 8);
            }
        }
        if (done < count) {
            scalar.hashParents(in, inOff + done * 16, count - done, key, flags, out, outOff + done * 8);
        }
    }

    private static void chunks(Lanes s, int n, int[] words, int off, int[] key, long counter, int flags, int[] out,
            int outOff) {
        for (int w = 0; w < 8; w++) {
            Arrays.fill(s.cv[w], 0, n, key[w]);
        }
        for (int i = 0; i < n; i++) {
            s.counterLow[i] = (int) (counter + i);
            s.counterHigh[i] = (int) ((counter + i) >>> 32);
        }
        for (int b = 0; b < BLOCKS_PER_CHUNK; b++) {
            loadMessages(s.m, n, words, off + b * 16, WORDS_PER_CHUNK);
            int blockFlags = flags | (b == 0 ? Blake3.CHUNK_START : 0)
                    | (b == BLOCKS_PER_CHUNK - 1 ? Blake3.CHUNK_END : 0);
            compress(s, n, blockFlags);
        }
        storeChainingValues(s.cv, n, out, outOff);
    }

    private static void parents(Lanes s, int n, int[] in, int off, int[] key, int flags, int[] out, int outOff) {
        for (int w = 0; w < 8; w++) {
            Arrays.fill(s.cv[w], 0, n, key[w]);
        }
        Arrays.fill(s.counterLow, 0, n, 0);
        Arrays.fill(s.counterHigh, 0, n, 0);
        loadMessages(s.m, n, in, off, 16);
        compress(s, n, flags | Blake3.PARENT);
        storeChainingValues(s.cv, n, out, outOff);
    }

    /** Message word {@code w} of lane {@code i} is {@code src[off + stride * i + w]}. */
    private static void loadMessages(int[][] m, int n, int[] src, int off, int stride) {
        for (int i = 0; i < n; i++) {
            int at = off + stride * i;
            for (int w = 0; w < 16; w++) {
                m[w][i] = src[at + w];
            }
        }
    }

    /** Lane {@code i}'s chaining value goes to {@code out[off + 8 i, +8)}. */
    private static void storeChainingValues(int[][] cv, int n, int[] out, int off) {
        for (int i = 0; i < n; i++) {
            for (int w = 0; w < 8; w++) {
                out[off + 8 * i + w] = cv[w][i];
            }
        }
    }

    /** One block in every lane: {@code s.cv} and {@code s.m} in, the new chaining values in {@code s.cv}. */
    private static void compress(Lanes s, int n, int flags) {
        // State words 0-7 start as the chaining value and are worked on in place: the new chaining value is
        // their final value xor words 8-15, so nothing is copied in or out.
        int[] v0 = s.cv[0], v1 = s.cv[1], v2 = s.cv[2], v3 = s.cv[3], v4 = s.cv[4], v5 = s.cv[5], v6 = s.cv[6];
        int[] v7 = s.cv[7];
        int[][] v = s.v;
        int[] v8 = v[0], v9 = v[1], v10 = v[2], v11 = v[3], v12 = v[4], v13 = v[5], v14 = v[6], v15 = v[7];
        int[] counterLow = s.counterLow, counterHigh = s.counterHigh;
        for (int i = 0; i < n; i++) {
            v8[i] = 0x6A09E667;
            v9[i] = 0xBB67AE85;
            v10[i] = 0x3C6EF372;
            v11[i] = 0xA54FF53A;
            v12[i] = counterLow[i];
            v13[i] = counterHigh[i];
            v14[i] = Blake3.BLOCK_LEN;
            v15[i] = flags;
        }
        int[][] msg = s.m;
        int[] m0 = msg[0], m1 = msg[1], m2 = msg[2], m3 = msg[3], m4 = msg[4], m5 = msg[5], m6 = msg[6], m7 = msg[7];
        int[] m8 = msg[8], m9 = msg[9], m10 = msg[10], m11 = msg[11], m12 = msg[12], m13 = msg[13], m14 = msg[14];
        int[] m15 = msg[15];
        for (int r = 0; r < 7; r++) {
            g(n, v0, v4, v8, v12, m0, m1);
            g(n, v1, v5, v9, v13, m2, m3);
            g(n, v2, v6, v10, v14, m4, m5);
            g(n, v3, v7, v11, v15, m6, m7);
            g(n, v0, v5, v10, v15, m8, m9);
            g(n, v1, v6, v11, v12, m10, m11);
            g(n, v2, v7, v8, v13, m12, m13);
            g(n, v3, v4, v9, v14, m14, m15);
            // BLAKE3 spec §2.2: the message schedule permutes the words between rounds.
            int[] t0 = m2, t1 = m6, t2 = m3, t3 = m10, t4 = m7, t5 = m0, t6 = m4, t7 = m13;
            int[] t8 = m1, t9 = m11, t10 = m12, t11 = m5, t12 = m9, t13 = m14, t14 = m15, t15 = m8;
            m0 = t0; m1 = t1; m2 = t2; m3 = t3; m4 = t4; m5 = t5; m6 = t6; m7 = t7;
            m8 = t8; m9 = t9; m10 = t10; m11 = t11; m12 = t12; m13 = t13; m14 = t14; m15 = t15;
        }
        for (int i = 0; i < n; i++) {
            v0[i] ^= v8[i];
            v1[i] ^= v9[i];
            v2[i] ^= v10[i];
            v3[i] ^= v11[i];
            v4[i] ^= v12[i];
            v5[i] ^= v13[i];
            v6[i] ^= v14[i];
            v7[i] ^= v15[i];
        }
    }

    /** The G function (BLAKE3 spec §2.2) in every lane. */
    private static void g(int n, int[] a, int[] b, int[] c, int[] d, int[] x, int[] y) {
        for (int i = 0; i < n; i++) {
            int va = a[i] + b[i] + x[i];
            int vd = Integer.rotateRight(d[i] ^ va, 16);
            int vc = c[i] + vd;
            int vb = Integer.rotateRight(b[i] ^ vc, 12);
            va += vb + y[i];
            vd = Integer.rotateRight(vd ^ va, 8);
            vc += vd;
            vb = Integer.rotateRight(vb ^ vc, 7);
            a[i] = va;
            b[i] = vb;
            c[i] = vc;
            d[i] = vd;
        }
    }
}
