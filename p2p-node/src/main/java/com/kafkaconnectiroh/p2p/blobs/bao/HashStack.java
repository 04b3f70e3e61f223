package com.kafkaconnectiroh.p2p.blobs.bao;

import java.util.Arrays;

/**
 * The chaining values still expected while walking a response: the root first; each verified parent replaces
 * its own with those of the children the query enters (bao-tree {@code io/fsm.rs} decoder stack). As deep as
 * the tree, so bounded.
 */
final class HashStack {
    private static final int MAX = 130;
    private final byte[] cvs = new byte[MAX * 32];
    private int size;

    void push(byte[] src, int off) {
        if (size == MAX) {
            throw new IllegalStateException("BAO hash stack deeper than " + MAX);
        }
        System.arraycopy(src, off, cvs, 32 * size++, 32);
    }

    /** Pops the expected CV and says whether {@code actual[off, off+32)} equals it. */
    boolean popMatches(byte[] actual, int off) {
        size--;
        return Arrays.equals(cvs, 32 * size, 32 * size + 32, actual, off, off + 32);
    }
}
