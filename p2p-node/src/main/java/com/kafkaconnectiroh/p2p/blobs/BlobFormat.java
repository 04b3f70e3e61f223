package com.kafkaconnectiroh.p2p.blobs;

/**
 * How to read a blob (iroh-blobs v0.35.0 {@code src/util.rs::BlobFormat}; postcard variant index on the wire):
 * {@link #RAW} is just bytes, {@link #HASH_SEQ} is a {@link HashSeq} whose children belong with it (downloads
 * fetch them, garbage collection keeps them).
 */
public enum BlobFormat {
    RAW,
    HASH_SEQ;

    /** The postcard variant index: Raw = 0, HashSeq = 1. */
    public int wireValue() {
        return ordinal();
    }

    public static BlobFormat fromWire(int v) {
        return switch (v) {
            case 0 -> RAW;
            case 1 -> HASH_SEQ;
            default -> throw new IllegalArgumentException("unknown blob format " + v + " (Raw = 0, HashSeq = 1)");
        };
    }

    public boolean isHashSeq() {
        return this == HASH_SEQ;
    }
}
