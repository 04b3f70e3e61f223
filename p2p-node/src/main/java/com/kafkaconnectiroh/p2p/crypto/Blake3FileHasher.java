package com.kafkaconnectiroh.p2p.crypto;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.RecursiveAction;

/**
 * Hashes a file region as one BLAKE3 tree: regions above {@link #PIECE} split at BLAKE3's left power of two
 * (forked when parallel), pieces are read into a per-thread buffer and hashed by {@link Blake3Tree}.
 */
final class Blake3FileHasher extends RecursiveAction {
    private static final long serialVersionUID = 1L;
    /** Bytes read and hashed at once; a power of two of chunks, so every piece is a whole subtree. */
    static final int PIECE = 1 << 20;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[PIECE]);

    private final transient FileChannel ch;
    private final long pos;
    private final long len;
    private final long counter;
    private final boolean root;
    private final boolean parallel;
    private final int[] out;
    private final int outOff;
    private transient IOException failure;

    Blake3FileHasher(FileChannel ch, long pos, long len, long counter, boolean root, boolean parallel, int[] out,
            int outOff) {
        this.ch = ch;
        this.pos = pos;
        this.len = len;
        this.counter = counter;
        this.root = root;
        this.parallel = parallel;
        this.out = out;
        this.outOff = outOff;
    }

    /** Runs on the calling thread (serial mode). */
    void run() {
        compute();
    }

    void rethrow() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    protected void compute() {
        try {
            if (len <= PIECE) {
                byte[] buf = BUFFER.get();
                ByteBuffer b = ByteBuffer.wrap(buf, 0, (int) len);
                while (b.hasRemaining()) {
                    if (ch.read(b, pos + b.position()) < 0) {
                        throw new EOFException("file ends before byte " + (pos + len));
                    }
                }
                Blake3Tree.local().subtree(ByteBuffer.wrap(buf), 0, (int) len, counter, Blake3.IV, 0, root, out,
                        outOff);
                return;
            }
        } catch (IOException e) {
            failure = e;
            return;
        }
        long n = Blake3Tree.chunkCount(len);
        long leftChunks = Long.highestOneBit(n - 1);
        long leftLen = leftChunks * Blake3.CHUNK_LEN;
        int[] pair = new int[16];
        Blake3FileHasher left = new Blake3FileHasher(ch, pos, leftLen, counter, false, parallel, pair, 0);
        Blake3FileHasher right = new Blake3FileHasher(ch, pos + leftLen, len - leftLen, counter + leftChunks, false,
                parallel, pair, 8);
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
            Blake3Compress.compress(Blake3.IV, 0, pair, 0, 0, Blake3.BLOCK_LEN,
                    Blake3.PARENT | (root ? Blake3.ROOT : 0), out, outOff, false);
        }
    }
}
