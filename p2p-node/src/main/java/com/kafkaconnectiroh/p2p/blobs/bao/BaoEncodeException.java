package com.kafkaconnectiroh.p2p.blobs.bao;

import java.io.IOException;

/**
 * The data or outboard being served does not hash to what the tree above it says: the store is corrupt, and
 * nothing of the bad node was written (bao-tree {@code EncodeError::{ParentHashMismatch, LeafHashMismatch}}).
 */
public final class BaoEncodeException extends IOException {
    private static final long serialVersionUID = 1L;

    public BaoEncodeException(String message) {
        super(message);
    }
}
