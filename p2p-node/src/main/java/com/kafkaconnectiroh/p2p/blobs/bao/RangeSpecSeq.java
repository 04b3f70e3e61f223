package com.kafkaconnectiroh.p2p.blobs.bao;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The ranges of a request for a blob and its children (iroh-blobs v0.35.0 {@code src/protocol/range_spec.rs}
 * {@code RangeSpecSeq}; v0.103 {@code ChunkRangesSeq}, same wire): an infinite sequence of {@link RangeSpec}s,
 * index 0 for the requested blob itself and index {@code i} for child {@code i - 1} of a hash sequence. On the
 * wire a postcard {@code Vec<(u64, RangeSpec)>}, run-length coded: each count says how many times the
 * <em>previous</em> spec (initially {@link RangeSpec#EMPTY}) repeats before this one; the last spec repeats
 * forever.
 */
public final class RangeSpecSeq {
    /** One run: {@code count} repetitions of the previous spec, then {@code spec}. */
    public record Entry(long count, RangeSpec spec) {
        public Entry {
            Objects.requireNonNull(spec);
        }
    }

    /** Bounds what a peer can make us allocate. */
    static final int MAX_ENTRIES = 1 << 16;

    private static final RangeSpecSeq EMPTY = new RangeSpecSeq(List.of());
    private static final RangeSpecSeq ALL = new RangeSpecSeq(List.of(new Entry(0, RangeSpec.ALL)));

    private final List<Entry> entries;

    private RangeSpecSeq(List<Entry> entries) {
        this.entries = entries;
    }

    /** Nothing for any index. */
    public static RangeSpecSeq empty() {
        return EMPTY;
    }

    /** Everything of the blob and of every child. */
    public static RangeSpecSeq all() {
        return ALL;
    }

    public static RangeSpecSeq ofEntries(List<Entry> entries) {
        return new RangeSpecSeq(List.copyOf(entries));
    }

    /** The given ranges for indexes 0, 1, ...; nothing for all later indexes. */
    public static RangeSpecSeq fromRanges(List<ChunkRanges> ranges) {
        List<RangeSpec> specs = new ArrayList<>();
        for (ChunkRanges r : ranges) {
            specs.add(RangeSpec.of(r));
        }
        specs.add(RangeSpec.EMPTY);
        return ofSpecs(specs);
    }

    /** The given ranges for indexes 0, 1, ...; the last one repeats for all later indexes. */
    public static RangeSpecSeq fromRangesInfinite(List<ChunkRanges> ranges) {
        List<RangeSpec> specs = new ArrayList<>();
        for (ChunkRanges r : ranges) {
            specs.add(RangeSpec.of(r));
        }
        return ofSpecs(specs);
    }

    private static RangeSpecSeq ofSpecs(List<RangeSpec> specs) {
        List<Entry> out = new ArrayList<>();
        RangeSpec prev = RangeSpec.EMPTY;
        long count = 0;
        for (RangeSpec s : specs) {
            if (s.equals(prev)) {
                count++;
            } else {
                out.add(new Entry(count, s));
                prev = s;
                count = 1;
            }
        }
        return new RangeSpecSeq(Collections.unmodifiableList(out));
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The spec for {@code index} (0 = the blob, i = child i - 1), index unsigned-free: non-negative. */
    public RangeSpec get(long index) {
        RangeSpec current = RangeSpec.EMPTY;
        long position = 0;
        for (Entry e : entries) {
            // Positions [position, position + count) still hold the previous spec.
            if (Long.compareUnsigned(index - position, e.count()) < 0) {
                return current;
            }
            position += e.count();
            current = e.spec();
        }
        return current;
    }

    /** If only index 0 (or one single child index) is asked for: that index and its spec (iroh's as_single). */
    public Entry asSingle() {
        if (entries.size() != 2) {
            return null;
        }
        Entry first = entries.get(0);
        Entry second = entries.get(1);
        return second.count() == 1 && second.spec().isEmpty() ? first : null;
    }

    /**
     * The indexes with a non-empty spec up to {@code limit} (exclusive), in order: what a provider walks for a
     * hash sequence with {@code limit - 1} children.
     */
    public List<Long> nonEmptyIndexes(long limit) {
        List<Long> out = new ArrayList<>();
        for (long i = 0; i < limit; i++) {
            if (!get(i).isEmpty()) {
                out.add(i);
            }
        }
        return out;
    }

    public void write(PostcardWriter w) {
        w.length(entries.size());
        for (Entry e : entries) {
            w.varint(e.count());
            e.spec().write(w);
        }
    }

    public static RangeSpecSeq read(PostcardReader r) throws PostcardException {
        int n = r.length(2);
        if (n > MAX_ENTRIES) {
            throw new PostcardException("range spec sequence with " + n + " entries, at most " + MAX_ENTRIES);
        }
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long count = r.u64();
            entries.add(new Entry(count, RangeSpec.read(r)));
        }
        return new RangeSpecSeq(Collections.unmodifiableList(entries));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeSpecSeq other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
