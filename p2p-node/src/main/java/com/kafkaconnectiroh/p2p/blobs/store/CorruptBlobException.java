package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.io.IOException;

/**
 * A complete blob's stored bytes (or outboard) no longer match its hash: the disk or someone changed them. The
 * store has already stopped treating the blob as complete when this is thrown: it keeps the prefix that verified
 * ({@link FsBlobStore}) or drops the blob, so a download of it fetches what is missing again, and an import of the
 * same content replaces it. Nothing unverified was handed out before this was thrown.
 */
public final class CorruptBlobException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Hash hash;
    private final long verifiedBytes;

    CorruptBlobException(Hash hash, long verifiedBytes, String message, Throwable cause) {
        super("stored blob " + hash + " fails verification: " + message, cause);
        this.hash = hash;
        this.verifiedBytes = verifiedBytes;
    }

    public Hash hash() {
        return hash;
    }

    /** Bytes from the start that did verify (0 if the damage was found elsewhere than in a whole read). */
    public long verifiedBytes() {
        return verifiedBytes;
    }
}
