package com.kafkaconnectiroh.p2p.crypto;

import java.nio.ByteBuffer;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Fork/join hashing of one BLAKE3 tree: a subtree larger than {@link Blake3#PARALLEL_MIN_LEN} forks its left
 * half (a power of two of chunks, BLAKE3 spec §2.1) and hashes its right part itself; smaller ones run serially
 * in the worker's {@link Blake3Tree}.
 */
final class Blake3Parallel extends RecursiveAction {
    private static final long serialVersionUID = 1L;

    private final transient ByteBuffer data;
    private final int pos;
    private final int len;
    private final long counter;
    private final int[] key;
    private final int flags;
    private final boolean root;
    private final int[] out;
    private final int outOff;

    private Blake3Parallel(ByteBuffer data, int pos, int len, long counter, int[] key, int flags, boolean root,
            int[] out, int outOff) {
        this.data = data;
        this.pos = pos;
        this.len = len;
        this.counter = counter;
        this.key = key;
        this.flags = flags;
        this.root = root;
        this.out = out;
        this.outOff = outOff;
    }

    /** Chaining value (root: hash) of {@code data[pos, pos+len)} starting at chunk {@code counter} into out[0..8). */
    static void subtree(ForkJoinPool pool, ByteBuffer data, int pos, int len, long counter, int[] key, int flags,
            boolean root, int[] out) {
        if (len < Blake3.PARALLEL_MIN_LEN) {
            Blake3Tree.local().subtree(data, pos, len, counter, key, flags, root, out, 0);
            return;
        }
        pool.invoke(new Blake3Parallel(data, pos, len, counter, key, flags, root, out, 0));
    }

    @Override
    protected void compute() {
        if (len < Blake3.PARALLEL_MIN_LEN) {
            Blake3Tree.local().subtree(data, pos, len, counter, key, flags, root, out, outOff);
            return;
        }
        long leftChunks = Long.highestOneBit(Blake3Tree.chunkCount(len) - 1);
        int leftLen = (int) (leftChunks * Blake3.CHUNK_LEN);
        int[] pair = new int[16];
        Blake3Parallel left = new Blake3Parallel(data, pos, leftLen, counter, key, flags, false, pair, 0);
        left.fork();
        new Blake3Parallel(data, pos + leftLen, len - leftLen, counter + leftChunks, key, flags, false, pair, 8)
                .compute();
        left.join();
        Blake3Compress.compress(key, 0, pair, 0, 0, Blake3.BLOCK_LEN,
                flags | Blake3.PARENT | (root ? Blake3.ROOT : 0), out, outOff, false);
    }
}
