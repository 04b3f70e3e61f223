package com.kafkaconnectiroh.p2p.crypto;

/** One block at a time through the unrolled {@link Blake3Compress}; the fallback and the reference. */
final class ScalarBlake3Kernel extends Blake3Kernel {
    @Override
    String name() {
        return "scalar";
    }

    @Override
    int lanes() {
        return 1;
    }

    @Override
    void hashChunks(int[] words, int wordOff, int count, int[] key, long counter, int flags, int[] cvs, int cvOff) {
        for (int i = 0; i < count; i++) {
            Blake3Compress.chunk(key, words, wordOff + i * (Blake3.CHUNK_LEN / 4), counter + i, flags, cvs,
                    cvOff + 8 * i);
        }
    }

    @Override
    void hashParents(int[] in, int inOff, int count, int[] key, int flags, int[] out, int outOff) {
        for (int i = 0; i < count; i++) {
            Blake3Compress.compress(key, 0, in, inOff + 16 * i, 0, Blake3.BLOCK_LEN, flags | Blake3.PARENT, out,
                    outOff + 8 * i, false);
        }
    }
}
