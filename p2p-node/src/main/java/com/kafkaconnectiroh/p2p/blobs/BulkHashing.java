package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts the BLAKE3 SIMD warm-up once this process has verified enough transfer data for it to pay off. BAO
 * verification hashes 16 KiB blocks, too small to start the warm-up by themselves; starting it on the first
 * transfer would spend seconds of a core (on JIT-compiling the SIMD kernel) that a short transfer never earns
 * back.
 */
final class BulkHashing {
    static final long THRESHOLD = 64L << 20;
    private static final AtomicLong HASHED = new AtomicLong();

    private BulkHashing() {}

    static void hashed(long bytes) {
        if (HASHED.get() < THRESHOLD && HASHED.addAndGet(bytes) >= THRESHOLD) {
            Blake3.expectBulkUse();
        }
    }
}
