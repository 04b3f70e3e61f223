package com.kafkaconnectiroh.p2p.blobs.bao;

/** One element of a BAO response, in wire order (bao-tree {@code BaoChunk}). */
public sealed interface BaoItem {
    /**
     * A parent: 64 bytes on the wire (left CV, right CV). {@code outboardIndex} is its pre-order position in the
     * outboard for parents above block level, or -1 for a parent inside a block (sent only when a query cuts a
     * block). {@code left}/{@code right} say whether the query continues into that child.
     */
    record Parent(long startChunk, long chunks, boolean isRoot, boolean left, boolean right, long outboardIndex)
            implements BaoItem {
        /** bao-tree's level: the node spans 2^(level+1) chunks when full. */
        public int level() {
            return BaoTree.level(chunks);
        }

        /** bao-tree's {@code TreeNode} number (in-order numbering over chunks). */
        public long treeNode() {
            return startChunk + (1L << level()) - 1;
        }

        /** Chunks in the left child. */
        public long leftChunks() {
            return BaoTree.leftChunks(chunks);
        }
    }

    /** Data of {@code size} bytes (at most a block) starting at chunk {@code startChunk}. */
    record Leaf(long startChunk, int size, boolean isRoot) implements BaoItem {
        public long offset() {
            return startChunk * BaoTree.CHUNK_LEN;
        }
    }
}
