package com.kafkaconnectiroh.p2p.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Serial hashing of BLAKE3 subtrees (BLAKE3 spec §2.1, §5.1) with reusable scratch, so hashing allocates
 * nothing per chunk. Not thread-safe: one instance per thread ({@link #local()}).
 *
 * <p>Inputs are {@link ByteBuffer}s addressed absolutely (position and limit are ignored), so heap arrays,
 * direct buffers and mapped files take the same path. Whole chunks are turned into little-endian words in bulk
 * and hashed {@link #BATCH_CHUNKS} at a time by the {@link Blake3Kernel}.
 */
final class Blake3Tree {
    /** Chunks per kernel call: 64 KiB of input, 64 KiB of words and 2 KiB of chaining values of scratch. */
    static final int BATCH_CHUNKS = 64;
    private static final int WORDS_PER_CHUNK = Blake3.CHUNK_LEN / 4;
    private static final int MAX_DEPTH = 64;

    private static final ThreadLocal<Blake3Tree> LOCAL = ThreadLocal.withInitial(() -> new Blake3Tree(null));

    /** A kernel fixed for tests; null: whichever {@link Blake3Kernels#active()} is at the time. */
    private final Blake3Kernel pinned;
    private final int[] words = new int[BATCH_CHUNKS * WORDS_PER_CHUNK];
    private final int[] cvs = new int[BATCH_CHUNKS * 8];
    /** Completed batch CVs of a large full subtree, merged like the incremental hasher's stack. */
    private final int[] mergeStack = new int[(MAX_DEPTH + 1) * 8];
    /** One (left CV, right CV) message per recursion level of {@link #subtree}. */
    private final int[] pairs = new int[MAX_DEPTH * 16];
    private final int[] blockWords = new int[16];
    /** 16 words for callers on this thread (one-shot results, parent messages); never used by this class. */
    final int[] scratch = new int[16];
    private final byte[] blockBytes = new byte[Blake3.BLOCK_LEN];
    private int depth;

    Blake3Tree(Blake3Kernel pinned) {
        this.pinned = pinned;
    }

    static Blake3Tree local() {
        return LOCAL.get();
    }

    /** Number of chunks {@code len} bytes occupy; the empty input is one (empty) chunk. */
    static long chunkCount(long len) {
        return len == 0 ? 1 : (len + Blake3.CHUNK_LEN - 1) / Blake3.CHUNK_LEN;
    }

    /**
     * Chaining value of the subtree over {@code data[pos, pos+len)} whose first chunk has index {@code counter}.
     * Any length (the last chunk may be partial); with {@code root} the result is the first 32 bytes of the root
     * output, i.e. the hash of a blob that is exactly this subtree.
     */
    void subtree(ByteBuffer data, int pos, int len, long counter, int[] key, int flags, boolean root, int[] out,
            int outOff) {
        long n = chunkCount(len);
        if (n == 1) {
            chunk(data, pos, len, counter, key, flags, root, out, outOff);
            return;
        }
        if (!root && len == n * Blake3.CHUNK_LEN && Long.bitCount(n) == 1) {
            fullSubtree(data, pos, n, counter, key, flags, out, outOff);
            return;
        }
        // BLAKE3 spec §2.1: the left subtree holds the largest power of two of chunks smaller than n.
        long leftChunks = Long.highestOneBit(n - 1);
        int leftLen = (int) (leftChunks * Blake3.CHUNK_LEN);
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("BLAKE3 subtree deeper than " + MAX_DEPTH);
        }
        int pair = 16 * depth++;
        try {
            fullSubtree(data, pos, leftChunks, counter, key, flags, pairs, pair);
            subtree(data, pos + leftLen, len - leftLen, counter + leftChunks, key, flags, false, pairs, pair + 8);
            Blake3Compress.compress(key, 0, pairs, pair, 0, Blake3.BLOCK_LEN,
                    flags | Blake3.PARENT | (root ? Blake3.ROOT : 0), out, outOff, false);
        } finally {
            depth--;
        }
    }

    /**
     * Non-root chaining value of {@code chunks} whole chunks (a power of two) at {@code data[pos, ...)}, the
     * first with index {@code counter}.
     */
    void fullSubtree(ByteBuffer data, int pos, long chunks, long counter, int[] key, int flags, int[] out,
            int outOff) {
        Blake3Kernel kernel = pinned != null ? pinned : Blake3Kernels.active();
        if (chunks >= BATCH_CHUNKS) {
            Blake3Kernels.noteBulkUse(chunks * Blake3.CHUNK_LEN);
        }
        if (chunks <= BATCH_CHUNKS) {
            int n = (int) chunks;
            loadWords(data, pos, n);
            kernel.hashChunks(words, 0, n, key, counter, flags, cvs, 0);
            reduce(kernel, n, key, flags);
            System.arraycopy(cvs, 0, out, outOff, 8);
            return;
        }
        // Whole batches, each reduced to one CV, merged pairwise as soon as two siblings exist.
        int sp = 0;
        long batches = chunks / BATCH_CHUNKS;
        for (long b = 0; b < batches; b++) {
            kernel = pinned != null ? pinned : Blake3Kernels.active(); // picks up the SIMD kernel once warm
            loadWords(data, pos + (int) (b * BATCH_CHUNKS * Blake3.CHUNK_LEN), BATCH_CHUNKS);
            kernel.hashChunks(words, 0, BATCH_CHUNKS, key, counter + b * BATCH_CHUNKS, flags, cvs, 0);
            reduce(kernel, BATCH_CHUNKS, key, flags);
            System.arraycopy(cvs, 0, mergeStack, 8 * sp++, 8);
            for (long done = b + 1; (done & 1) == 0; done >>>= 1) {
                sp--;
                kernel.hashParents(mergeStack, 8 * (sp - 1), 1, key, flags, mergeStack, 8 * (sp - 1));
            }
        }
        System.arraycopy(mergeStack, 0, out, outOff, 8);
    }

    /** Chaining value (or with {@code root}, root output word 0..7) of one chunk of 0..1024 bytes. */
    void chunk(ByteBuffer data, int pos, int len, long counter, int[] key, int flags, boolean root, int[] out,
            int outOff) {
        System.arraycopy(key, 0, out, outOff, 8);
        int blocks = Math.max(1, (len + Blake3.BLOCK_LEN - 1) / Blake3.BLOCK_LEN);
        for (int b = 0; b < blocks; b++) {
            int blockLen = Math.min(Blake3.BLOCK_LEN, len - b * Blake3.BLOCK_LEN);
            loadBlock(data, pos + b * Blake3.BLOCK_LEN, blockLen);
            boolean last = b == blocks - 1;
            int blockFlags = flags | (b == 0 ? Blake3.CHUNK_START : 0)
                    | (last ? Blake3.CHUNK_END | (root ? Blake3.ROOT : 0) : 0);
            Blake3Compress.compress(out, outOff, blockWords, 0, root && last ? 0 : counter, blockLen, blockFlags,
                    out, outOff, false);
        }
    }

    /** Reduces {@code n} (a power of two) chaining values in {@link #cvs} to one at {@code cvs[0..8)}. */
    private void reduce(Blake3Kernel kernel, int n, int[] key, int flags) {
        for (; n > 1; n >>>= 1) {
            kernel.hashParents(cvs, 0, n >>> 1, key, flags, cvs, 0);
        }
    }

    private void loadWords(ByteBuffer data, int pos, int chunks) {
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).limit(pos + chunks * Blake3.CHUNK_LEN).position(pos)
                .asIntBuffer().get(words, 0, chunks * WORDS_PER_CHUNK);
    }

    private void loadBlock(ByteBuffer data, int pos, int len) {
        if (len == Blake3.BLOCK_LEN) {
            boolean little = data.order() == ByteOrder.LITTLE_ENDIAN;
            for (int i = 0; i < 16; i++) {
                int w = data.getInt(pos + 4 * i);
                blockWords[i] = little ? w : Integer.reverseBytes(w);
            }
            return;
        }
        for (int i = 0; i < len; i++) {
            blockBytes[i] = data.get(pos + i);
        }
        Arrays.fill(blockBytes, Math.max(len, 0), Blake3.BLOCK_LEN, (byte) 0);
        Blake3.wordsFromLittleEndian(blockBytes, 0, blockWords, 0, 16);
    }
}
