package com.kafkaconnectiroh.p2p.quic.util;

import java.util.Arrays;

/**
 * A set of {@code long}s kept as sorted, disjoint, non-adjacent half-open ranges {@code [start, end)}. Used for
 * received packet numbers (ACK ranges), acknowledged and lost stream byte ranges, and reassembly.
 * Arrays grow on demand; no per-operation allocation once grown.
 */
public final class RangeSet {
    private long[] starts;
    private long[] ends;
    private int size;

    public RangeSet() {
        this(4);
    }

    public RangeSet(int initialCapacity) {
        starts = new long[Math.max(1, initialCapacity)];
        ends = new long[Math.max(1, initialCapacity)];
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public long start(int i) {
        return starts[i];
    }

    public long end(int i) {
        return ends[i];
    }

    /** Smallest element; only when non-empty. */
    public long min() {
        return starts[0];
    }

    /** Largest element; only when non-empty. */
    public long max() {
        return ends[size - 1] - 1;
    }

    public void clear() {
        size = 0;
    }

    /** Index of the first range whose end is >= v (a range that contains or touches v, or follows it). */
    private int firstEndingAtOrAfter(long v) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    public boolean contains(long v) {
        int i = firstEndingAtOrAfter(v + 1);
        return i < size && starts[i] <= v;
    }

    /** True if every element of {@code [start, end)} is in the set. */
    public boolean containsAll(long start, long end) {
        if (start >= end) {
            return true;
        }
        int i = firstEndingAtOrAfter(end);
        return i < size && starts[i] <= start;
    }

    public boolean add(long v) {
        return add(v, v + 1);
    }

    /** Adds {@code [start, end)}; returns true if any element was new. */
    public boolean add(long start, long end) {
        if (start >= end) {
            return false;
        }
        // fast path: append at the end (the common case for packet numbers and in-order data)
        if (size == 0 || start > ends[size - 1]) {
            ensure(size + 1);
            starts[size] = start;
            ends[size] = end;
            size++;
            return true;
        }
        int i = firstEndingAtOrAfter(start); // first range that overlaps/touches or lies after
        if (i < size && starts[i] <= start && ends[i] >= end) {
            return false;
        }
        // last range that starts at or before end (touching counts)
        int j = i;
        while (j < size && starts[j] <= end) {
            j++;
        }
        // ranges [i, j) merge with the new one
        if (i == j) {
            ensure(size + 1);
            System.arraycopy(starts, i, starts, i + 1, size - i);
            System.arraycopy(ends, i, ends, i + 1, size - i);
            starts[i] = start;
            ends[i] = end;
            size++;
            return true;
        }
        long ns = Math.min(start, starts[i]);
        long ne = Math.max(end, ends[j - 1]);
        starts[i] = ns;
        ends[i] = ne;
        int removed = j - i - 1;
        if (removed > 0) {
            System.arraycopy(starts, j, starts, i + 1, size - j);
            System.arraycopy(ends, j, ends, i + 1, size - j);
            size -= removed;
        }
        return true;
    }

    /** Removes {@code [start, end)}. */
    public void remove(long start, long end) {
        if (start >= end || size == 0) {
            return;
        }
        int i = firstEndingAtOrAfter(start + 1); // first range with end > start
        while (i < size && starts[i] < end) {
            long s = starts[i];
            long e = ends[i];
            if (s < start && e > end) {
                // split
                ensure(size + 1);
                System.arraycopy(starts, i + 1, starts, i + 2, size - i - 1);
                System.arraycopy(ends, i + 1, ends, i + 2, size - i - 1);
                ends[i] = start;
                starts[i + 1] = end;
                ends[i + 1] = e;
                size++;
                return;
            }
            if (s < start) {
                ends[i] = start;
                i++;
            } else if (e > end) {
                starts[i] = end;
                return;
            } else {
                removeAt(i);
            }
        }
    }

    /** Removes every element below {@code v}. */
    public void removeBelow(long v) {
        if (size == 0 || starts[0] >= v) {
            return;
        }
        remove(Long.MIN_VALUE, v);
    }

    public void removeAt(int i) {
        System.arraycopy(starts, i + 1, starts, i, size - i - 1);
        System.arraycopy(ends, i + 1, ends, i, size - i - 1);
        size--;
    }

    /** Removes and returns nothing; drops the lowest range (bounding memory for ACK ranges). */
    public void removeFirst() {
        removeAt(0);
    }

    /** The end of the range that starts at {@code v} or contains it, else {@code v} (no contiguous data). */
    public long contiguousEnd(long v) {
        int i = firstEndingAtOrAfter(v + 1);
        if (i < size && starts[i] <= v) {
            return ends[i];
        }
        return v;
    }

    private void ensure(int n) {
        if (n > starts.length) {
            int cap = Math.max(n, starts.length * 2);
            starts = Arrays.copyOf(starts, cap);
            ends = Arrays.copyOf(ends, cap);
        }
    }

    /** Total number of elements. */
    public long cardinality() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            n += ends[i] - starts[i];
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('[').append(starts[i]).append(", ").append(ends[i]).append(')');
        }
        return sb.append('}').toString();
    }
}
