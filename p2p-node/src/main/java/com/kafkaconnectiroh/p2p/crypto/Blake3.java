package com.kafkaconnectiroh.p2p.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * BLAKE3 (hash, keyed hash, derive key, extendable output), following the BLAKE3 paper and specification.
 * Incremental: {@link #update} any number of times, then {@link #digest} or {@link #finalizeXof}.
 *
 * <p>The static {@link #compress}, {@link #chunkChainingValue} and {@link #parentChainingValue} expose the
 * tree's building blocks, which BAO verified streaming needs.
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

    private final int[] key;
    private final int flags;
    private final int[][] cvStack = new int[MAX_DEPTH][];
    private int cvStackLen;

    // The chunk being filled.
    private final int[] chunkCv = new int[8];
    private final byte[] block = new byte[BLOCK_LEN];
    private final int[] blockWords = new int[16];
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

    public static byte[] hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    public static byte[] hash(byte[] data, int off, int len) {
        Blake3 h = newHasher();
        h.update(data, off, len);
        return h.digest();
    }

    public Blake3 update(byte[] input) {
        return update(input, 0, input.length);
    }

    public Blake3 update(ByteBuffer input) {
        if (input.hasArray()) {
            update(input.array(), input.arrayOffset() + input.position(), input.remaining());
            input.position(input.limit());
        } else {
            byte[] tmp = new byte[Math.min(input.remaining(), 16 * CHUNK_LEN)];
            while (input.hasRemaining()) {
                int n = Math.min(tmp.length, input.remaining());
                input.get(tmp, 0, n);
                update(tmp, 0, n);
            }
        }
        return this;
    }

    public Blake3 update(byte[] input, int off, int len) {
        int end = off + len;
        while (off < end) {
            // A full chunk is only finished once more input shows it is not the last one.
            if (chunkBytes() == CHUNK_LEN) {
                int[] cv = chunkOutputChainingValue();
                chunkCounter++;
                addChunkChainingValue(cv, chunkCounter);
                resetChunk();
            }
            if (blockLen == BLOCK_LEN) {
                wordsFromLittleEndian(block, 0, blockWords);
                compressInPlace(chunkCv, blockWords, chunkCounter, BLOCK_LEN, flags | startFlag());
                blocksCompressed++;
                blockLen = 0;
            }
            int want = Math.min(BLOCK_LEN - blockLen, CHUNK_LEN - chunkBytes());
            int take = Math.min(want, end - off);
            System.arraycopy(input, off, block, blockLen, take);
            blockLen += take;
            off += take;
        }
        return this;
    }

    /** The 32-byte hash. The hasher can keep absorbing input afterwards. */
    public byte[] digest() {
        byte[] out = new byte[OUT_LEN];
        finalizeXof(out, 0, OUT_LEN);
        return out;
    }

    /** Extendable output: fills {@code len} bytes of the output stream starting at output offset 0. */
    public void finalizeXof(byte[] out, int off, int len) {
        int[] inputCv = chunkCv.clone();
        int[] words = new int[16];
        wordsFromLittleEndian(blockPadded(), 0, words);
        long counter = chunkCounter;
        int outBlockLen = blockLen;
        int outFlags = flags | startFlag() | CHUNK_END;
        for (int i = cvStackLen - 1; i >= 0; i--) {
            int[] right = compress(inputCv, words, counter, outBlockLen, outFlags);
            System.arraycopy(cvStack[i], 0, words, 0, 8);
            System.arraycopy(right, 0, words, 8, 8);
            System.arraycopy(key, 0, inputCv, 0, 8);
            counter = 0;
            outBlockLen = BLOCK_LEN;
            outFlags = flags | PARENT;
        }
        long outputBlock = 0;
        int written = 0;
        while (written < len) {
            int[] state = compressFull(inputCv, words, outputBlock++, outBlockLen, outFlags | ROOT);
            for (int w = 0; w < 16 && written < len; w++) {
                int word = state[w];
                for (int b = 0; b < 4 && written < len; b++) {
                    out[off + written++] = (byte) (word >>> (8 * b));
                }
            }
        }
    }

    // ---- tree building blocks (for BAO) ----

    /**
     * Chaining value of one chunk (up to 1024 bytes) at {@code chunkIndex}, unkeyed; with {@code isRoot} the
     * 32-byte root hash of a blob that is this single chunk.
     */
    public static byte[] chunkChainingValue(byte[] data, int off, int len, long chunkIndex, boolean isRoot) {
        if (len > CHUNK_LEN) {
            throw new IllegalArgumentException("chunk longer than 1024 bytes: " + len);
        }
        Blake3 h = newHasher();
        h.chunkCounter = chunkIndex;
        h.update(data, off, len);
        int[] words = new int[16];
        wordsFromLittleEndian(h.blockPadded(), 0, words);
        int[] cv = compress(h.chunkCv, words, chunkIndex, h.blockLen, h.startFlag() | CHUNK_END | (isRoot ? ROOT : 0));
        return littleEndianFromWords(cv);
    }

    /** Chaining value of a parent node from its children's 32-byte chaining values, unkeyed. */
    public static byte[] parentChainingValue(byte[] left, byte[] right, boolean isRoot) {
        int[] words = new int[16];
        wordsFromLittleEndian(left, 0, words, 0, 8);
        wordsFromLittleEndian(right, 0, words, 8, 8);
        int[] cv = compress(IV, words, 0, BLOCK_LEN, PARENT | (isRoot ? ROOT : 0));
        return littleEndianFromWords(cv);
    }

    /** The BLAKE3 compression function, truncated to the 8-word chaining value. */
    public static int[] compress(int[] cv, int[] blockWords, long counter, int blockLen, int flags) {
        int[] s = compressFull(cv, blockWords, counter, blockLen, flags);
        int[] out = new int[8];
        System.arraycopy(s, 0, out, 0, 8);
        return out;
    }

    // ---- internals ----

    private int chunkBytes() {
        return blocksCompressed * BLOCK_LEN + blockLen;
    }

    private int startFlag() {
        return blocksCompressed == 0 ? CHUNK_START : 0;
    }

    private byte[] blockPadded() {
        byte[] b = block.clone();
        for (int i = blockLen; i < BLOCK_LEN; i++) {
            b[i] = 0;
        }
        return b;
    }

    private int[] chunkOutputChainingValue() {
        int[] words = new int[16];
        wordsFromLittleEndian(blockPadded(), 0, words);
        return compress(chunkCv, words, chunkCounter, blockLen, flags | startFlag() | CHUNK_END);
    }

    private void resetChunk() {
        System.arraycopy(key, 0, chunkCv, 0, 8);
        blockLen = 0;
        blocksCompressed = 0;
    }

    /** Merges completed subtrees: one merge per trailing zero bit of the chunk count (BLAKE3 §5.1.2). */
    private void addChunkChainingValue(int[] cv, long totalChunks) {
        int[] words = new int[16];
        while ((totalChunks & 1) == 0) {
            System.arraycopy(cvStack[--cvStackLen], 0, words, 0, 8);
            System.arraycopy(cv, 0, words, 8, 8);
            cv = compress(key, words, 0, BLOCK_LEN, flags | PARENT);
            totalChunks >>>= 1;
        }
        cvStack[cvStackLen++] = cv;
    }

    private static void compressInPlace(int[] cv, int[] m, long counter, int blockLen, int flags) {
        int[] s = compressFull(cv, m, counter, blockLen, flags);
        System.arraycopy(s, 0, cv, 0, 8);
    }

    private static int[] compressFull(int[] cv, int[] m, long counter, int blockLen, int flags) {
        int s0 = cv[0], s1 = cv[1], s2 = cv[2], s3 = cv[3], s4 = cv[4], s5 = cv[5], s6 = cv[6], s7 = cv[7];
        int s8 = IV[0], s9 = IV[1], s10 = IV[2], s11 = IV[3];
        int s12 = (int) counter, s13 = (int) (counter >>> 32), s14 = blockLen, s15 = flags;
        int[] msg = m.clone();
        int[] tmp = new int[16];
        for (int round = 0; round < 7; round++) {
            // Columns.
            s0 += s4 + msg[0]; s12 = Integer.rotateRight(s12 ^ s0, 16); s8 += s12; s4 = Integer.rotateRight(s4 ^ s8, 12);
            s0 += s4 + msg[1]; s12 = Integer.rotateRight(s12 ^ s0, 8); s8 += s12; s4 = Integer.rotateRight(s4 ^ s8, 7);
            s1 += s5 + msg[2]; s13 = Integer.rotateRight(s13 ^ s1, 16); s9 += s13; s5 = Integer.rotateRight(s5 ^ s9, 12);
            s1 += s5 + msg[3]; s13 = Integer.rotateRight(s13 ^ s1, 8); s9 += s13; s5 = Integer.rotateRight(s5 ^ s9, 7);
            s2 += s6 + msg[4]; s14 = Integer.rotateRight(s14 ^ s2, 16); s10 += s14; s6 = Integer.rotateRight(s6 ^ s10, 12);
            s2 += s6 + msg[5]; s14 = Integer.rotateRight(s14 ^ s2, 8); s10 += s14; s6 = Integer.rotateRight(s6 ^ s10, 7);
            s3 += s7 + msg[6]; s15 = Integer.rotateRight(s15 ^ s3, 16); s11 += s15; s7 = Integer.rotateRight(s7 ^ s11, 12);
            s3 += s7 + msg[7]; s15 = Integer.rotateRight(s15 ^ s3, 8); s11 += s15; s7 = Integer.rotateRight(s7 ^ s11, 7);
            // Diagonals.
            s0 += s5 + msg[8]; s15 = Integer.rotateRight(s15 ^ s0, 16); s10 += s15; s5 = Integer.rotateRight(s5 ^ s10, 12);
            s0 += s5 + msg[9]; s15 = Integer.rotateRight(s15 ^ s0, 8); s10 += s15; s5 = Integer.rotateRight(s5 ^ s10, 7);
            s1 += s6 + msg[10]; s12 = Integer.rotateRight(s12 ^ s1, 16); s11 += s12; s6 = Integer.rotateRight(s6 ^ s11, 12);
            s1 += s6 + msg[11]; s12 = Integer.rotateRight(s12 ^ s1, 8); s11 += s12; s6 = Integer.rotateRight(s6 ^ s11, 7);
            s2 += s7 + msg[12]; s13 = Integer.rotateRight(s13 ^ s2, 16); s8 += s13; s7 = Integer.rotateRight(s7 ^ s8, 12);
            s2 += s7 + msg[13]; s13 = Integer.rotateRight(s13 ^ s2, 8); s8 += s13; s7 = Integer.rotateRight(s7 ^ s8, 7);
            s3 += s4 + msg[14]; s14 = Integer.rotateRight(s14 ^ s3, 16); s9 += s14; s4 = Integer.rotateRight(s4 ^ s9, 12);
            s3 += s4 + msg[15]; s14 = Integer.rotateRight(s14 ^ s3, 8); s9 += s14; s4 = Integer.rotateRight(s4 ^ s9, 7);
            // Message permutation (BLAKE3 §2.2).
            tmp[0] = msg[2]; tmp[1] = msg[6]; tmp[2] = msg[3]; tmp[3] = msg[10];
            tmp[4] = msg[7]; tmp[5] = msg[0]; tmp[6] = msg[4]; tmp[7] = msg[13];
            tmp[8] = msg[1]; tmp[9] = msg[11]; tmp[10] = msg[12]; tmp[11] = msg[5];
            tmp[12] = msg[9]; tmp[13] = msg[14]; tmp[14] = msg[15]; tmp[15] = msg[8];
            int[] t = msg;
            msg = tmp;
            tmp = t;
        }
        return new int[] {
            s0 ^ s8, s1 ^ s9, s2 ^ s10, s3 ^ s11, s4 ^ s12, s5 ^ s13, s6 ^ s14, s7 ^ s15,
            s8 ^ cv[0], s9 ^ cv[1], s10 ^ cv[2], s11 ^ cv[3], s12 ^ cv[4], s13 ^ cv[5], s14 ^ cv[6], s15 ^ cv[7],
        };
    }

    static int[] wordsFromLittleEndian(byte[] b, int off, int count) {
        int[] w = new int[count];
        wordsFromLittleEndian(b, off, w, 0, count);
        return w;
    }

    private static void wordsFromLittleEndian(byte[] b, int off, int[] w) {
        wordsFromLittleEndian(b, off, w, 0, 16);
    }

    private static void wordsFromLittleEndian(byte[] b, int off, int[] w, int wOff, int count) {
        for (int i = 0; i < count; i++) {
            int p = off + 4 * i;
            w[wOff + i] = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
        }
    }

    private static byte[] littleEndianFromWords(int[] w) {
        byte[] out = new byte[w.length * 4];
        for (int i = 0; i < w.length; i++) {
            out[4 * i] = (byte) w[i];
            out[4 * i + 1] = (byte) (w[i] >>> 8);
            out[4 * i + 2] = (byte) (w[i] >>> 16);
            out[4 * i + 3] = (byte) (w[i] >>> 24);
        }
        return out;
    }
}
