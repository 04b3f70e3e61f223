package com.kafkaconnectiroh.p2p.blobs.bao;

import java.io.IOException;

/**
 * The data or outboard being served does not hash to what the tree above it says: the store is corrupt, and
 * nothing of the bad node was written (bao-tree {@code EncodeError::{ParentHashMismatch, LeafHashMismatch}}).
 */
public final class BaoEncodeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public BaoEncodeException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    /**
     * The first byte of the blob under the node that failed. For a query of the whole blob every byte before it
     * was verified (the items go left to right), so a reader of the whole blob can keep that prefix.
     */
    public long offset() {
        return offset;
    }
}
