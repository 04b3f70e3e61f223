package com.kafkaconnectiroh.p2p.crypto;

/**
 * Compresses many independent chunks or parent nodes in one call, so an implementation can spread them over
 * SIMD lanes (BLAKE3 paper §5.3). Implementations are stateless, thread-safe and agree bit for bit.
 */
abstract class Blake3Kernel {
    /** For log lines and the benchmark: {@code scalar}, {@code lanes-<n>} or {@code vector-<bits>}. */
    abstract String name();

    /** How many chunks one pass handles; callers batch at least this many for full speed. */
    abstract int lanes();

    /**
     * Chaining values of {@code count} whole (1024-byte) chunks. Chunk {@code i} is the 256 little-endian
     * message words at {@code words[wordOff + 256 i]} with chunk counter {@code counter + i}; its 8-word
     * chaining value goes to {@code cvs[cvOff + 8 i]}. {@code flags} holds the mode flags (keyed, derive).
     */
    abstract void hashChunks(int[] words, int wordOff, int count, int[] key, long counter, int flags, int[] cvs,
            int cvOff);

    /**
     * Non-root parent chaining values: parent {@code i}'s message is {@code in[inOff + 16 i, +16)} (left child
     * CV then right child CV), its chaining value goes to {@code out[outOff + 8 i]}. {@code out} may be the same
     * array as {@code in} with {@code outOff <= inOff}, which reduces one tree level in place.
     */
    abstract void hashParents(int[] in, int inOff, int count, int[] key, int flags, int[] out, int outOff);
}
