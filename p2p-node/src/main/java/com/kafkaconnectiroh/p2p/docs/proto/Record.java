package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.util.Objects;

/**
 * The value part of an entry (iroh-docs {@code Record}): the content's length and BLAKE3 hash, and when it was
 * written, in microseconds since the Unix epoch. Length and timestamp are unsigned 64-bit numbers held in
 * {@code long}s. An empty record ({@link Hash#EMPTY}, length 0) is a deletion marker.
 *
 * <p>Records order by timestamp, then hash (DO@v0.35.0 {@code src/sync.rs}, {@code Ord for Record}): the greater
 * one wins under last-writer-wins. The length takes no part.
 */
public record Record(long len, Hash hash, long timestamp) implements Comparable<Record> {
    public Record {
        Objects.requireNonNull(hash, "hash");
    }

    /** A deletion marker written at {@code timestamp}. */
    public static Record empty(long timestamp) {
        return new Record(0, Hash.EMPTY, timestamp);
    }

    /** A deletion marker (the empty hash), whatever the length says. */
    public boolean isEmpty() {
        return hash.equals(Hash.EMPTY);
    }

    /** Length 0 exactly with the empty hash (iroh's {@code validate_empty}). */
    public boolean isConsistent() {
        return (len == 0) == hash.equals(Hash.EMPTY);
    }

    @Override
    public int compareTo(Record o) {
        int c = Long.compareUnsigned(timestamp, o.timestamp);
        return c != 0 ? c : hash.compareTo(o.hash);
    }

    @Override
    public String toString() {
        return "Record[" + Long.toUnsignedString(len) + " bytes, " + hash.fmtShort() + ", t=" + Long.toUnsignedString(timestamp) + "]";
    }
}
