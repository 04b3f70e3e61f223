package com.kafkaconnectiroh.p2p.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * BLAKE3 (hash, keyed hash, derive key, extendable output), following the BLAKE3 paper and specification.
 * Incremental: {@link #update} any number of times, then {@link #digest} or {@link #finalizeXof}.
 *
 * <p>One-shot helpers hash a whole input at once: {@link #hash(byte[])} on the calling thread,
 * {@link #hashParallel(ByteBuffer)} and {@link #hashFile(Path)} spread the tree over {@link #hashingPool()}.
 *
 * <p>{@link #subtreeChainingValue} and {@link #parentChainingValue} expose the tree's nodes, which BAO
 * verified streaming needs.
 *
 * <p>Speed: whole chunks go through a {@link Blake3Kernel}: many chunks at once in auto-vectorized plain Java
 * (x86-64) or one block at a time, and SIMD over the incubating Vector API once warm when the JVM runs with
 * {@code --add-modules jdk.incubator.vector} ({@link #implementation()} says which).
 */
public final class Blake3 {
    public static final int OUT_LEN = 32;
    public static final int KEY_LEN = 32;
    public static final int BLOCK_LEN = 64;
    public static final int CHUNK_LEN = 1024;

    static final int CHUNK_START = 1;
    static final int CHUNK_END = 1 << 1;
    static final int PARENT = 1 << 2;
    static final int ROOT = 1 << 3;
    static final int KEYED_HASH = 1 << 4;
    static final int DERIVE_KEY_CONTEXT = 1 << 5;
    static final int DERIVE_KEY_MATERIAL = 1 << 6;

    static final int[] IV = {
        0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
    };

    private static final int MAX_DEPTH = 54; // 2^54 chunks = 2^64 bytes
    /** Inputs below this are hashed on the calling thread even when asked for parallel hashing. */
    static final int PARALLEL_MIN_LEN = 1 << 20;

    private final int[] key;
    private final int flags;
    private final int[] cvStack = new int[(MAX_DEPTH + 1) * 8];
    private int cvStackLen;

    // The chunk being filled: it is only finished once more input shows it is not the last one.
    private final int[] chunkCv = new int[8];
    private final byte[] block = new byte[BLOCK_LEN];
    private final int[] blockWords = new int[16];
    private final int[] scratch = new int[16];
    private int blockLen;
    private int blocksCompressed;
    private long chunkCounter;

    private Blake3(int[] key, int flags) {
        this.key = key;
        this.flags = flags;
        System.arraycopy(key, 0, chunkCv, 0, 8);
    }

    /** A plain hasher. */
    public static Blake3 newHasher() {
        return new Blake3(IV.clone(), 0);
    }

    /** A keyed hasher (MAC); {@code key} must be 32 bytes. */
    public static Blake3 newKeyedHasher(byte[] key) {
        if (key.length != KEY_LEN) {
            throw new IllegalArgumentException("BLAKE3 key must be 32 bytes, got " + key.length);
        }
        return new Blake3(wordsFromLittleEndian(key, 0, 8), KEYED_HASH);
    }

    /** A key-derivation hasher for {@code context}; feed it the key material. */
    public static Blake3 newDeriveKeyHasher(String context) {
        Blake3 contextHasher = new Blake3(IV.clone(), DERIVE_KEY_CONTEXT);
        contextHasher.update(context.getBytes(StandardCharsets.UTF_8));
        byte[] contextKey = contextHasher.digest();
        return new Blake3(wordsFromLittleEndian(contextKey, 0, 8), DERIVE_KEY_MATERIAL);
    }

    /**
     * Which compression kernel this JVM settled on: {@code scalar}, {@code lanes-<n>} or {@code vector-<bits>}
     * (which, by default, takes over from the other one once warm; see {@link #activeImplementation()}).
     */
    public static String implementation() {
        return Blake3Kernels.chosen().name();
    }

    /** The kernel in use at this moment. */
    public static String activeImplementation() {
        return Blake3Kernels.active().name();
    }

    /**
     * Announces bulk hashing to come. The SIMD kernel is warmed once this process has hashed enough to earn the
     * warm-up back (4 GiB by default, see {@link #bulkHashed}); until then this does nothing, so one-shot commands
     * never pay for it. Cheap to call again.
     */
    public static void expectBulkUse() {
        Blake3Kernels.noteBulkUse(0);
    }

    /**
     * Counts {@code bytes} hashed in pieces too small to count by themselves (BAO's 16 KiB leaves) towards the
     * SIMD kernel's warm-up, which starts once this process has hashed 4 GiB in bulk (system property
     * {@code kafkaconnectiroh.blake3.warmupAfter}, in bytes).
     */
    public static void bulkHashed(long bytes) {
        Blake3Kernels.noteBulkUse(bytes);
    }

    /**
     * Starts warming the SIMD kernel now (if this JVM has one and it is not active yet), whatever was hashed so
     * far: for a process that knows it will hash many GB, and for benchmarks that measure the warm kernel. The
     * warm-up takes some seconds of one core; {@link #activeImplementation()} tells when it took over.
     */
    public static void warmUpNow() {
        Blake3Kernels.warmUpNow();
    }

    // ---- one-shot hashing ----

    public static byte[] hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    public static byte[] hash(byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        byte[] out = new byte[OUT_LEN];
        subtreeChainingValue(ByteBuffer.wrap(data), off, len, 0, true, out, 0);
        return out;
    }

    /** Hash of the remaining bytes of {@code data}, on the calling thread; does not move its position. */
    public static byte[] hash(ByteBuffer data) {
        byte[] out = new byte[OUT_LEN];
        subtreeChainingValue(data, data.position(), data.remaining(), 0, true, out, 0);
        return out;
    }

    /**
     * The pool the parallel helpers use by default: one worker per processor. Not the common pool, whose
     * parallelism is processors - 1 (a single worker on a 2-core machine, and the caller does not help).
     */
    public static ForkJoinPool hashingPool() {
        return PoolHolder.POOL;
    }

    private static final class PoolHolder {
        static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors(), pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("blake3-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** Like {@link #hash(byte[])}, spreading large inputs over {@link #hashingPool()}. */
    public static byte[] hashParallel(byte[] data) {
        return hashParallel(ByteBuffer.wrap(data));
    }

    /** Hash of the remaining bytes of {@code data}, large inputs spread over {@link #hashingPool()}. */
    public static byte[] hashParallel(ByteBuffer data) {
        return hashParallel(data, hashingPool());
    }

    /** Hash of the remaining bytes of {@code data}, large inputs spread over {@code pool}. */
    public static byte[] hashParallel(ByteBuffer data, ForkJoinPool pool) {
        int[] cv = new int[8];
        Blake3Parallel.subtree(pool, data, data.position(), data.remaining(), 0, IV, 0, true, cv);
        return littleEndianFromWords(cv);
    }

    /** Hash of a whole file, read in 1 MiB pieces spread over {@link #hashingPool()}. */
    public static byte[] hashFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return hash(ch, 0, ch.size(), hashingPool());
        }
    }

    /**
     * Hash of the file region {@code [pos, pos+len)} (as a blob of its own), read with positional reads in
     * pieces of up to 1 MiB (whole subtrees), spread over {@code pool}, or on the calling thread if
     * {@code pool} is null. Reading measured faster than mapping here (no page-fault storm per run).
     */
    public static byte[] hash(FileChannel ch, long pos, long len, ForkJoinPool pool) throws IOException {
        int[] cv = new int[8];
        Blake3FileHasher task = new Blake3FileHasher(ch, pos, len, 0, true, pool != null, cv, 0);
        if (pool == null) {
            task.run();
        } else {
            pool.invoke(task);
        }
        task.rethrow();
        return littleEndianFromWords(cv);
    }

    // ---- incremental hashing ----

    public Blake3 update(byte[] input) {
        return update(input, 0, input.length);
    }

    /** Absorbs the remaining bytes of {@code input} and moves its position to its limit. */
    public Blake3 update(ByteBuffer input) {
        absorb(input, input.position(), input.remaining());
        input.position(input.limit());
        return this;
    }

    public Blake3 update(byte[] input, int off, int len) {
        Objects.checkFromIndexSize(off, len, input.length);
        absorb(ByteBuffer.wrap(input), off, len);
        return this;
    }

    private void absorb(ByteBuffer data, int pos, int len) {
        if (chunkLen() > 0) {
            int take = Math.min(CHUNK_LEN - chunkLen(), len);
            chunkUpdate(data, pos, take);
            pos += take;
            len -= take;
            if (len == 0) {
                return;
            }
            finishChunk(chunkOutputCv(), 0);
        }
        // Whole subtrees straight from the input, aligned to the chunk counter (BLAKE3 spec §5.1.2), each pushed
        // as its two halves so that the last one can still become the root.
        Blake3Tree tree = null;
        while (len > CHUNK_LEN) {
            int subtreeLen = Integer.highestOneBit(len);
            while (((chunkCounter * CHUNK_LEN) & (subtreeLen - 1)) != 0) {
                subtreeLen >>>= 1;
            }
            long chunks = subtreeLen / CHUNK_LEN;
            if (tree == null) {
                tree = Blake3Tree.local();
            }
            if (chunks == 1) {
                tree.fullSubtree(data, pos, 1, chunkCounter, key, flags, scratch, 0);
                finishChunk(scratch, 0);
            } else {
                long half = chunks / 2;
                tree.fullSubtree(data, pos, half, chunkCounter, key, flags, scratch, 0);
                tree.fullSubtree(data, pos + subtreeLen / 2, half, chunkCounter + half, key, flags, scratch, 8);
                pushCv(scratch, 0, chunkCounter);
                pushCv(scratch, 8, chunkCounter + half);
                chunkCounter += chunks;
            }
            pos += subtreeLen;
            len -= subtreeLen;
        }
        if (len > 0) {
            // A new chunk opens: everything stacked before it is complete and can be merged.
            mergeCvStack(chunkCounter);
            chunkUpdate(data, pos, len);
        }
    }

    /** The 32-byte hash. The hasher can keep absorbing input afterwards. */
    public byte[] digest() {
        byte[] out = new byte[OUT_LEN];
        finalizeXof(out, 0, OUT_LEN);
        return out;
    }

    /** Extendable output: fills {@code len} bytes of the output stream starting at output offset 0. */
    public void finalizeXof(byte[] out, int off, int len) {
        // The root output (BLAKE3 spec §2.6): input CV, message block, block length and flags of the root node.
        int[] inputCv = new int[8];
        int[] words = new int[16];
        int outBlockLen;
        int outFlags;
        int remaining = cvStackLen;
        if (remaining == 0 || chunkLen() > 0) {
            System.arraycopy(chunkCv, 0, inputCv, 0, 8);
            wordsFromLittleEndian(blockPadded(), 0, words, 0, 16);
            outBlockLen = blockLen;
            outFlags = flags | startFlag() | CHUNK_END;
            if (remaining > 0) {
                // A non-root chunk: its chaining value becomes the right child of the stacked subtrees.
                Blake3Compress.compress(inputCv, 0, words, 0, chunkCounter, outBlockLen, outFlags, words, 8, false);
                System.arraycopy(cvStack, 8 * (remaining - 1), words, 0, 8);
                System.arraycopy(key, 0, inputCv, 0, 8);
                outBlockLen = BLOCK_LEN;
                outFlags = flags | PARENT;
                remaining--;
            }
        } else {
            // The input ended on a subtree boundary: the root is the parent of the top two stacked CVs.
            System.arraycopy(cvStack, 8 * (remaining - 2), words, 0, 16);
            System.arraycopy(key, 0, inputCv, 0, 8);
            outBlockLen = BLOCK_LEN;
            outFlags = flags | PARENT;
            remaining -= 2;
        }
        for (; remaining > 0; remaining--) {
            Blake3Compress.compress(inputCv, 0, words, 0, 0, outBlockLen, outFlags, words, 8, false);
            System.arraycopy(cvStack, 8 * (remaining - 1), words, 0, 8);
            System.arraycopy(key, 0, inputCv, 0, 8);
        }
        int[] state = new int[16];
        long outputBlock = 0;
        int written = 0;
        while (written < len) {
            Blake3Compress.compress(inputCv, 0, words, 0, outputBlock++, outBlockLen, outFlags | ROOT, state, 0, true);
            for (int w = 0; w < 16 && written < len; w++) {
                int word = state[w];
                for (int b = 0; b < 4 && written < len; b++) {
                    out[off + written++] = (byte) (word >>> (8 * b));
                }
            }
        }
    }

    // ---- tree nodes (for BAO) ----

    /**
     * Chaining value of one chunk (up to 1024 bytes) at {@code chunkIndex}, unkeyed; with {@code isRoot} the
     * 32-byte root hash of a blob that is this single chunk.
     */
    public static byte[] chunkChainingValue(byte[] data, int off, int len, long chunkIndex, boolean isRoot) {
        if (len > CHUNK_LEN) {
            throw new IllegalArgumentException("chunk longer than 1024 bytes: " + len);
        }
        return subtreeChainingValue(data, off, len, chunkIndex, isRoot);
    }

    /**
     * Chaining value of the subtree of {@code len} bytes whose first chunk is {@code startChunk}, unkeyed. The
     * subtree must be one BLAKE3 would build: {@code startChunk} a multiple of the largest power of two of chunks
     * it spans, and only the last chunk may be partial. With {@code isRoot} (then {@code startChunk} is 0) it
     * is the 32-byte hash of a blob of exactly these bytes.
     */
    public static byte[] subtreeChainingValue(byte[] data, int off, int len, long startChunk, boolean isRoot) {
        Objects.checkFromIndexSize(off, len, data.length);
        byte[] out = new byte[OUT_LEN];
        subtreeChainingValue(ByteBuffer.wrap(data), off, len, startChunk, isRoot, out, 0);
        return out;
    }

    /**
     * As {@link #subtreeChainingValue(byte[], int, int, long, boolean)} over {@code data[pos, pos+len)}
     * (absolute, the buffer's position is ignored and unchanged), writing 32 bytes to {@code out[outOff, ...)}.
     * Runs on the calling thread and allocates nothing but once per thread.
     */
    public static void subtreeChainingValue(ByteBuffer data, int pos, int len, long startChunk, boolean isRoot,
            byte[] out, int outOff) {
        Objects.checkFromIndexSize(pos, len, data.limit());
        if (isRoot && startChunk != 0) {
            throw new IllegalArgumentException("a root subtree starts at chunk 0, not " + startChunk);
        }
        Blake3Tree tree = Blake3Tree.local();
        int[] cv = tree.scratch;
        tree.subtree(data, pos, len, startChunk, IV, 0, isRoot, cv, 0);
        littleEndianFromWords(cv, 0, 8, out, outOff);
    }

    /** Chaining value of a parent node from its children's 32-byte chaining values, unkeyed. */
    public static byte[] parentChainingValue(byte[] left, byte[] right, boolean isRoot) {
        byte[] out = new byte[OUT_LEN];
        parentChainingValue(left, 0, right, 0, isRoot, out, 0);
        return out;
    }

    /**
     * Parent chaining value of {@code left[leftOff, +32)} and {@code right[rightOff, +32)}, unkeyed, written to
     * {@code out[outOff, +32)}; {@code out} may overlap the inputs.
     */
    public static void parentChainingValue(byte[] left, int leftOff, byte[] right, int rightOff, boolean isRoot,
            byte[] out, int outOff) {
        int[] m = Blake3Tree.local().scratch;
        wordsFromLittleEndian(left, leftOff, m, 0, 8);
        wordsFromLittleEndian(right, rightOff, m, 8, 8);
        Blake3Compress.compress(IV, 0, m, 0, 0, BLOCK_LEN, PARENT | (isRoot ? ROOT : 0), m, 0, false);
        littleEndianFromWords(m, 0, 8, out, outOff);
    }

    /** The BLAKE3 compression function, truncated to the 8-word chaining value. */
    public static int[] compress(int[] cv, int[] blockWords, long counter, int blockLen, int flags) {
        int[] out = new int[8];
        Blake3Compress.compress(cv, 0, blockWords, 0, counter, blockLen, flags, out, 0, false);
        return out;
    }

    // ---- internals ----

    private int chunkLen() {
        return blocksCompressed * BLOCK_LEN + blockLen;
    }

    private int startFlag() {
        return blocksCompressed == 0 ? CHUNK_START : 0;
    }

    /** Adds bytes to the open chunk; {@code len} never exceeds the room left in it. */
    private void chunkUpdate(ByteBuffer data, int pos, int len) {
        while (len > 0) {
            if (blockLen == BLOCK_LEN) {
                // More input follows, so this full block is not the chunk's last one.
                wordsFromLittleEndian(block, 0, blockWords, 0, 16);
                Blake3Compress.compress(chunkCv, 0, blockWords, 0, chunkCounter, BLOCK_LEN, flags | startFlag(),
                        chunkCv, 0, false);
                blocksCompressed++;
                blockLen = 0;
            }
            int take = Math.min(BLOCK_LEN - blockLen, len);
            data.get(pos, block, blockLen, take);
            blockLen += take;
            pos += take;
            len -= take;
        }
    }

    private byte[] blockPadded() {
        byte[] b = block.clone();
        Arrays.fill(b, blockLen, BLOCK_LEN, (byte) 0);
        return b;
    }

    private int[] chunkOutputCv() {
        wordsFromLittleEndian(blockPadded(), 0, blockWords, 0, 16);
        Blake3Compress.compress(chunkCv, 0, blockWords, 0, chunkCounter, blockLen, flags | startFlag() | CHUNK_END,
                scratch, 0, false);
        return scratch;
    }

    /** Pushes the chaining value of the chunk {@link #chunkCounter} and opens the next chunk. */
    private void finishChunk(int[] cv, int cvOff) {
        pushCv(cv, cvOff, chunkCounter);
        chunkCounter++;
        System.arraycopy(key, 0, chunkCv, 0, 8);
        blockLen = 0;
        blocksCompressed = 0;
    }

    /**
     * Pushes the CV of a subtree that starts at chunk {@code firstChunk}, after merging every stacked pair that
     * is complete before it. Merging lazily keeps the newest CV unmerged, so it can still become the root.
     */
    private void pushCv(int[] cv, int cvOff, long firstChunk) {
        mergeCvStack(firstChunk);
        System.arraycopy(cv, cvOff, cvStack, 8 * cvStackLen++, 8);
    }

    /** Merges stacked CVs until one per set bit of {@code chunksBefore} is left (BLAKE3 spec §5.1.2). */
    private void mergeCvStack(long chunksBefore) {
        int keep = Long.bitCount(chunksBefore);
        while (cvStackLen > keep) {
            int left = 8 * (cvStackLen - 2);
            Blake3Compress.compress(key, 0, cvStack, left, 0, BLOCK_LEN, flags | PARENT, cvStack, left, false);
            cvStackLen--;
        }
    }

    static int[] wordsFromLittleEndian(byte[] b, int off, int count) {
        int[] w = new int[count];
        wordsFromLittleEndian(b, off, w, 0, count);
        return w;
    }

    static void wordsFromLittleEndian(byte[] b, int off, int[] w, int wOff, int count) {
        for (int i = 0; i < count; i++) {
            int p = off + 4 * i;
            w[wOff + i] = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
        }
    }

    static byte[] littleEndianFromWords(int[] w) {
        byte[] out = new byte[w.length * 4];
        littleEndianFromWords(w, 0, w.length, out, 0);
        return out;
    }

    static void littleEndianFromWords(int[] w, int wOff, int count, byte[] out, int off) {
        for (int i = 0; i < count; i++) {
            int word = w[wOff + i];
            int p = off + 4 * i;
            out[p] = (byte) word;
            out[p + 1] = (byte) (word >>> 8);
            out[p + 2] = (byte) (word >>> 16);
            out[p + 3] = (byte) (word >>> 24);
        }
    }
}
