package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;

/**
 * Protects a blob (and, for a hash sequence, its children) from garbage collection while open, in this process
 * only (iroh-blobs {@code TempTag}). Imports and downloads hand one out so that what they made survives until
 * the caller has set a real tag. Closing twice is harmless.
 */
public final class TempTag implements AutoCloseable {
    private final AbstractBlobStore store;
    private final HashAndFormat content;
    private boolean closed;

    TempTag(AbstractBlobStore store, HashAndFormat content) {
        this.store = store;
        this.content = content;
    }

    public HashAndFormat content() {
        return content;
    }

    public Hash hash() {
        return content.hash();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        store.releaseTempTag(content);
    }

    @Override
    public String toString() {
        return "TempTag(" + content + ")";
    }
}
