package com.kafkaconnectiroh.p2p.blobs.bao;

import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Writes the response to a range query as iroh-blobs sends it for one blob: the u64 little-endian size, then the
 * {@link ResponseTraversal} items, parents as 64-byte pairs and leaves as raw data, with no framing (iroh-blobs
 * v0.35.0 {@code provider.rs::send_blob}, bao-tree {@code io/fsm.rs::encode_ranges_validated}). Every parent
 * and leaf is checked against the root hash before it is written, so a corrupt store fails with
 * {@link BaoEncodeException} instead of sending bad data.
 *
 * <p>Pull-based for flow-controlled streams: {@link #writeTo(ByteBuffer)} fills what fits. Memory: one block.
 * A provider skips blobs whose ranges are empty entirely (no size either); this class always writes the size.
 */
public final class BaoEncoder {
    /** Random access to the blob's bytes. */
    @FunctionalInterface
    public interface DataReader {
        void readFully(long offset, byte[] dst, int dstOff, int len) throws IOException;

        static DataReader of(byte[] data) {
            return (offset, dst, dstOff, len) -> {
                if (offset + len > data.length) {
                    throw new EOFException("blob data ends at " + data.length + ", need " + (offset + len));
                }
                System.arraycopy(data, (int) offset, dst, dstOff, len);
            };
        }

        static DataReader of(FileChannel ch) {
            return (offset, dst, dstOff, len) -> {
                ByteBuffer b = ByteBuffer.wrap(dst, dstOff, len);
                while (b.hasRemaining()) {
                    if (ch.read(b, offset + b.position() - dstOff) < 0) {
                        throw new EOFException("file ends before byte " + (offset + len));
                    }
                }
            };
        }
    }

    private final DataReader data;
    private final Outboard outboard;
    private final ResponseTraversal items;
    private final HashStack expected = new HashStack();
    private final byte[] buf = new byte[BaoTree.BLOCK_LEN];
    /** The bytes under a parent inside a block (only for queries that cut blocks). */
    private final byte[] nodeData = new byte[BaoTree.BLOCK_LEN];
    private final byte[] cv = new byte[32];
    private int pending;
    private int pendingPos;
    /** Where the item in {@link #buf} starts in the blob if it is a leaf, else -1. */
    private long leafOffset = -1;

    /** Takes verified leaf data: {@code len} bytes of {@code data} that sit at {@code offset} in the blob. */
    @FunctionalInterface
    public interface LeafSink {
        void accept(long offset, byte[] data, int len) throws IOException;
    }

    public BaoEncoder(DataReader data, Outboard outboard, ChunkRanges ranges) {
        this.data = data;
        this.outboard = outboard;
        this.items = new ResponseTraversal(outboard.tree(), ranges);
        expected.push(outboard.root(), 0);
        ByteBuffer.wrap(buf, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(outboard.size());
        pending = 8;
    }

    /** The whole response for {@code ranges} of {@code data}. */
    public static byte[] encode(byte[] data, Outboard outboard, ChunkRanges ranges) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(DataReader.of(data), outboard, ranges, out);
        return out.toByteArray();
    }

    public static void encode(DataReader data, Outboard outboard, ChunkRanges ranges, OutputStream out)
            throws IOException {
        BaoEncoder e = new BaoEncoder(data, outboard, ranges);
        while (e.produce()) {
            out.write(e.buf, e.pendingPos, e.pending - e.pendingPos);
            e.pendingPos = e.pending;
        }
    }

    public static void encode(DataReader data, Outboard outboard, ChunkRanges ranges, WritableByteChannel out)
            throws IOException {
        BaoEncoder e = new BaoEncoder(data, outboard, ranges);
        while (e.produce()) {
            ByteBuffer b = ByteBuffer.wrap(e.buf, e.pendingPos, e.pending - e.pendingPos);
            while (b.hasRemaining()) {
                out.write(b);
            }
            e.pendingPos = e.pending;
        }
    }

    /**
     * Checks {@code ranges} of the stored data against the outboard and the root hash, as {@link #writeTo} would
     * send them, and hands {@code sink} only the verified leaf data, in blob order. The first parent or leaf that
     * does not match ends it with {@link BaoEncodeException} (nothing of that node reaches the sink). Memory: one
     * block.
     */
    public static void verifyLeaves(DataReader data, Outboard outboard, ChunkRanges ranges, LeafSink sink)
            throws IOException {
        BaoEncoder e = new BaoEncoder(data, outboard, ranges);
        e.pendingPos = e.pending; // the size header is ours, not the data's
        while (e.produce()) {
            if (e.leafOffset >= 0) {
                sink.accept(e.leafOffset, e.buf, e.pending);
            }
            e.pendingPos = e.pending;
        }
    }

    /** Copies as much of the response as fits into {@code dst}; true once all of it has been written. */
    public boolean writeTo(ByteBuffer dst) throws IOException {
        while (produce()) {
            if (!dst.hasRemaining()) {
                return false;
            }
            int n = Math.min(dst.remaining(), pending - pendingPos);
            dst.put(buf, pendingPos, n);
            pendingPos += n;
        }
        return true;
    }

    /** Stored data that ends early is as damaged as data that does not hash: both end the response here. */
    private void readData(long offset, byte[] dst, int len) throws IOException {
        try {
            data.readFully(offset, dst, 0, len);
        } catch (EOFException e) {
            throw new BaoEncodeException("blob data ends before byte " + (offset + len) + " of " + outboard.size()
                    + " (" + e.getMessage() + ")", offset);
        }
    }

    /** Ensures unsent bytes are buffered; false when the response is complete. */
    private boolean produce() throws IOException {
        if (pendingPos < pending) {
            return true;
        }
        if (!items.hasNext()) {
            return false;
        }
        BaoItem item = items.next();
        pendingPos = 0;
        leafOffset = -1;
        if (item instanceof BaoItem.Parent p) {
            if (p.outboardIndex() >= 0) {
                try {
                    outboard.readPair(p.outboardIndex(), buf, 0);
                } catch (UncheckedIOException e) { // an outboard read from a file
                    if (e.getCause() instanceof EOFException) {
                        throw new BaoEncodeException("outboard ends before the parent at chunk " + p.startChunk()
                                + " (" + e.getCause().getMessage() + ")", p.startChunk() * BaoTree.CHUNK_LEN);
                    }
                    throw e.getCause();
                }
            } else {
                // A parent inside a block, sent because the query cuts the block: hash its halves from the data.
                int bytes = (int) outboard.tree().nodeBytes(p.startChunk(), p.chunks());
                readData(p.startChunk() * BaoTree.CHUNK_LEN, nodeData, bytes);
                int leftBytes = (int) (p.leftChunks() * BaoTree.CHUNK_LEN);
                ByteBuffer node = ByteBuffer.wrap(nodeData, 0, bytes);
                Blake3.subtreeChainingValue(node, 0, leftBytes, p.startChunk(), false, buf, 0);
                Blake3.subtreeChainingValue(node, leftBytes, bytes - leftBytes, p.startChunk() + p.leftChunks(), false,
                        buf, 32);
            }
            Blake3.parentChainingValue(buf, 0, buf, 32, p.isRoot(), cv, 0);
            if (!expected.popMatches(cv, 0)) {
                throw new BaoEncodeException("outboard parent at chunk " + p.startChunk() + " (level " + p.level()
                        + ") does not match the hash above it", p.startChunk() * BaoTree.CHUNK_LEN);
            }
            if (p.right()) {
                expected.push(buf, 32);
            }
            if (p.left()) {
                expected.push(buf, 0);
            }
            pending = BaoTree.PAIR_LEN;
        } else {
            BaoItem.Leaf l = (BaoItem.Leaf) item;
            readData(l.offset(), buf, l.size());
            Blake3.subtreeChainingValue(ByteBuffer.wrap(buf), 0, l.size(), l.startChunk(), l.isRoot(), cv, 0);
            if (!expected.popMatches(cv, 0)) {
                throw new BaoEncodeException("blob data at byte " + l.offset() + " (" + l.size()
                        + " bytes) does not match the outboard", l.offset());
            }
            pending = l.size();
            leafOffset = l.offset();
        }
        return true;
    }
}
