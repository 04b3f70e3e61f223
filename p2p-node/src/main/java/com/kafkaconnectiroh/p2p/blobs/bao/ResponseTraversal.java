package com.kafkaconnectiroh.p2p.blobs.bao;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The items of the response to a query, in the order they are sent: pre-order, parents before their
 * children, left before right (bao-tree v0.15.2 {@code iter.rs::ResponseIter}, which the encoder in
 * {@code io/fsm.rs::encode_ranges_validated} and the decoder both follow; the same at v0.16.0).
 *
 * <p>Rules, in chunks: the query is first {@link ChunkRanges#truncate truncated} to the size. A node whose
 * query part is empty is skipped. A single chunk, or a node of at most 16 chunks whose query part is
 * everything from its start on, is one leaf. Any other node is a parent, followed by its children. Above block
 * level every touched parent is sent; inside a block only when the query cuts it.
 *
 * <p>"Everything" follows bao-tree's split exactly (range_collections {@code RangeSetRef::split} and bao-tree
 * {@code split_inner}): the query is cut at each node's middle, a part that is a single open range starting at
 * or before the child's start becomes "all". A range ending on an ancestor's middle so counts as open. Memory:
 * a stack as deep as the tree, at most 64 entries.
 */
public final class ResponseTraversal implements Iterator<BaoItem> {
    private static final int ALL = -1;
    private static final int MAX_DEPTH = 130;

    private final BaoTree tree;
    private final long[] bs;
    // The stack of nodes still to visit, as parallel arrays.
    private final long[] start = new long[MAX_DEPTH];
    private final long[] len = new long[MAX_DEPTH];
    private final int[] lo = new int[MAX_DEPTH];
    private final int[] hi = new int[MAX_DEPTH];
    private final long[] outboardIndex = new long[MAX_DEPTH];
    private final boolean[] root = new boolean[MAX_DEPTH];
    private int sp;

    public ResponseTraversal(BaoTree tree, ChunkRanges query) {
        this.tree = tree;
        ChunkRanges truncated = query.truncate(tree.size());
        this.bs = truncated.boundaries();
        if (bs.length > 0) {
            push(0, tree.size(), 0, bs.length, 0, true);
        }
    }

    public BaoTree tree() {
        return tree;
    }

    @Override
    public boolean hasNext() {
        return sp > 0;
    }

    @Override
    public BaoItem next() {
        if (sp == 0) {
            throw new NoSuchElementException();
        }
        sp--;
        long s = start[sp];
        long bytes = len[sp];
        int l = lo[sp];
        int h = hi[sp];
        long index = outboardIndex[sp];
        boolean isRoot = root[sp];
        long n = Math.max(1, BaoTree.chunks(bytes));
        boolean all = h == ALL || (h - l == 1 && bs[l] == 0);
        if (n == 1 || (all && n <= BaoTree.BLOCK_CHUNKS)) {
            return new BaoItem.Leaf(s, (int) bytes, isRoot);
        }
        long m = BaoTree.leftChunks(n);
        long mid = s + m;
        // Split the query at the middle (range_collections split), canonicalising as bao-tree split_inner.
        int leftLo;
        int leftHi;
        int rightLo;
        int rightHi;
        if (h == ALL) {
            leftLo = ALL;
            leftHi = ALL;
            rightLo = ALL;
            rightHi = ALL;
        } else {
            int i = ChunkRanges.search(bs, l, h, mid);
            boolean found = i >= 0;
            int at = found ? i : -i - 1;
            boolean odd = ((at - l) & 1) == 1;
            leftLo = l;
            leftHi = at;
            rightHi = h;
            if (!odd) {
                rightLo = at;
            } else if (found) {
                rightLo = Math.min(at + 1, h); // a range ends exactly at the middle
            } else {
                rightLo = at - 1; // the middle is inside a range: the right part starts with that range's start
            }
            if (leftHi - leftLo == 1 && Long.compareUnsigned(bs[leftLo], s) <= 0) {
                leftHi = ALL;
            }
            if (rightHi - rightLo == 1 && Long.compareUnsigned(bs[rightLo], mid) <= 0) {
                rightHi = ALL;
            }
        }
        boolean goLeft = leftHi == ALL || leftHi > leftLo;
        boolean goRight = rightHi == ALL || rightHi > rightLo;
        boolean aboveBlocks = n > BaoTree.BLOCK_CHUNKS;
        long leftBytes = m * BaoTree.CHUNK_LEN;
        // Pre-order: the left subtree's parents directly follow this one, the right's after those m/16 - 1.
        if (goRight) {
            push(mid, bytes - leftBytes, rightLo, rightHi, aboveBlocks ? index + m / BaoTree.BLOCK_CHUNKS : -1, false);
        }
        if (goLeft) {
            push(s, leftBytes, leftLo, leftHi, aboveBlocks ? index + 1 : -1, false);
        }
        return new BaoItem.Parent(s, n, isRoot, goLeft, goRight, aboveBlocks ? index : -1);
    }

    private void push(long s, long bytes, int l, int h, long index, boolean isRoot) {
        start[sp] = s;
        len[sp] = bytes;
        lo[sp] = l;
        hi[sp] = h;
        outboardIndex[sp] = index;
        root[sp] = isRoot;
        sp++;
    }
}
