package com.kafkaconnectiroh.p2p.blobs.bao;

/**
 * Geometry of the BLAKE3 tree of a blob as iroh-blobs streams it: 1024-byte chunks grouped into blocks of 16
 * chunks (16 KiB, bao-tree {@code BlockSize::from_chunk_log(4)}, iroh-blobs {@code IROH_BLOCK_SIZE}).
 *
 * <p>The tree has BLAKE3's shape (BLAKE3 spec §2.1): a node over {@code n > 1} chunks has a left child over the
 * largest power of two of chunks below {@code n}. Nodes over at most 16 chunks are the blocks; the parents above
 * them are the ones an outboard stores, {@link #blocks()} − 1 of them, in pre-order.
 */
public final class BaoTree {
    public static final int CHUNK_LEN = 1024;
    /** log2 of chunks per block; iroh-blobs {@code IROH_BLOCK_SIZE}. */
    public static final int BLOCK_CHUNK_LOG = 4;
    public static final int BLOCK_CHUNKS = 1 << BLOCK_CHUNK_LOG;
    public static final int BLOCK_LEN = BLOCK_CHUNKS * CHUNK_LEN;
    /** Bytes of one stored or sent parent: left child CV then right child CV. */
    public static final int PAIR_LEN = 64;

    private final long size;

    public BaoTree(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("blob size beyond 2^63 bytes: " + Long.toUnsignedString(size));
        }
        this.size = size;
    }

    public long size() {
        return size;
    }

    /** Chunks holding data; 0 for the empty blob. */
    public long chunks() {
        return chunks(size);
    }

    static long chunks(long bytes) {
        return (bytes >>> 10) + ((bytes & (CHUNK_LEN - 1)) == 0 ? 0 : 1);
    }

    /** 16 KiB blocks; the empty blob has one (empty) block. */
    public long blocks() {
        return Math.max(1, (size >>> 14) + ((size & (BLOCK_LEN - 1)) == 0 ? 0 : 1));
    }

    /** Parents stored in the outboard: one per block but the first. */
    public long outboardPairs() {
        return blocks() - 1;
    }

    /** Bytes of the outboard, without any size prefix (iroh-blobs {@code raw_outboard_size}). */
    public long outboardSize() {
        return outboardPairs() * PAIR_LEN;
    }

    /** Chunks in the left child of a node over {@code n >= 2} chunks. */
    static long leftChunks(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** bao-tree level of a node over {@code n >= 2} chunks: it spans 2^(level+1) chunks when full. */
    static int level(long n) {
        return 64 - Long.numberOfLeadingZeros(n - 1) - 1;
    }

    /** Byte length of the node starting at {@code startChunk} that spans {@code chunks} chunks, cut at the size. */
    long nodeBytes(long startChunk, long spanChunks) {
        long start = startChunk * CHUNK_LEN;
        return Math.min(size - start, spanChunks * CHUNK_LEN);
    }

    @Override
    public String toString() {
        return "BaoTree(size " + size + ", " + blocks() + " blocks)";
    }
}
