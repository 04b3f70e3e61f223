package com.kafkaconnectiroh.p2p.blobs.bao;

import java.nio.ByteBuffer;

/** What {@link BaoDecoder} hands out, in stream order; everything but {@link Size} is verified. */
public sealed interface BaoEvent {
    /** The 8-byte size prefix: not yet verified; it is once the last chunk has been ({@link Leaf#provesSize}). */
    record Size(long size) implements BaoEvent {}

    /**
     * A verified parent: {@code pair} is left CV then right CV. Parents with {@code node.outboardIndex() >= 0}
     * are the ones a pre-order outboard stores, at that index.
     */
    record Parent(BaoItem.Parent node, byte[] pair) implements BaoEvent {}

    /**
     * Verified data at byte {@code offset}. {@code data} is a read-only view valid until the decoder is fed
     * again. {@code provesSize}: this leaf holds the blob's last chunk, so the size is now verified.
     */
    record Leaf(long offset, ByteBuffer data, boolean provesSize) implements BaoEvent {}
}
