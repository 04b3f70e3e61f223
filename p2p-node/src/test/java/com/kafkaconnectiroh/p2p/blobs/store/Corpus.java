package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.util.HashMap;
import java.util.Map;

/** The blobs {@link StoreTortureMain} works with, known to the test too. */
final class Corpus {
    static final int[] SIZES = {0, 1, 1024, 16385, 100_000, 1_000_000, 3_000_000, 6_000_000};
    static final int COUNT = SIZES.length * 3;

    private Corpus() {}

    static byte[] blob(int i) {
        return LocalTransfer.data(SIZES[i % SIZES.length], 1000 + i);
    }

    static Map<Hash, Integer> byHash() {
        Map<Hash, Integer> m = new HashMap<>();
        for (int i = 0; i < COUNT; i++) {
            m.put(Hash.of(blob(i)), i);
        }
        return m;
    }
}
