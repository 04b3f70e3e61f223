package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;

/** What a store holds of a blob. */
public sealed interface BlobStatus {
    /** All of the blob, verified: {@code size} is its exact size. */
    record Complete(long size) implements BlobStatus {}

    /**
     * Part of the blob: {@code present} are the 1024-byte chunks held, each verified against the hash before it
     * was stored. {@code size} is what a provider claimed (-1 before any did); it is proven once the last chunk
     * has been verified ({@code sizeVerified}).
     */
    record Partial(long size, boolean sizeVerified, ChunkRanges present) implements BlobStatus {}

    /** Nothing of the blob. */
    record Absent() implements BlobStatus {}

    BlobStatus ABSENT = new Absent();

    default boolean isComplete() {
        return this instanceof Complete;
    }
}
