package com.kafkaconnectiroh.p2p.crypto;

/** One block at a time through the unrolled {@link Blake3Compress}; the fallback and the reference. */
final class ScalarBlake3Kernel extends Blake3Kernel {
    private static final int BLOCKS_PER_CHUNK = Blake3.CHUNK_LEN / Blake3.BLOCK_LEN;

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
            int cv = cvOff + 8 * i;
            // The output slot doubles as the running chaining value: no scratch, no allocation.
            System.arraycopy(key, 0, cvs, cv, 8);
            int chunk = wordOff + i * (Blake3.CHUNK_LEN / 4);
            for (int b = 0; b < BLOCKS_PER_CHUNK; b++) {
                int blockFlags = flags | (b == 0 ? Blake3.CHUNK_START : 0)
                        | (b == BLOCKS_PER_CHUNK - 1 ? Blake3.CHUNK_END : 0);
                Blake3Compress.compress(cvs, cv, words, chunk + 16 * b, counter + i, Blake3.BLOCK_LEN, blockFlags,
                        cvs, cv, false);
            }
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
