package com.kafkaconnectiroh.p2p.blobs.bao;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.Arrays;

/**
 * The wire form of a {@link ChunkRanges} in iroh-blobs requests (iroh-blobs v0.35.0
 * {@code src/protocol/range_spec.rs}): a postcard {@code Vec<u64>} of run lengths in chunks, alternating
 * unselected and selected and starting with an unselected run. {@code [0]} selects everything, {@code []}
 * nothing, {@code [2, 5, 3, 1]} chunks {2..7, 10..11}.
 */
public final class RangeSpec {
    public static final RangeSpec EMPTY = new RangeSpec(new long[0]);
    public static final RangeSpec ALL = new RangeSpec(new long[] {0});
    /** Refuse absurd specs from the wire before allocating for them (each run costs at least one byte). */
    static final int MAX_RUNS = 1 << 16;

    private final long[] runs;

    private RangeSpec(long[] runs) {
        this.runs = runs;
    }

    public static RangeSpec of(ChunkRanges ranges) {
        long[] bs = ranges.boundaries();
        long prev = 0;
        for (int i = 0; i < bs.length; i++) {
            long b = bs[i];
            bs[i] = b - prev;
            prev = b;
        }
        return bs.length == 0 ? EMPTY : new RangeSpec(bs);
    }

    /** The run lengths as sent; need not be canonical (zero-length runs are allowed and harmless). */
    public static RangeSpec ofRuns(long... runs) {
        return new RangeSpec(runs.clone());
    }

    public long[] runs() {
        return runs.clone();
    }

    public boolean isEmpty() {
        return runs.length == 0;
    }

    public boolean isAll() {
        return runs.length == 1 && runs[0] == 0;
    }

    /**
     * The chunks selected. Runs are added as unsigned 64-bit numbers; a spec whose runs overflow that is
     * rejected, since no chunk lies there.
     */
    public ChunkRanges toChunkRanges() throws PostcardException {
        // Each run ends at a boundary where selection flips; a zero-length run flips back at the same point, so
        // the two cancel. Linear in the runs: a peer's request cannot make this quadratic.
        long[] bs = new long[runs.length];
        int n = 0;
        long current = 0;
        for (long run : runs) {
            long next = current + run;
            if (Long.compareUnsigned(next, current) < 0) {
                throw new PostcardException("range spec runs overflow u64: " + Arrays.toString(runs));
            }
            if (n > 0 && bs[n - 1] == next) {
                n--;
            } else {
                bs[n++] = next;
            }
            current = next;
        }
        return n == 0 ? ChunkRanges.empty() : ChunkRanges.trusted(Arrays.copyOf(bs, n));
    }

    public void write(PostcardWriter w) {
        w.length(runs.length);
        for (long r : runs) {
            w.varint(r);
        }
    }

    public static RangeSpec read(PostcardReader r) throws PostcardException {
        int n = r.length(1);
        if (n > MAX_RUNS) {
            throw new PostcardException("range spec with " + n + " runs, at most " + MAX_RUNS + " accepted");
        }
        if (n == 0) {
            return EMPTY;
        }
        long[] runs = new long[n];
        for (int i = 0; i < n; i++) {
            runs[i] = r.u64();
        }
        return new RangeSpec(runs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeSpec other && Arrays.equals(runs, other.runs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(runs);
    }

    @Override
    public String toString() {
        return isAll() ? "all" : isEmpty() ? "empty" : Arrays.toString(runs);
    }
}
