package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncodeException;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.LongConsumer;

/**
 * Read access to a complete blob; the store keeps the blob while this is open. Close it when done.
 *
 * <p>Every byte it hands out was verified against the blob's hash on the way out (BAO, against the outboard):
 * stored data can rot or be changed behind the store's back, and "complete" only says it verified once. A
 * mismatch (or data that ends early) throws {@link CorruptBlobException}, and the store then stops treating the
 * blob as complete (see there). Whole-blob reads ({@link #exportTo}, {@link #copyTo}, {@link #inputStream},
 * {@link #verify}) cost one BLAKE3 pass; small positional reads verify the blocks they touch and keep the last
 * one for the next read. Reads may come from several threads at once.
 *
 * <p>One exception: a store whose every blob this very process verified as it arrived and that nothing else
 * writes to (the throwaway store of a one-shot download, {@link FsBlobStore.Options#throwaway}) says so through
 * {@link #verifiedByThisProcess}, and its whole-blob reads then hand out the stored bytes without a second pass.
 */
public abstract class BlobReader implements AutoCloseable {
    /** Sequential readers verify and buffer this much at a time (64 blocks, a whole subtree). */
    private static final int PIECE = 1 << 20;
    /** Whole-blob reads verify pieces of this size in parallel. */
    private static final int WHOLE_PIECE = 4 << 20;
    /** From this size on, a whole-blob read starts the BLAKE3 SIMD warm-up (it pays off only for long runs). */
    private static final long BULK = 64L << 20;

    private final Hash hash;
    private final long size;
    private final Runnable onClose;
    private final LongConsumer onDamage;
    private boolean closed;
    /** The last block a small read verified, and its index. Guarded by itself. */
    private final byte[] cached = new byte[BaoTree.BLOCK_LEN];
    private long cachedBlock = -1;

    /**
     * @param onDamage told, with the count of bytes from the start that did verify, when reading found the stored
     *                 blob damaged; the store stops serving it as complete
     */
    protected BlobReader(Hash hash, long size, Runnable onClose, LongConsumer onDamage) {
        this.hash = hash;
        this.size = size;
        this.onClose = onClose;
        this.onDamage = onDamage;
    }

    public Hash hash() {
        return hash;
    }

    public long size() {
        return size;
    }

    /** The blob's outboard, for answering range requests; a damaged one fails with {@link BaoEncodeException}. */
    public abstract Outboard outboard() throws IOException;

    /** The stored bytes as they are, unverified; only ever read through {@link BaoEncoder}. */
    protected abstract void readStored(long offset, byte[] dst, int dstOff, int len) throws IOException;

    /**
     * True if this process verified every stored byte of the blob as it arrived and nothing else can have
     * written it since: whole-blob reads then skip their BLAKE3 pass (see the class comment).
     */
    protected boolean verifiedByThisProcess() {
        return false;
    }

    /**
     * The file that holds exactly this blob's bytes, for an export to take over by a hard link instead of a copy
     * ({@link ExportTarget#write}); only from a store whose whole-blob reads need no second pass
     * ({@link #verifiedByThisProcess}), and null otherwise or when the store declines.
     */
    final Path takeWholeFile() {
        return verifiedByThisProcess() ? wholeFileToLink() : null;
    }

    /** See {@link #takeWholeFile}: a store that allows it hands each blob's file out once (null after). */
    protected Path wholeFileToLink() {
        return null;
    }

    /**
     * An encoder of {@code ranges} for a peer: it checks every parent and leaf before it is written and fails with
     * {@link BaoEncodeException} at the first that does not match (report it with {@link #damaged}).
     */
    public BaoEncoder encoder(ChunkRanges ranges) throws IOException {
        return new BaoEncoder(this::readStored, outboard(), ranges);
    }

    /**
     * Tells the store that an encoder of {@code query} ({@link #encoder}) found this blob damaged, and returns the
     * exception to throw. The store keeps what that encoder verified from the start on.
     */
    public CorruptBlobException damaged(BaoEncodeException e, ChunkRanges query) {
        // Items go left to right, so the query's first range, if it starts at chunk 0, verified up to the failure.
        long[] first = query.ranges().isEmpty() ? null : query.ranges().get(0);
        long verified = first == null || first[0] != 0 ? 0
                : Math.min(e.offset(), Long.compareUnsigned(first[1], size / BaoTree.CHUNK_LEN) >= 0 ? size
                        : first[1] * BaoTree.CHUNK_LEN);
        onDamage.accept(verified);
        return new CorruptBlobException(hash, verified, e.getMessage(), e);
    }

    /** Reads {@code len} verified bytes at {@code offset}; fails if they are not all inside the blob. */
    public void readFully(long offset, byte[] dst, int dstOff, int len) throws IOException {
        if (offset < 0 || len < 0 || offset > size - len) {
            throw pastEnd(hash, size, offset, len);
        }
        if (len == 0) {
            return;
        }
        long first = offset / BaoTree.BLOCK_LEN;
        long last = (offset + len - 1) / BaoTree.BLOCK_LEN;
        if (first == last && fromCache(first, offset, dst, dstOff, len)) {
            return;
        }
        long end = offset + len;
        verified(ChunkRanges.of(first * BaoTree.BLOCK_CHUNKS, (last + 1) * BaoTree.BLOCK_CHUNKS), (at, data, n) -> {
            long from = Math.max(at, offset);
            long to = Math.min(at + n, end);
            if (from < to) {
                System.arraycopy(data, (int) (from - at), dst, dstOff + (int) (from - offset), (int) (to - from));
            }
            if (at % BaoTree.BLOCK_LEN == 0 && (n == BaoTree.BLOCK_LEN || at + n == size)) {
                toCache(at / BaoTree.BLOCK_LEN, data, n);
            }
        });
    }

    private boolean fromCache(long block, long offset, byte[] dst, int dstOff, int len) {
        synchronized (cached) {
            if (cachedBlock != block) {
                return false;
            }
            System.arraycopy(cached, (int) (offset - block * BaoTree.BLOCK_LEN), dst, dstOff, len);
            return true;
        }
    }

    private void toCache(long block, byte[] data, int n) {
        synchronized (cached) {
            System.arraycopy(data, 0, cached, 0, n);
            cachedBlock = block;
        }
    }

    /** {@code len} verified bytes at {@code offset}, cut at the blob's end. */
    public byte[] read(long offset, int len) throws IOException {
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("negative offset or length: " + offset + ", " + len);
        }
        int n = (int) Math.max(0, Math.min(len, size - offset));
        byte[] out = new byte[n];
        readFully(offset, out, 0, n);
        return out;
    }

    /** The whole blob, verified (it must fit in an array). */
    public byte[] readAll() throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("blob " + hash + " has " + size + " bytes, too many for one array");
        }
        byte[] out = new byte[(int) size];
        verifiedWhole((at, data, n) -> System.arraycopy(data, 0, out, (int) at, n));
        return out;
    }

    /** Reads the whole blob and checks it against its hash, keeping nothing: one BLAKE3 pass. */
    public void verify() throws IOException {
        verifiedWhole((at, data, n) -> {});
    }

    /** The bytes from the start, verified a piece (1 MiB) at a time before any of it is returned. */
    public InputStream inputStream() {
        return new InputStream() {
            private final byte[] piece = new byte[(int) Math.min(PIECE, Math.max(1, size))];
            private long piecePos;
            private int pieceLen;
            private long pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (pos >= size) {
                    return -1;
                }
                if (pos >= piecePos + pieceLen) {
                    piecePos = pos;
                    pieceLen = (int) Math.min(piece.length, size - pos);
                    readFully(piecePos, piece, 0, pieceLen);
                }
                int n = (int) Math.min(len, piecePos + pieceLen - pos);
                System.arraycopy(piece, (int) (pos - piecePos), b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /**
     * Writes the whole blob to {@code out} at its position, each block verified before it is written; gathered
     * into writes of up to 1 MiB. On {@link CorruptBlobException} what was written is a verified prefix.
     */
    public void copyTo(WritableByteChannel out) throws IOException {
        ByteBuffer gather = ByteBuffer.allocate((int) Math.min(PIECE, Math.max(1, size)));
        verifiedWhole((at, data, n) -> {
            if (gather.remaining() < n) {
                drain(gather, out);
            }
            if (n > gather.capacity()) {
                writeAll(ByteBuffer.wrap(data, 0, n), out); // a whole piece: no need to gather
            } else {
                gather.put(data, 0, n);
            }
        });
        drain(gather, out);
    }

    private static void drain(ByteBuffer gather, WritableByteChannel out) throws IOException {
        writeAll(gather.flip(), out);
        gather.clear();
    }

    private static void writeAll(ByteBuffer b, WritableByteChannel out) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /**
     * Writes the blob to {@code target} ({@link ExportTarget}: a regular file is replaced atomically through a
     * flushed temporary file beside it; a FIFO or character device is written through, verified first).
     */
    public void exportTo(Path target) throws IOException {
        try (ExportTarget t = ExportTarget.open(target)) {
            t.write(this);
            t.commit();
        }
    }

    /**
     * Verifies the whole blob a piece (4 MiB, whole subtrees) at a time, as many pieces at once as the BLAKE3 pool
     * has workers, and hands {@code sink} each verified piece in order: the pieces are independent (each checked
     * from the root down), so a whole-blob read runs at the speed of all cores. Memory: a piece per worker and one.
     */
    private void verifiedWhole(BaoEncoder.LeafSink sink) throws IOException {
        if (verifiedByThisProcess()) {
            storedWhole(sink);
            return;
        }
        if (size >= BULK) {
            Blake3.expectBulkUse();
        }
        if (size <= WHOLE_PIECE) {
            verified(ChunkRanges.all(), sink); // also the empty blob, whose one (empty) leaf is its proof
            return;
        }
        ForkJoinPool pool = Blake3.hashingPool();
        long pieces = (size + WHOLE_PIECE - 1) / WHOLE_PIECE;
        java.util.ArrayDeque<ForkJoinTask<byte[]>> ahead = new java.util.ArrayDeque<>();
        long next = 0;
        try {
            for (long p = 0; p < pieces; p++) {
                while (next < pieces && ahead.size() < Math.max(1, pool.getParallelism())) {
                    ahead.add(pool.submit(verifyPiece(next++)));
                }
                byte[] piece = join(ahead.poll());
                sink.accept(p * WHOLE_PIECE, piece, piece.length);
            }
        } catch (BaoEncodeException e) {
            // Pieces are handed out in order: all before the bad node verified.
            onDamage.accept(e.offset());
            throw new CorruptBlobException(hash, e.offset(), e.getMessage(), e);
        } finally {
            ahead.forEach(t -> t.cancel(true));
        }
    }

    /** The stored bytes in pieces, as they are (see {@link #verifiedByThisProcess}). */
    private void storedWhole(BaoEncoder.LeafSink sink) throws IOException {
        byte[] piece = new byte[(int) Math.min(WHOLE_PIECE, size)];
        for (long at = 0; at < size; at += piece.length) {
            int n = (int) Math.min(piece.length, size - at);
            readStored(at, piece, 0, n);
            sink.accept(at, piece, n);
        }
    }

    private Callable<byte[]> verifyPiece(long index) {
        return () -> {
            long start = index * WHOLE_PIECE;
            byte[] piece = new byte[(int) Math.min(WHOLE_PIECE, size - start)];
            long first = start / BaoTree.CHUNK_LEN;
            try {
                BaoEncoder.verifyLeaves(this::readStored, outboard(),
                        ChunkRanges.of(first, first + WHOLE_PIECE / BaoTree.CHUNK_LEN),
                        (at, data, n) -> System.arraycopy(data, 0, piece, (int) (at - start), n));
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the pool wraps checked exceptions; join finds this one
            }
            return piece;
        };
    }

    private static byte[] join(ForkJoinTask<byte[]> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while verifying");
        } catch (ExecutionException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof UncheckedIOException u) {
                    throw u.getCause();
                }
            }
            throw new IOException("verifying failed", e.getCause());
        }
    }

    /** Feeds {@code sink} the verified leaves of {@code ranges}; damage is reported to the store and thrown. */
    private void verified(ChunkRanges ranges, BaoEncoder.LeafSink sink) throws IOException {
        try {
            BaoEncoder.verifyLeaves(this::readStored, outboard(), ranges, sink);
        } catch (BaoEncodeException e) {
            throw damaged(e, ranges);
        }
    }

    protected static EOFException pastEnd(Hash hash, long size, long offset, int len) {
        return new EOFException("read of " + len + " bytes at " + offset + " is past the end of blob " + hash.fmtShort()
                + " (" + size + " bytes)");
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        onClose.run();
    }
}
