package com.kafkaconnectiroh.p2p.blobs.bao;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable set of 1024-byte chunk numbers, kept as strictly increasing boundaries where ranges alternately
 * start and end: {@code [2, 7, 10, 11]} is {2..7, 10..11}; an odd count leaves the last range open, so
 * {@code [0]} is everything (bao-tree's {@code ChunkRanges}, a {@code range_collections::RangeSet}).
 *
 * <p>Chunk numbers are unsigned 64-bit values: iroh asks for {@code u64::MAX..} to mean "the last chunk,
 * whatever the size" ({@link #lastChunk()}), so all comparisons are unsigned.
 */
public final class ChunkRanges {
    private static final ChunkRanges EMPTY = new ChunkRanges(new long[0]);
    private static final ChunkRanges ALL = new ChunkRanges(new long[] {0});
    private static final ChunkRanges LAST_CHUNK = new ChunkRanges(new long[] {-1L});

    private final long[] boundaries;

    private ChunkRanges(long[] boundaries) {
        this.boundaries = boundaries;
    }

    public static ChunkRanges empty() {
        return EMPTY;
    }

    /** Every chunk. */
    public static ChunkRanges all() {
        return ALL;
    }

    /** {@code u64::MAX..}: a request for just the last chunk, i.e. a size proof (iroh-blobs {@code last_chunk}). */
    public static ChunkRanges lastChunk() {
        return LAST_CHUNK;
    }

    /** Chunks {@code start} (inclusive) to {@code end} (exclusive), unsigned; empty if {@code end <= start}. */
    public static ChunkRanges of(long start, long end) {
        return Long.compareUnsigned(start, end) >= 0 ? EMPTY : new ChunkRanges(new long[] {start, end});
    }

    /** Chunks from {@code start} (unsigned) on. */
    public static ChunkRanges from(long start) {
        return start == 0 ? ALL : new ChunkRanges(new long[] {start});
    }

    /**
     * The chunks that hold any byte of {@code [start, end)} (bao-tree {@code round_up_to_chunks}): a partly
     * covered chunk is included whole. Byte offsets are non-negative.
     */
    public static ChunkRanges ofBytes(long startByte, long endByte) {
        if (startByte < 0 || endByte < 0) {
            throw new IllegalArgumentException("negative byte range " + startByte + ".." + endByte);
        }
        if (endByte <= startByte) {
            return EMPTY;
        }
        return of(startByte >>> 10, (endByte >>> 10) + ((endByte & 1023) == 0 ? 0 : 1));
    }

    /** From boundaries as bao-tree stores them; they must be strictly increasing (unsigned). */
    public static ChunkRanges ofBoundaries(long... boundaries) {
        for (int i = 1; i < boundaries.length; i++) {
            if (Long.compareUnsigned(boundaries[i - 1], boundaries[i]) >= 0) {
                throw new IllegalArgumentException("boundaries not strictly increasing: " + Arrays.toString(boundaries));
            }
        }
        return boundaries.length == 0 ? EMPTY : new ChunkRanges(boundaries.clone());
    }

    /** Boundaries that the caller has checked; no copy. */
    static ChunkRanges trusted(long[] boundaries) {
        return new ChunkRanges(boundaries);
    }

    public long[] boundaries() {
        return boundaries.clone();
    }

    int boundaryCount() {
        return boundaries.length;
    }

    long boundary(int i) {
        return boundaries[i];
    }

    public boolean isEmpty() {
        return boundaries.length == 0;
    }

    public boolean isAll() {
        return boundaries.length == 1 && boundaries[0] == 0;
    }

    public boolean contains(long chunk) {
        int i = search(boundaries, 0, boundaries.length, chunk);
        return i >= 0 ? (i & 1) == 0 : ((-i - 1) & 1) == 1;
    }

    public ChunkRanges union(ChunkRanges other) {
        return combine(other, (a, b) -> a || b);
    }

    public ChunkRanges intersection(ChunkRanges other) {
        return combine(other, (a, b) -> a && b);
    }

    public ChunkRanges difference(ChunkRanges other) {
        return combine(other, (a, b) -> a && !b);
    }

    private interface BoolOp {
        boolean apply(boolean a, boolean b);
    }

    /** Sweeps both boundary lists in order, emitting a boundary wherever {@code op}'s value flips. */
    private ChunkRanges combine(ChunkRanges other, BoolOp op) {
        long[] a = boundaries;
        long[] b = other.boundaries;
        long[] out = new long[a.length + b.length];
        int n = 0;
        int i = 0;
        int j = 0;
        boolean inA = false;
        boolean inB = false;
        boolean in = false;
        while (i < a.length || j < b.length) {
            long at;
            if (j == b.length || (i < a.length && Long.compareUnsigned(a[i], b[j]) <= 0)) {
                at = a[i];
            } else {
                at = b[j];
            }
            if (i < a.length && a[i] == at) {
                inA = !inA;
                i++;
            }
            if (j < b.length && b[j] == at) {
                inB = !inB;
                j++;
            }
            boolean now = op.apply(inA, inB);
            if (now != in) {
                out[n++] = at;
                in = now;
            }
        }
        return n == 0 ? EMPTY : new ChunkRanges(Arrays.copyOf(out, n));
    }

    /**
     * bao-tree {@code truncate_ranges}: adapts a query to a blob of {@code size} bytes so that anything asked at
     * or past the last chunk becomes an open range that includes the last chunk. That last chunk is what proves
     * the size, and is why {@link #lastChunk()} works without knowing the size.
     */
    public ChunkRanges truncate(long size) {
        long chunks = (size >>> 10) + ((size & 1023) == 0 ? 0 : 1);
        long last = chunks == 0 ? 0 : chunks - 1;
        long[] bs = boundaries;
        int i = search(bs, 0, bs.length, last);
        int keep;
        if (i >= 0) {
            if ((i & 1) == 0) {
                keep = i + 1; // the last chunk starts a range: keep that start, drop what follows
            } else {
                keep = bs.length == i + 1 ? i + 1 : i; // a range ends at the last chunk: open it if more follows
            }
        } else {
            int ip = -i - 1;
            if ((ip & 1) == 0) {
                keep = bs.length == ip ? ip : ip + 1; // last chunk not covered: keep one later start, if any
            } else {
                keep = ip; // the last chunk is inside a range: drop its end
            }
        }
        return keep == bs.length ? this : keep == 0 ? EMPTY : new ChunkRanges(Arrays.copyOf(bs, keep));
    }

    /** The ranges as {start, end} pairs; an open last range has end {@code -1} (u64::MAX). */
    public List<long[]> ranges() {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < boundaries.length; i += 2) {
            out.add(new long[] {boundaries[i], i + 1 < boundaries.length ? boundaries[i + 1] : -1L});
        }
        return out;
    }

    /** Binary search with unsigned order in {@code bs[from, to)}, as {@link Arrays#binarySearch}, index absolute. */
    static int search(long[] bs, int from, int to, long key) {
        int lo = from;
        int hi = to - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(bs[mid], key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkRanges other && Arrays.equals(boundaries, other.boundaries);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(boundaries);
    }

    @Override
    public String toString() {
        if (isAll()) {
            return "all";
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < boundaries.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(Long.toUnsignedString(boundaries[i])).append("..");
            if (i + 1 < boundaries.length) {
                sb.append(Long.toUnsignedString(boundaries[i + 1]));
            }
        }
        return sb.append('}').toString();
    }
}
