package com.kafkaconnectiroh.p2p.crypto;

import static jdk.incubator.vector.VectorOperators.ROR;
import static jdk.incubator.vector.VectorOperators.XOR;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD kernel on the JDK's incubating Vector API: lane i of every vector belongs to chunk (or parent) i, so one
 * pass of the unrolled rounds compresses as many blocks as the CPU's preferred vector has 32-bit lanes (16 with
 * AVX-512, 8 with AVX2), the "hash many" layout of the BLAKE3 paper §5.3.
 *
 * <p>Shape, as measured on JDK 17: every vector lives in a local (vectors kept in arrays are real objects and
 * ran at 0.27 GB/s instead of 3.3); one method serves chunks and parents, because C1 cannot compile a method
 * this size ("out of virtual registers"), so it stays interpreted until C2 takes it, and a second, rarely
 * called method for parents stayed slow long after; splitting the chunk loop into one call per block got it
 * stuck in C1's tier 2 for good. {@link Blake3Kernels} warms this method up before handing work to it.
 *
 * <p>Compiled separately with {@code --add-modules jdk.incubator.vector} and only ever loaded by reflection from
 * {@link Blake3Kernels} when that module is in the boot layer; nothing else refers to this class.
 */
final class VectorBlake3Kernel extends Blake3Kernel {
    private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int WORDS_PER_CHUNK = Blake3.CHUNK_LEN / 4;
    private static final int[] IOTA = new int[L];
    private static final int BLOCKS_PER_CHUNK = Blake3.CHUNK_LEN / Blake3.BLOCK_LEN;
    private static final int[] CHUNK_STRIDE = new int[L];
    private static final int[] PARENT_STRIDE = new int[L];
    private static final int[] CV_STRIDE = new int[L];

    static {
        for (int i = 0; i < L; i++) {
            IOTA[i] = i;
            CHUNK_STRIDE[i] = i * (Blake3.CHUNK_LEN / 4);
            PARENT_STRIDE[i] = i * 16;
            CV_STRIDE[i] = i * 8;
        }
    }

    private final Blake3Kernel scalar = new ScalarBlake3Kernel();

    VectorBlake3Kernel() {
        if (L < 8) {
            // With four lanes or fewer the gathers cost more than the parallel rounds gain.
            throw new UnsupportedOperationException("preferred vector has only " + L + " int lanes");
        }
    }

    @Override
    String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    int lanes() {
        return L;
    }

    @Override
    void hashChunks(int[] words, int wordOff, int count, int[] key, long counter, int flags, int[] cvs, int cvOff) {
        int done = 0;
        for (; done + L <= count; done += L) {
            compressWide(words, wordOff + done * WORDS_PER_CHUNK, CHUNK_STRIDE, BLOCKS_PER_CHUNK, key, counter + done,
                    true, flags, cvs, cvOff + done * 8);
        }
        if (done < count) {
            scalar.hashChunks(words, wordOff + done * WORDS_PER_CHUNK, count - done, key, counter + done, flags, cvs,
                    cvOff + done * 8);
        }
    }

    @Override
    void hashParents(int[] in, int inOff, int count, int[] key, int flags, int[] out, int outOff) {
        int done = 0;
        for (; done + L <= count; done += L) {
            compressWide(in, inOff + done * 16, PARENT_STRIDE, 1, key, 0, false, flags | Blake3.PARENT, out,
                    outOff + done * 8);
        }
        if (done < count) {
            scalar.hashParents(in, inOff + done * 16, count - done, key, flags, out, outOff + done * 8);
        }
    }

    /**
     * {@code blocks} full blocks for every lane, chained: lane i's first block's 16 message words start at
     * {@code msg[base + stride[i]]}, its next blocks follow. With {@code chunks} the blocks are a chunk's (start
     * and end flags, counter {@code counter + i} for lane i); otherwise one parent block per lane (counter 0).
     * Chunks and parents share this one method so C2 compiles, and the warm-up warms, a single piece of code.
     */
    private static void compressWide(int[] msg, int base, int[] stride, int blocks, int[] key, long counter,
            boolean chunks, int flags, int[] out, int outOff) {
        IntVector c0 = IntVector.broadcast(S, key[0]), c1 = IntVector.broadcast(S, key[1]);
        IntVector c2 = IntVector.broadcast(S, key[2]), c3 = IntVector.broadcast(S, key[3]);
        IntVector c4 = IntVector.broadcast(S, key[4]), c5 = IntVector.broadcast(S, key[5]);
        IntVector c6 = IntVector.broadcast(S, key[6]), c7 = IntVector.broadcast(S, key[7]);
        IntVector counterLow;
        IntVector counterHigh;
        if (!chunks) {
            counterLow = IntVector.broadcast(S, (int) counter);
            counterHigh = IntVector.broadcast(S, (int) (counter >>> 32));
        } else if ((counter & 0xFFFF_FFFFL) + L - 1 <= 0xFFFF_FFFFL) {
            counterLow = IntVector.fromArray(S, IOTA, 0).add((int) counter);
            counterHigh = IntVector.broadcast(S, (int) (counter >>> 32));
        } else {
            // The low counter word wraps inside this batch (only past 4 TiB into a blob).
            int[] words = new int[2 * L];
            for (int i = 0; i < L; i++) {
                words[i] = (int) (counter + i);
                words[L + i] = (int) ((counter + i) >>> 32);
            }
            counterLow = IntVector.fromArray(S, words, 0);
            counterHigh = IntVector.fromArray(S, words, L);
        }
        IntVector blockLen = IntVector.broadcast(S, Blake3.BLOCK_LEN);
        for (int b = 0; b < blocks; b++) {
            int at = base + b * 16;
            IntVector m0 = IntVector.fromArray(S, msg, at, stride, 0);
            IntVector m1 = IntVector.fromArray(S, msg, at + 1, stride, 0);
            IntVector m2 = IntVector.fromArray(S, msg, at + 2, stride, 0);
            IntVector m3 = IntVector.fromArray(S, msg, at + 3, stride, 0);
            IntVector m4 = IntVector.fromArray(S, msg, at + 4, stride, 0);
            IntVector m5 = IntVector.fromArray(S, msg, at + 5, stride, 0);
            IntVector m6 = IntVector.fromArray(S, msg, at + 6, stride, 0);
            IntVector m7 = IntVector.fromArray(S, msg, at + 7, stride, 0);
            IntVector m8 = IntVector.fromArray(S, msg, at + 8, stride, 0);
            IntVector m9 = IntVector.fromArray(S, msg, at + 9, stride, 0);
            IntVector m10 = IntVector.fromArray(S, msg, at + 10, stride, 0);
            IntVector m11 = IntVector.fromArray(S, msg, at + 11, stride, 0);
            IntVector m12 = IntVector.fromArray(S, msg, at + 12, stride, 0);
            IntVector m13 = IntVector.fromArray(S, msg, at + 13, stride, 0);
            IntVector m14 = IntVector.fromArray(S, msg, at + 14, stride, 0);
            IntVector m15 = IntVector.fromArray(S, msg, at + 15, stride, 0);
            int blockFlags = !chunks ? flags : flags | (b == 0 ? Blake3.CHUNK_START : 0)
                    | (b == blocks - 1 ? Blake3.CHUNK_END : 0);
            IntVector v0 = c0, v1 = c1, v2 = c2, v3 = c3, v4 = c4, v5 = c5, v6 = c6, v7 = c7;
            IntVector v8 = IntVector.broadcast(S, Blake3.IV[0]), v9 = IntVector.broadcast(S, Blake3.IV[1]);
            IntVector v10 = IntVector.broadcast(S, Blake3.IV[2]), v11 = IntVector.broadcast(S, Blake3.IV[3]);
            IntVector v12 = counterLow, v13 = counterHigh, v14 = blockLen;
            IntVector v15 = IntVector.broadcast(S, blockFlags);
            v0=v0.add(v4).add(m0); v12=v12.lanewise(XOR,v0).lanewise(ROR,16); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,12);
            v0=v0.add(v4).add(m1); v12=v12.lanewise(XOR,v0).lanewise(ROR,8); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,7);
            v1=v1.add(v5).add(m2); v13=v13.lanewise(XOR,v1).lanewise(ROR,16); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,12);
            v1=v1.add(v5).add(m3); v13=v13.lanewise(XOR,v1).lanewise(ROR,8); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,7);
            v2=v2.add(v6).add(m4); v14=v14.lanewise(XOR,v2).lanewise(ROR,16); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,12);
            v2=v2.add(v6).add(m5); v14=v14.lanewise(XOR,v2).lanewise(ROR,8); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,7);
            v3=v3.add(v7).add(m6); v15=v15.lanewise(XOR,v3).lanewise(ROR,16); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,12);
            v3=v3.add(v7).add(m7); v15=v15.lanewise(XOR,v3).lanewise(ROR,8); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,7);
            v0=v0.add(v5).add(m8); v15=v15.lanewise(XOR,v0).lanewise(ROR,16); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,12);
            v0=v0.add(v5).add(m9); v15=v15.lanewise(XOR,v0).lanewise(ROR,8); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,7);
            v1=v1.add(v6).add(m10); v12=v12.lanewise(XOR,v1).lanewise(ROR,16); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,12);
            v1=v1.add(v6).add(m11); v12=v12.lanewise(XOR,v1).lanewise(ROR,8); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,7);
            v2=v2.add(v7).add(m12); v13=v13.lanewise(XOR,v2).lanewise(ROR,16); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,12);
            v2=v2.add(v7).add(m13); v13=v13.lanewise(XOR,v2).lanewise(ROR,8); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,7);
            v3=v3.add(v4).add(m14); v14=v14.lanewise(XOR,v3).lanewise(ROR,16); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,12);
            v3=v3.add(v4).add(m15); v14=v14.lanewise(XOR,v3).lanewise(ROR,8); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,7);
            v0=v0.add(v4).add(m2); v12=v12.lanewise(XOR,v0).lanewise(ROR,16); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,12);
            v0=v0.add(v4).add(m6); v12=v12.lanewise(XOR,v0).lanewise(ROR,8); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,7);
            v1=v1.add(v5).add(m3); v13=v13.lanewise(XOR,v1).lanewise(ROR,16); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,12);
            v1=v1.add(v5).add(m10); v13=v13.lanewise(XOR,v1).lanewise(ROR,8); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,7);
            v2=v2.add(v6).add(m7); v14=v14.lanewise(XOR,v2).lanewise(ROR,16); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,12);
            v2=v2.add(v6).add(m0); v14=v14.lanewise(XOR,v2).lanewise(ROR,8); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,7);
            v3=v3.add(v7).add(m4); v15=v15.lanewise(XOR,v3).lanewise(ROR,16); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,12);
            v3=v3.add(v7).add(m13); v15=v15.lanewise(XOR,v3).lanewise(ROR,8); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,7);
            v0=v0.add(v5).add(m1); v15=v15.lanewise(XOR,v0).lanewise(ROR,16); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,12);
            v0=v0.add(v5).add(m11); v15=v15.lanewise(XOR,v0).lanewise(ROR,8); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,7);
            v1=v1.add(v6).add(m12); v12=v12.lanewise(XOR,v1).lanewise(ROR,16); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,12);
            v1=v1.add(v6).add(m5); v12=v12.lanewise(XOR,v1).lanewise(ROR,8); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,7);
            v2=v2.add(v7).add(m9); v13=v13.lanewise(XOR,v2).lanewise(ROR,16); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,12);
            v2=v2.add(v7).add(m14); v13=v13.lanewise(XOR,v2).lanewise(ROR,8); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,7);
            v3=v3.add(v4).add(m15); v14=v14.lanewise(XOR,v3).lanewise(ROR,16); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,12);
            v3=v3.add(v4).add(m8); v14=v14.lanewise(XOR,v3).lanewise(ROR,8); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,7);
            v0=v0.add(v4).add(m3); v12=v12.lanewise(XOR,v0).lanewise(ROR,16); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,12);
            v0=v0.add(v4).add(m4); v12=v12.lanewise(XOR,v0).lanewise(ROR,8); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,7);
            v1=v1.add(v5).add(m10); v13=v13.lanewise(XOR,v1).lanewise(ROR,16); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,12);
            v1=v1.add(v5).add(m12); v13=v13.lanewise(XOR,v1).lanewise(ROR,8); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,7);
            v2=v2.add(v6).add(m13); v14=v14.lanewise(XOR,v2).lanewise(ROR,16); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,12);
            v2=v2.add(v6).add(m2); v14=v14.lanewise(XOR,v2).lanewise(ROR,8); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,7);
            v3=v3.add(v7).add(m7); v15=v15.lanewise(XOR,v3).lanewise(ROR,16); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,12);
            v3=v3.add(v7).add(m14); v15=v15.lanewise(XOR,v3).lanewise(ROR,8); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,7);
            v0=v0.add(v5).add(m6); v15=v15.lanewise(XOR,v0).lanewise(ROR,16); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,12);
            v0=v0.add(v5).add(m5); v15=v15.lanewise(XOR,v0).lanewise(ROR,8); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,7);
            v1=v1.add(v6).add(m9); v12=v12.lanewise(XOR,v1).lanewise(ROR,16); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,12);
            v1=v1.add(v6).add(m0); v12=v12.lanewise(XOR,v1).lanewise(ROR,8); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,7);
            v2=v2.add(v7).add(m11); v13=v13.lanewise(XOR,v2).lanewise(ROR,16); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,12);
            v2=v2.add(v7).add(m15); v13=v13.lanewise(XOR,v2).lanewise(ROR,8); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,7);
            v3=v3.add(v4).add(m8); v14=v14.lanewise(XOR,v3).lanewise(ROR,16); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,12);
            v3=v3.add(v4).add(m1); v14=v14.lanewise(XOR,v3).lanewise(ROR,8); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,7);
            v0=v0.add(v4).add(m10); v12=v12.lanewise(XOR,v0).lanewise(ROR,16); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,12);
            v0=v0.add(v4).add(m7); v12=v12.lanewise(XOR,v0).lanewise(ROR,8); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,7);
            v1=v1.add(v5).add(m12); v13=v13.lanewise(XOR,v1).lanewise(ROR,16); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,12);
            v1=v1.add(v5).add(m9); v13=v13.lanewise(XOR,v1).lanewise(ROR,8); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,7);
            v2=v2.add(v6).add(m14); v14=v14.lanewise(XOR,v2).lanewise(ROR,16); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,12);
            v2=v2.add(v6).add(m3); v14=v14.lanewise(XOR,v2).lanewise(ROR,8); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,7);
            v3=v3.add(v7).add(m13); v15=v15.lanewise(XOR,v3).lanewise(ROR,16); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,12);
            v3=v3.add(v7).add(m15); v15=v15.lanewise(XOR,v3).lanewise(ROR,8); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,7);
            v0=v0.add(v5).add(m4); v15=v15.lanewise(XOR,v0).lanewise(ROR,16); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,12);
            v0=v0.add(v5).add(m0); v15=v15.lanewise(XOR,v0).lanewise(ROR,8); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,7);
            v1=v1.add(v6).add(m11); v12=v12.lanewise(XOR,v1).lanewise(ROR,16); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,12);
            v1=v1.add(v6).add(m2); v12=v12.lanewise(XOR,v1).lanewise(ROR,8); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,7);
            v2=v2.add(v7).add(m5); v13=v13.lanewise(XOR,v2).lanewise(ROR,16); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,12);
            v2=v2.add(v7).add(m8); v13=v13.lanewise(XOR,v2).lanewise(ROR,8); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,7);
            v3=v3.add(v4).add(m1); v14=v14.lanewise(XOR,v3).lanewise(ROR,16); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,12);
            v3=v3.add(v4).add(m6); v14=v14.lanewise(XOR,v3).lanewise(ROR,8); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,7);
            v0=v0.add(v4).add(m12); v12=v12.lanewise(XOR,v0).lanewise(ROR,16); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,12);
            v0=v0.add(v4).add(m13); v12=v12.lanewise(XOR,v0).lanewise(ROR,8); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,7);
            v1=v1.add(v5).add(m9); v13=v13.lanewise(XOR,v1).lanewise(ROR,16); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,12);
            v1=v1.add(v5).add(m11); v13=v13.lanewise(XOR,v1).lanewise(ROR,8); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,7);
            v2=v2.add(v6).add(m15); v14=v14.lanewise(XOR,v2).lanewise(ROR,16); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,12);
            v2=v2.add(v6).add(m10); v14=v14.lanewise(XOR,v2).lanewise(ROR,8); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,7);
            v3=v3.add(v7).add(m14); v15=v15.lanewise(XOR,v3).lanewise(ROR,16); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,12);
            v3=v3.add(v7).add(m8); v15=v15.lanewise(XOR,v3).lanewise(ROR,8); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,7);
            v0=v0.add(v5).add(m7); v15=v15.lanewise(XOR,v0).lanewise(ROR,16); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,12);
            v0=v0.add(v5).add(m2); v15=v15.lanewise(XOR,v0).lanewise(ROR,8); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,7);
            v1=v1.add(v6).add(m5); v12=v12.lanewise(XOR,v1).lanewise(ROR,16); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,12);
            v1=v1.add(v6).add(m3); v12=v12.lanewise(XOR,v1).lanewise(ROR,8); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,7);
            v2=v2.add(v7).add(m0); v13=v13.lanewise(XOR,v2).lanewise(ROR,16); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,12);
            v2=v2.add(v7).add(m1); v13=v13.lanewise(XOR,v2).lanewise(ROR,8); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,7);
            v3=v3.add(v4).add(m6); v14=v14.lanewise(XOR,v3).lanewise(ROR,16); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,12);
            v3=v3.add(v4).add(m4); v14=v14.lanewise(XOR,v3).lanewise(ROR,8); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,7);
            v0=v0.add(v4).add(m9); v12=v12.lanewise(XOR,v0).lanewise(ROR,16); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,12);
            v0=v0.add(v4).add(m14); v12=v12.lanewise(XOR,v0).lanewise(ROR,8); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,7);
            v1=v1.add(v5).add(m11); v13=v13.lanewise(XOR,v1).lanewise(ROR,16); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,12);
            v1=v1.add(v5).add(m5); v13=v13.lanewise(XOR,v1).lanewise(ROR,8); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,7);
            v2=v2.add(v6).add(m8); v14=v14.lanewise(XOR,v2).lanewise(ROR,16); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,12);
            v2=v2.add(v6).add(m12); v14=v14.lanewise(XOR,v2).lanewise(ROR,8); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,7);
            v3=v3.add(v7).add(m15); v15=v15.lanewise(XOR,v3).lanewise(ROR,16); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,12);
            v3=v3.add(v7).add(m1); v15=v15.lanewise(XOR,v3).lanewise(ROR,8); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,7);
            v0=v0.add(v5).add(m13); v15=v15.lanewise(XOR,v0).lanewise(ROR,16); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,12);
            v0=v0.add(v5).add(m3); v15=v15.lanewise(XOR,v0).lanewise(ROR,8); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,7);
            v1=v1.add(v6).add(m0); v12=v12.lanewise(XOR,v1).lanewise(ROR,16); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,12);
            v1=v1.add(v6).add(m10); v12=v12.lanewise(XOR,v1).lanewise(ROR,8); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,7);
            v2=v2.add(v7).add(m2); v13=v13.lanewise(XOR,v2).lanewise(ROR,16); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,12);
            v2=v2.add(v7).add(m6); v13=v13.lanewise(XOR,v2).lanewise(ROR,8); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,7);
            v3=v3.add(v4).add(m4); v14=v14.lanewise(XOR,v3).lanewise(ROR,16); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,12);
            v3=v3.add(v4).add(m7); v14=v14.lanewise(XOR,v3).lanewise(ROR,8); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,7);
            v0=v0.add(v4).add(m11); v12=v12.lanewise(XOR,v0).lanewise(ROR,16); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,12);
            v0=v0.add(v4).add(m15); v12=v12.lanewise(XOR,v0).lanewise(ROR,8); v8=v8.add(v12); v4=v4.lanewise(XOR,v8).lanewise(ROR,7);
            v1=v1.add(v5).add(m5); v13=v13.lanewise(XOR,v1).lanewise(ROR,16); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,12);
            v1=v1.add(v5).add(m0); v13=v13.lanewise(XOR,v1).lanewise(ROR,8); v9=v9.add(v13); v5=v5.lanewise(XOR,v9).lanewise(ROR,7);
            v2=v2.add(v6).add(m1); v14=v14.lanewise(XOR,v2).lanewise(ROR,16); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,12);
            v2=v2.add(v6).add(m9); v14=v14.lanewise(XOR,v2).lanewise(ROR,8); v10=v10.add(v14); v6=v6.lanewise(XOR,v10).lanewise(ROR,7);
            v3=v3.add(v7).add(m8); v15=v15.lanewise(XOR,v3).lanewise(ROR,16); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,12);
            v3=v3.add(v7).add(m6); v15=v15.lanewise(XOR,v3).lanewise(ROR,8); v11=v11.add(v15); v7=v7.lanewise(XOR,v11).lanewise(ROR,7);
            v0=v0.add(v5).add(m14); v15=v15.lanewise(XOR,v0).lanewise(ROR,16); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,12);
            v0=v0.add(v5).add(m10); v15=v15.lanewise(XOR,v0).lanewise(ROR,8); v10=v10.add(v15); v5=v5.lanewise(XOR,v10).lanewise(ROR,7);
            v1=v1.add(v6).add(m2); v12=v12.lanewise(XOR,v1).lanewise(ROR,16); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,12);
            v1=v1.add(v6).add(m12); v12=v12.lanewise(XOR,v1).lanewise(ROR,8); v11=v11.add(v12); v6=v6.lanewise(XOR,v11).lanewise(ROR,7);
            v2=v2.add(v7).add(m3); v13=v13.lanewise(XOR,v2).lanewise(ROR,16); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,12);
            v2=v2.add(v7).add(m4); v13=v13.lanewise(XOR,v2).lanewise(ROR,8); v8=v8.add(v13); v7=v7.lanewise(XOR,v8).lanewise(ROR,7);
            v3=v3.add(v4).add(m7); v14=v14.lanewise(XOR,v3).lanewise(ROR,16); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,12);
            v3=v3.add(v4).add(m13); v14=v14.lanewise(XOR,v3).lanewise(ROR,8); v9=v9.add(v14); v4=v4.lanewise(XOR,v9).lanewise(ROR,7);
            c0 = v0.lanewise(XOR, v8);
            c1 = v1.lanewise(XOR, v9);
            c2 = v2.lanewise(XOR, v10);
            c3 = v3.lanewise(XOR, v11);
            c4 = v4.lanewise(XOR, v12);
            c5 = v5.lanewise(XOR, v13);
            c6 = v6.lanewise(XOR, v14);
            c7 = v7.lanewise(XOR, v15);
        }
        storeTransposed(c0, c1, c2, c3, c4, c5, c6, c7, out, outOff);
    }

    /** Writes word j of lane i to {@code out[off + 8 i + j]}: each lane's chaining value lands contiguously. */
    private static void storeTransposed(IntVector w0, IntVector w1, IntVector w2, IntVector w3, IntVector w4,
            IntVector w5, IntVector w6, IntVector w7, int[] out, int off) {
        w0.intoArray(out, off, CV_STRIDE, 0);
        w1.intoArray(out, off + 1, CV_STRIDE, 0);
        w2.intoArray(out, off + 2, CV_STRIDE, 0);
        w3.intoArray(out, off + 3, CV_STRIDE, 0);
        w4.intoArray(out, off + 4, CV_STRIDE, 0);
        w5.intoArray(out, off + 5, CV_STRIDE, 0);
        w6.intoArray(out, off + 6, CV_STRIDE, 0);
        w7.intoArray(out, off + 7, CV_STRIDE, 0);
    }
}
