package com.kafkaconnectiroh.p2p.blobs.bao;

/** A BAO response failed verification; {@link #kind()} says how. Nothing from the bad item on was emitted. */
public final class BaoDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** A parent pair does not hash to the CV its parent (or the root hash) promised. */
        PARENT_HASH_MISMATCH,
        /** Leaf data does not hash to the CV its parent (or the root hash) promised. */
        LEAF_HASH_MISMATCH,
        /** The stream ended before the response was complete. */
        TRUNCATED,
        /** Bytes followed a complete response where none may. */
        TRAILING_BYTES,
        /** The size prefix is beyond any possible blob (2^63 bytes or more). */
        SIZE_OUT_OF_RANGE,
    }

    private final Kind kind;

    public BaoDecodeException(Kind kind, String message) {
        super(kind + ": " + message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
