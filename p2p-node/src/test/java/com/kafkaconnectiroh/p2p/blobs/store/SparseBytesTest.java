package com.kafkaconnectiroh.p2p.blobs.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The memory store's byte space: small blobs cost their size, and any write pattern reads back exactly. */
class SparseBytesTest {
    @Test
    void aSmallBlobCostsItsSizeNotAPage() {
        SparseBytes s = SparseBytes.of(new byte[10]);
        assertTrue(s.allocatedBytes() <= 64, "allocated " + s.allocatedBytes());
        assertTrue(SparseBytes.of(new byte[5000]).allocatedBytes() <= 8192);
        assertEquals(1 << 16, SparseBytes.of(new byte[(1 << 16) - 1]).allocatedBytes());
    }

    @Test
    void randomWritesTruncatesAndReadsMatchAPlainArray() throws Exception {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int size = 1 + rnd.nextInt(300_000);
            byte[] ref = new byte[size];
            SparseBytes s = new SparseBytes();
            long length = 0;
            for (int w = 0; w < 1 + rnd.nextInt(20); w++) {
                int off = rnd.nextInt(size);
                int n = Math.min(size - off, 1 + rnd.nextInt(rnd.nextBoolean() ? 100 : 70_000));
                byte[] data = new byte[n];
                rnd.nextBytes(data);
                s.write(off, ByteBuffer.wrap(data));
                System.arraycopy(data, 0, ref, off, n);
                length = Math.max(length, off + n);
                if (rnd.nextInt(10) == 0) {
                    long cut = rnd.nextInt((int) length + 1);
                    s.truncate(cut);
                    java.util.Arrays.fill(ref, (int) cut, size, (byte) 0);
                    length = Math.min(length, cut);
                }
            }
            assertEquals(length, s.length());
            byte[] back = new byte[(int) length];
            s.read(0, back, 0, back.length);
            assertArrayEquals(java.util.Arrays.copyOf(ref, (int) length), back, "trial " + trial);
        }
    }
}
