package com.kafkaconnectiroh.p2p.blobs.bao;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ChunkRangesTest {
    private static ChunkRanges r(long... boundaries) {
        return ChunkRanges.ofBoundaries(boundaries);
    }

    @Test
    void setOperationsAgreeWithAPlainSetOnRandomInputs() {
        Random rnd = new Random(21);
        for (int round = 0; round < 500; round++) {
            ChunkRanges a = random(rnd);
            ChunkRanges b = random(rnd);
            TreeSet<Long> sa = members(a);
            TreeSet<Long> sb = members(b);
            TreeSet<Long> union = new TreeSet<>(sa);
            union.addAll(sb);
            TreeSet<Long> inter = new TreeSet<>(sa);
            inter.retainAll(sb);
            TreeSet<Long> diff = new TreeSet<>(sa);
            diff.removeAll(sb);
            assertEquals(union, members(a.union(b)), a + " | " + b);
            assertEquals(inter, members(a.intersection(b)), a + " & " + b);
            assertEquals(diff, members(a.difference(b)), a + " - " + b);
            assertCanonical(a.union(b));
            assertCanonical(a.intersection(b));
        }
    }

    @Test
    void constructors() {
        assertTrue(ChunkRanges.all().isAll());
        assertTrue(ChunkRanges.empty().isEmpty());
        assertEquals(ChunkRanges.all(), ChunkRanges.from(0));
        assertEquals(ChunkRanges.empty(), ChunkRanges.of(5, 5));
        assertArrayEquals(new long[] {-1L}, ChunkRanges.lastChunk().boundaries());
        assertTrue(ChunkRanges.lastChunk().contains(-1L));
        assertFalse(ChunkRanges.lastChunk().contains(Long.MAX_VALUE));
        // round_up_to_chunks: partly covered chunks are included.
        assertEquals(r(0, 98), ChunkRanges.ofBytes(0, 100_000));
        assertEquals(r(1, 2), ChunkRanges.ofBytes(1024, 2048));
        assertEquals(r(0, 3), ChunkRanges.ofBytes(1023, 2049));
        assertEquals(ChunkRanges.empty(), ChunkRanges.ofBytes(7, 7));
        assertThrows(IllegalArgumentException.class, () -> r(3, 3));
        assertThrows(IllegalArgumentException.class, () -> r(5, 2));
        assertEquals(r(2, 7, 10, 11), ChunkRanges.of(10, 11).union(ChunkRanges.of(2, 7)));
        assertEquals(r(2, 11), ChunkRanges.of(7, 11).union(ChunkRanges.of(2, 7)), "adjacent ranges merge");
        assertEquals("{2..7, 10..}", r(2, 7, 10).toString());
    }

    @Test
    void truncateFollowsBaoTreeDocumentedExamples() {
        // bao-tree v0.15.2 src/rec.rs truncate_ranges doc, for a size of 7 chunks.
        long size = 7 * 1024;
        assertEquals(r(0, 6), r(0, 6).truncate(size));
        assertEquals(r(0), r(0, 7).truncate(size));
        assertEquals(r(0), r(0, 10, 11, 12).truncate(size));
        assertEquals(r(0), r(0, 6, 7, 10).truncate(size));
        assertEquals(r(3), r(3, 6, 7, 10).truncate(size));
        assertEquals(r(0, 5, 7), r(0, 5, 7, 10).truncate(size));
        // A last-chunk query stays an open range past the end; partial last chunk counts as a chunk.
        assertEquals(ChunkRanges.lastChunk(), ChunkRanges.lastChunk().truncate(size));
        assertEquals(r(0), r(0, 7).truncate(6 * 1024 + 1));
        assertEquals(r(0, 7), r(0, 7).truncate(7 * 1024 + 1));
        assertEquals(ChunkRanges.empty(), ChunkRanges.empty().truncate(size));
        assertEquals(r(5), r(5).truncate(0));
    }

    private static void assertCanonical(ChunkRanges c) {
        long[] bs = c.boundaries();
        for (int i = 1; i < bs.length; i++) {
            assertTrue(Long.compareUnsigned(bs[i - 1], bs[i]) < 0, c.toString());
        }
    }

    private static ChunkRanges random(Random rnd) {
        ChunkRanges out = ChunkRanges.empty();
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            long a = rnd.nextInt(60);
            out = out.union(rnd.nextInt(6) == 0 ? ChunkRanges.from(a) : ChunkRanges.of(a, a + rnd.nextInt(12)));
        }
        return out;
    }

    /** Members below 100 (all random sets are decided by then). */
    private static TreeSet<Long> members(ChunkRanges c) {
        TreeSet<Long> s = new TreeSet<>();
        for (long i = 0; i < 100; i++) {
            if (c.contains(i)) {
                s.add(i);
            }
        }
        return s;
    }
}
