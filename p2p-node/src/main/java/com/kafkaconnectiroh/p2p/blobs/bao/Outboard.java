package com.kafkaconnectiroh.p2p.blobs.bao;

import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The pre-order outboard of a blob (bao-tree {@code PreOrderOutboard} at block size 16 KiB): for every parent
 * above block level, in pre-order, its 64-byte pair (left child CV, right child CV); {@link BaoTree#outboardSize}
 * bytes, and none for a blob of at most 16 KiB. Together with the size and the root hash it lets
 * {@link BaoEncoder} answer any range query. iroh-blobs v0.35 stores exactly these bytes, without a size prefix
 * ({@code util.rs::raw_outboard_size}, {@code store/fs.rs}: {@code <hash>.obao4} only when non-empty); the size
 * lives beside it.
 */
public final class Outboard {
    /** Subtrees from this size on are forked when computing in parallel. */
    static final long PARALLEL_SPLIT = 1L << 20;
    /** File bytes read and built at once: 1 MiB, 64 blocks, always a whole subtree. */
    static final int FILE_PIECE = 1 << 20;
    private static final ThreadLocal<byte[]> PIECE_BUFFER = ThreadLocal.withInitial(() -> new byte[FILE_PIECE]);

    /** Pairs read from an outboard file at once: 1024 of them, the next ones a pre-order walk asks for. */
    private static final int FILE_WINDOW = 1024 * BaoTree.PAIR_LEN;

    private final BaoTree tree;
    private final byte[] root;
    /** The pairs in memory, or null when they are read from {@link #file}. */
    private final byte[] pairs;
    private final FileChannel file;
    /** Pairs of the file read last: from {@code windowStart}, {@code windowLen} bytes. Guarded by itself. */
    private final byte[] window;
    private long windowStart = -1;
    private int windowLen;

    private Outboard(BaoTree tree, byte[] root, byte[] pairs) {
        this(tree, root, pairs, null);
    }

    private Outboard(BaoTree tree, byte[] root, byte[] pairs, FileChannel file) {
        this.tree = tree;
        this.root = root;
        this.pairs = pairs;
        this.file = file;
        this.window = file == null ? null : new byte[(int) Math.min(FILE_WINDOW, tree.outboardSize())];
    }

    /** An outboard from stored parts; checks the length only (the encoder verifies every pair it sends). */
    public static Outboard of(long size, byte[] rootHash, byte[] pairs) {
        BaoTree tree = new BaoTree(size);
        if (rootHash.length != 32) {
            throw new IllegalArgumentException("root hash must be 32 bytes, got " + rootHash.length);
        }
        if (pairs.length != tree.outboardSize()) {
            throw new IllegalArgumentException("outboard of a " + size + "-byte blob is " + tree.outboardSize()
                    + " bytes, got " + pairs.length);
        }
        return new Outboard(tree, rootHash.clone(), pairs.clone());
    }

    /** Reads an outboard stored as iroh does (raw pairs, no prefix); a missing file is the empty outboard. */
    public static Outboard load(Path file, long size, byte[] rootHash) throws IOException {
        byte[] pairs = new BaoTree(size).outboardSize() == 0 && !Files.exists(file) ? new byte[0]
                : Files.readAllBytes(file);
        return of(size, rootHash, pairs);
    }

    /**
     * An outboard read from an open file as it is used (raw pairs as iroh stores them), for blobs whose outboard
     * should not be held in memory (4 MiB per GiB). Checks the length only, like {@link #of}; the channel stays
     * the caller's, who closes it after the last use. Reads fail with {@link UncheckedIOException}.
     */
    public static Outboard open(FileChannel file, long size, byte[] rootHash) throws IOException {
        BaoTree tree = new BaoTree(size);
        if (rootHash.length != 32) {
            throw new IllegalArgumentException("root hash must be 32 bytes, got " + rootHash.length);
        }
        if (file.size() != tree.outboardSize()) {
            throw new IllegalArgumentException("outboard of a " + size + "-byte blob is " + tree.outboardSize()
                    + " bytes, got " + file.size());
        }
        return new Outboard(tree, rootHash.clone(), null, file);
    }

    /** Writes the raw pairs (nothing for a blob of at most 16 KiB: iroh then keeps no outboard file). */
    public void store(Path file) throws IOException {
        Files.write(file, pairs);
    }

    public static Outboard compute(byte[] data) {
        return compute(ByteBuffer.wrap(data));
    }

    /** Outboard of the remaining bytes of {@code data}, on the calling thread; the position is unchanged. */
    public static Outboard compute(ByteBuffer data) {
        BaoTree tree = new BaoTree(data.remaining());
        Builder b = new Builder(tree);
        b.node(new BufferLeaves(data.slice()), 0, tree.size(), 0, true, b.root, 0);
        return b.done();
    }

    /** As {@link #compute(ByteBuffer)}, large subtrees spread over {@code pool}. */
    public static Outboard computeParallel(ByteBuffer data, ForkJoinPool pool) {
        BaoTree tree = new BaoTree(data.remaining());
        Builder b = new Builder(tree);
        pool.invoke(b.task(new BufferLeaves(data.slice()), 0, tree.size(), 0, true, b.root, 0));
        return b.done();
    }

    /**
     * Outboard of {@code size} bytes read in order from {@code in}, 16 KiB at a time: memory stays at one block
     * plus the outboard whatever the size. Fails if the stream ends early.
     */
    public static Outboard compute(InputStream in, long size) throws IOException {
        BaoTree tree = new BaoTree(size);
        Builder b = new Builder(tree);
        StreamLeaves leaves = new StreamLeaves(in);
        try {
            b.node(leaves, 0, size, 0, true, b.root, 0);
        } catch (UncheckedIo e) {
            throw e.getCause();
        }
        return b.done();
    }

    /**
     * Outboard of a whole file, read in pieces of up to 1 MiB (whole subtrees) with positional reads, spread
     * over {@code pool}, or on the calling thread if it is null.
     */
    public static Outboard compute(Path file, ForkJoinPool pool) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return compute(ch, ch.size(), pool);
        }
    }

    /** As {@link #compute(Path, ForkJoinPool)} for the first {@code size} bytes of an open file. */
    public static Outboard compute(FileChannel ch, long size, ForkJoinPool pool) throws IOException {
        BaoTree tree = new BaoTree(size);
        Builder b = new Builder(tree);
        Builder.FileTask task = b.new FileTask(ch, pool != null, 0, size, 0, true, b.root, 0);
        if (pool == null) {
            task.run();
        } else {
            pool.invoke(task);
        }
        if (task.failure != null) {
            throw task.failure;
        }
        return b.done();
    }

    public BaoTree tree() {
        return tree;
    }

    public long size() {
        return tree.size();
    }

    /** The blob's BLAKE3 hash. */
    public byte[] root() {
        return root.clone();
    }

    /** The raw pre-order pairs, as iroh stores them (read whole, for an outboard read from a file). */
    public byte[] pairs() {
        if (pairs != null) {
            return pairs.clone();
        }
        byte[] all = new byte[Math.toIntExact(tree.outboardSize())];
        for (long i = 0; i < tree.outboardPairs(); i++) {
            readPair(i, all, (int) (i * BaoTree.PAIR_LEN));
        }
        return all;
    }

    /** Copies the pair at pre-order position {@code index} to {@code dst[off, off+64)}. */
    public void readPair(long index, byte[] dst, int off) {
        if (index < 0 || index >= tree.outboardPairs()) {
            throw new IndexOutOfBoundsException("outboard pair " + index + " of " + tree.outboardPairs());
        }
        long pos = index * BaoTree.PAIR_LEN;
        if (pairs != null) {
            System.arraycopy(pairs, (int) pos, dst, off, BaoTree.PAIR_LEN);
            return;
        }
        synchronized (window) {
            if (pos < windowStart || pos + BaoTree.PAIR_LEN > windowStart + windowLen) {
                fillWindow(pos);
            }
            System.arraycopy(window, (int) (pos - windowStart), dst, off, BaoTree.PAIR_LEN);
        }
    }

    private void fillWindow(long pos) {
        int len = (int) Math.min(window.length, tree.outboardSize() - pos);
        ByteBuffer b = ByteBuffer.wrap(window, 0, len);
        windowStart = -1;
        try {
            while (b.hasRemaining()) {
                if (file.read(b, pos + b.position()) < 0) {
                    throw new EOFException("outboard file ends before byte " + (pos + len));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        windowStart = pos;
        windowLen = len;
    }

    boolean rootEquals(byte[] buf, int off) {
        return Arrays.equals(root, 0, 32, buf, off, off + 32);
    }

    // ---- computation ----

    /** Where leaf bytes come from; leaves are asked for in increasing offset order. */
    private interface Leaves {
        void leafCv(long startChunk, long offset, int len, boolean isRoot, byte[] out, int outOff);
    }

    private static final class BufferLeaves implements Leaves {
        private final ByteBuffer data;
        private final long base;

        BufferLeaves(ByteBuffer data) {
            this(data, 0);
        }

        BufferLeaves(ByteBuffer data, long base) {
            this.data = data;
            this.base = base;
        }

        @Override
        public void leafCv(long startChunk, long offset, int len, boolean isRoot, byte[] out, int outOff) {
            Blake3.subtreeChainingValue(data, (int) (offset - base), len, startChunk, isRoot, out, outOff);
        }
    }

    private static final class UncheckedIo extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedIo(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private static final class StreamLeaves implements Leaves {
        private final InputStream in;
        private final byte[] block = new byte[BaoTree.BLOCK_LEN];
        private long position;

        StreamLeaves(InputStream in) {
            this.in = in;
        }

        @Override
        public void leafCv(long startChunk, long offset, int len, boolean isRoot, byte[] out, int outOff) {
            try {
                if (offset != position) {
                    throw new IllegalStateException("leaf at " + offset + " asked, stream is at " + position);
                }
                int n = in.readNBytes(block, 0, len);
                if (n != len) {
                    throw new EOFException("stream ended at byte " + (position + n) + ", expected " + (offset + len));
                }
                position += len;
            } catch (IOException e) {
                throw new UncheckedIo(e);
            }
            Blake3.subtreeChainingValue(ByteBuffer.wrap(block), 0, len, startChunk, isRoot, out, outOff);
        }
    }

    /** Fills the pairs array by a post-order walk; each pair is written at its pre-order position. */
    private static final class Builder {
        final BaoTree tree;
        final byte[] pairs;
        final byte[] root = new byte[32];

        Builder(BaoTree tree) {
            this.tree = tree;
            long n = tree.outboardSize();
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("outboard of " + n + " bytes does not fit in memory");
            }
            this.pairs = new byte[(int) n];
        }

        Outboard done() {
            return new Outboard(tree, root, pairs);
        }

        /** CV of the node at {@code startChunk} of {@code bytes} bytes whose pair (if any) goes to {@code index}. */
        void node(Leaves leaves, long startChunk, long bytes, long index, boolean isRoot, byte[] out, int outOff) {
            long n = Math.max(1, BaoTree.chunks(bytes));
            if (n <= BaoTree.BLOCK_CHUNKS) {
                leaves.leafCv(startChunk, startChunk * BaoTree.CHUNK_LEN, (int) bytes, isRoot, out, outOff);
                return;
            }
            long m = BaoTree.leftChunks(n);
            int pair = (int) (index * BaoTree.PAIR_LEN);
            node(leaves, startChunk, m * BaoTree.CHUNK_LEN, index + 1, false, pairs, pair);
            node(leaves, startChunk + m, bytes - m * BaoTree.CHUNK_LEN, index + m / BaoTree.BLOCK_CHUNKS, false,
                    pairs, pair + 32);
            Blake3.parentChainingValue(pairs, pair, pairs, pair + 32, isRoot, out, outOff);
        }

        RecursiveAction task(Leaves leaves, long startChunk, long bytes, long index, boolean isRoot, byte[] out,
                int outOff) {
            return new RecursiveAction() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void compute() {
                    long n = Math.max(1, BaoTree.chunks(bytes));
                    if (bytes < PARALLEL_SPLIT || n <= BaoTree.BLOCK_CHUNKS) {
                        node(leaves, startChunk, bytes, index, isRoot, out, outOff);
                        return;
                    }
                    long m = BaoTree.leftChunks(n);
                    int pair = (int) (index * BaoTree.PAIR_LEN);
                    RecursiveAction left = task(leaves, startChunk, m * BaoTree.CHUNK_LEN, index + 1, false, pairs,
                            pair);
                    left.fork();
                    task(leaves, startChunk + m, bytes - m * BaoTree.CHUNK_LEN, index + m / BaoTree.BLOCK_CHUNKS,
                            false, pairs, pair + 32).invoke();
                    left.join();
                    Blake3.parentChainingValue(pairs, pair, pairs, pair + 32, isRoot, out, outOff);
                }
            };
        }

        /** A file subtree: pieces of up to {@link #FILE_PIECE} are read and built on one thread. */
        final class FileTask extends RecursiveAction {
            private static final long serialVersionUID = 1L;
            private final transient FileChannel ch;
            private final boolean parallel;
            private final long startChunk;
            private final long bytes;
            private final long index;
            private final boolean isRoot;
            private final byte[] out;
            private final int outOff;
            transient IOException failure;

            FileTask(FileChannel ch, boolean parallel, long startChunk, long bytes, long index, boolean isRoot,
                    byte[] out, int outOff) {
                this.ch = ch;
                this.parallel = parallel;
                this.startChunk = startChunk;
                this.bytes = bytes;
                this.index = index;
                this.isRoot = isRoot;
                this.out = out;
                this.outOff = outOff;
            }

            void run() {
                compute();
            }

            @Override
            protected void compute() {
                long n = Math.max(1, BaoTree.chunks(bytes));
                if (bytes <= FILE_PIECE) {
                    long offset = startChunk * BaoTree.CHUNK_LEN;
                    byte[] buf = PIECE_BUFFER.get();
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, (int) bytes);
                    try {
                        while (b.hasRemaining()) {
                            if (ch.read(b, offset + b.position()) < 0) {
                                throw new EOFException("file ends before byte " + (offset + bytes));
                            }
                        }
                    } catch (IOException e) {
                        failure = e;
                        return;
                    }
                    node(new BufferLeaves(ByteBuffer.wrap(buf), offset), startChunk, bytes, index, isRoot, out, outOff);
                    return;
                }
                long m = BaoTree.leftChunks(n);
                int pair = (int) (index * BaoTree.PAIR_LEN);
                FileTask left = new FileTask(ch, parallel, startChunk, m * BaoTree.CHUNK_LEN, index + 1, false, pairs,
                        pair);
                FileTask right = new FileTask(ch, parallel, startChunk + m, bytes - m * BaoTree.CHUNK_LEN,
                        index + m / BaoTree.BLOCK_CHUNKS, false, pairs, pair + 32);
                if (parallel) {
                    left.fork();
                    right.compute();
                    left.join();
                } else {
                    left.compute();
                    right.compute();
                }
                failure = left.failure != null ? left.failure : right.failure;
                if (failure == null) {
                    Blake3.parentChainingValue(pairs, pair, pairs, pair + 32, isRoot, out, outOff);
                }
            }
        }
    }
}
