package com.kafkaconnectiroh.p2p.blobs.bao;

import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Verifies one blob's BAO response as bytes arrive, without I/O of its own (iroh-blobs v0.35.0 {@code get.rs},
 * bao-tree {@code io/fsm.rs::ResponseDecoder}): feed whatever bytes came, in any split, and take the
 * {@link BaoEvent}s it hands back. It reads the size prefix, walks the same {@link ResponseTraversal} as the
 * sender (for the claimed size), and checks every parent and leaf against the root hash before handing it
 * out, so the first bad one fails with a {@link BaoDecodeException} and nothing after it is emitted. A size
 * that lies changes the tree, so it fails at the first node that shows it, at the latest at the last chunk.
 *
 * <p>Memory: one block and a stack as deep as the tree, whatever the blob size. Not thread-safe.
 */
public final class BaoDecoder {
    private final byte[] rootHash;
    private final ChunkRanges ranges;
    private final HashStack expected = new HashStack();
    private final byte[] buf = new byte[BaoTree.BLOCK_LEN];
    private final byte[] cv = new byte[32];
    private final ByteBuffer view = ByteBuffer.wrap(buf).asReadOnlyBuffer();
    private ResponseTraversal items;
    private BaoItem current;
    private int need;
    private int have;
    private long size = -1;
    private boolean sizeVerified;
    private boolean done;
    private BaoDecodeException failure;

    /** Decodes the response to {@code ranges} (as requested, before truncation) of the blob {@code rootHash}. */
    public BaoDecoder(byte[] rootHash, ChunkRanges ranges) {
        if (rootHash.length != 32) {
            throw new IllegalArgumentException("root hash must be 32 bytes, got " + rootHash.length);
        }
        this.rootHash = rootHash.clone();
        this.ranges = ranges;
        this.need = 8;
    }

    /**
     * Consumes bytes from {@code in} until the next event is complete and verified, and returns it; returns
     * null once {@code in} is exhausted (feed more) or the response is {@link #isDone() done}, leaving any bytes
     * after the response in {@code in}. Call again until it returns null.
     */
    public BaoEvent feed(ByteBuffer in) throws BaoDecodeException {
        if (failure != null) {
            throw failure;
        }
        if (done) {
            return null;
        }
        int n = Math.min(need - have, in.remaining());
        in.get(buf, have, n);
        have += n;
        if (have < need) {
            return null;
        }
        try {
            return complete();
        } catch (BaoDecodeException e) {
            failure = e;
            throw e;
        }
    }

    /** The end of the stream: fails with {@link BaoDecodeException.Kind#TRUNCATED} unless the response is done. */
    public void finish() throws BaoDecodeException {
        if (failure != null) {
            throw failure;
        }
        if (!done) {
            failure = new BaoDecodeException(BaoDecodeException.Kind.TRUNCATED, size < 0
                    ? "stream ended after " + have + " of 8 size bytes"
                    : "stream ended inside or before " + describe(current) + " (" + have + " of " + need + " bytes)");
            throw failure;
        }
    }

    public boolean isDone() {
        return done;
    }

    /** The claimed size, or -1 before the prefix arrived. */
    public long size() {
        return size;
    }

    /** Whether the last chunk has been verified, which proves {@link #size()}. */
    public boolean sizeVerified() {
        return sizeVerified;
    }

    /**
     * Decodes a complete response and collects its events (leaf data copied). Bytes after the response fail
     * with {@link BaoDecodeException.Kind#TRAILING_BYTES}.
     */
    public static List<BaoEvent> decodeAll(byte[] rootHash, ChunkRanges ranges, byte[] encoded)
            throws BaoDecodeException {
        BaoDecoder d = new BaoDecoder(rootHash, ranges);
        ByteBuffer in = ByteBuffer.wrap(encoded);
        List<BaoEvent> events = new ArrayList<>();
        for (BaoEvent e; (e = d.feed(in)) != null; ) {
            if (e instanceof BaoEvent.Leaf l) {
                byte[] copy = new byte[l.data().remaining()];
                l.data().get(copy);
                e = new BaoEvent.Leaf(l.offset(), ByteBuffer.wrap(copy).asReadOnlyBuffer(), l.provesSize());
            }
            events.add(e);
        }
        d.finish();
        if (in.hasRemaining()) {
            throw new BaoDecodeException(BaoDecodeException.Kind.TRAILING_BYTES,
                    in.remaining() + " bytes after a complete response of " + in.position());
        }
        return events;
    }

    private BaoEvent complete() throws BaoDecodeException {
        have = 0;
        if (size < 0) {
            long claimed = ByteBuffer.wrap(buf, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (claimed < 0) {
                throw new BaoDecodeException(BaoDecodeException.Kind.SIZE_OUT_OF_RANGE,
                        "size prefix " + Long.toUnsignedString(claimed));
            }
            size = claimed;
            items = new ResponseTraversal(new BaoTree(size), ranges);
            expected.push(rootHash, 0);
            advance();
            return new BaoEvent.Size(size);
        }
        BaoItem item = current;
        BaoEvent event;
        if (item instanceof BaoItem.Parent p) {
            Blake3.parentChainingValue(buf, 0, buf, 32, p.isRoot(), cv, 0);
            if (!expected.popMatches(cv, 0)) {
                throw new BaoDecodeException(BaoDecodeException.Kind.PARENT_HASH_MISMATCH, describe(p));
            }
            if (p.right()) {
                expected.push(buf, 32);
            }
            if (p.left()) {
                expected.push(buf, 0);
            }
            event = new BaoEvent.Parent(p, Arrays.copyOf(buf, BaoTree.PAIR_LEN));
        } else {
            BaoItem.Leaf l = (BaoItem.Leaf) item;
            Blake3.subtreeChainingValue(ByteBuffer.wrap(buf), 0, l.size(), l.startChunk(), l.isRoot(), cv, 0);
            if (!expected.popMatches(cv, 0)) {
                throw new BaoDecodeException(BaoDecodeException.Kind.LEAF_HASH_MISMATCH, describe(l));
            }
            boolean last = l.offset() + l.size() == size;
            sizeVerified |= last;
            event = new BaoEvent.Leaf(l.offset(), view.duplicate().position(0).limit(l.size()).slice(), last);
        }
        advance();
        return event;
    }

    private void advance() {
        if (items.hasNext()) {
            current = items.next();
            need = current instanceof BaoItem.Leaf l ? l.size() : BaoTree.PAIR_LEN;
        } else {
            current = null;
            done = true;
        }
    }

    private static String describe(BaoItem item) {
        if (item instanceof BaoItem.Parent p) {
            return "parent over chunks " + p.startChunk() + ".." + (p.startChunk() + p.chunks()) + (p.isRoot()
                    ? " (root)" : "");
        }
        if (item instanceof BaoItem.Leaf l) {
            return "leaf of " + l.size() + " bytes at byte " + l.offset() + (l.isRoot() ? " (root)" : "");
        }
        return "the size prefix";
    }
}
