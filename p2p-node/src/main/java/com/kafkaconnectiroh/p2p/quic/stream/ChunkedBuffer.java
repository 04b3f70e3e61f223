package com.kafkaconnectiroh.p2p.quic.stream;

import java.nio.ByteBuffer;

/**
 * Bytes of a stream addressed by absolute stream offset, stored in fixed-size chunks that are allocated as data
 * arrives and dropped once everything below an offset is done with. Used for send buffers (appended, freed as
 * acknowledged) and receive buffers (written at any offset inside the flow-control window, freed as read).
 * Memory is bounded by the span between {@link #base()} and the highest offset written.
 */
public final class ChunkedBuffer {
    /** Chunk size of stream buffers (and of {@link ChunkPool} chunks). */
    public static final int CHUNK = 16 * 1024;
    private static final int STREAM_SHIFT = 14;
    /**
     * Chunk size of CRYPTO stream buffers: a handshake moves a few hundred bytes per level, so 16 KiB chunks would
     * make each half-open connection hold 48 KiB for under 2 KiB of data (the memory a handshake flood pins).
     */
    public static final int SMALL_CHUNK = 1024;
    private static final int SMALL_SHIFT = 10;

    private final int shift;
    private final int chunk;
    private final int mask;

    private byte[][] chunks = new byte[4][];
    private int head; // ring index of the chunk holding `base`'s chunk
    private int count; // chunks in the ring (some may be null in receive buffers)
    private long baseChunk; // chunk number (offset >> shift) of ring slot head
    private long base; // lowest offset still held
    private final ChunkPool pool;

    public ChunkedBuffer() {
        this(ChunkPool.NONE);
    }

    public ChunkedBuffer(ChunkPool pool) {
        this(pool, STREAM_SHIFT);
    }

    private ChunkedBuffer(ChunkPool pool, int shift) {
        this.pool = pool;
        this.shift = shift;
        this.chunk = 1 << shift;
        this.mask = chunk - 1;
    }

    /** A buffer of {@link #SMALL_CHUNK}-byte chunks, not pooled (CRYPTO streams). */
    public static ChunkedBuffer small() {
        return new ChunkedBuffer(ChunkPool.NONE, SMALL_SHIFT);
    }

    public long base() {
        return base;
    }

    /** Bytes of chunk memory currently held. */
    public long allocatedBytes() {
        long n = 0;
        for (int i = 0; i < count; i++) {
            if (chunks[(head + i) & (chunks.length - 1)] != null) {
                n += chunk;
            }
        }
        return n;
    }

    private byte[] chunkFor(long offset, boolean create) {
        long cn = offset >>> shift;
        long idx = cn - baseChunk;
        if (count == 0) {
            if (!create) {
                return null;
            }
            // anchor the ring at the base so later writes below this one (reordered data) still fit
            baseChunk = base >>> shift;
            idx = cn - baseChunk;
        }
        if (idx < 0) {
            throw new IllegalArgumentException("offset " + offset + " below buffer base " + base);
        }
        if (idx >= count) {
            if (!create) {
                return null;
            }
            int need = (int) idx + 1;
            if (need > chunks.length) {
                int cap = chunks.length;
                while (cap < need) {
                    cap *= 2;
                }
                byte[][] n = new byte[cap][];
                for (int i = 0; i < count; i++) {
                    n[i] = chunks[(head + i) & (chunks.length - 1)];
                }
                chunks = n;
                head = 0;
            }
            count = need;
        }
        int slot = (head + (int) idx) & (chunks.length - 1);
        byte[] c = chunks[slot];
        if (c == null && create) {
            c = pool == ChunkPool.NONE ? new byte[chunk] : pool.take();
            chunks[slot] = c;
        }
        return c;
    }

    /** Copies {@code len} bytes from {@code src} to stream offset {@code offset} (at or above the base). */
    public void write(long offset, byte[] src, int off, int len) {
        while (len > 0) {
            byte[] c = chunkFor(offset, true);
            int pos = (int) (offset & mask);
            int n = Math.min(len, chunk - pos);
            System.arraycopy(src, off, c, pos, n);
            offset += n;
            off += n;
            len -= n;
        }
    }

    /** Like {@link #write(long, byte[], int, int)} from a ByteBuffer, advancing its position. */
    public void write(long offset, ByteBuffer src, int len) {
        while (len > 0) {
            byte[] c = chunkFor(offset, true);
            int pos = (int) (offset & mask);
            int n = Math.min(len, chunk - pos);
            src.get(c, pos, n);
            offset += n;
            len -= n;
        }
    }

    /** Copies {@code len} bytes at stream offset {@code offset} into {@code dst}. */
    public void read(long offset, byte[] dst, int off, int len) {
        while (len > 0) {
            byte[] c = chunkFor(offset, false);
            if (c == null) {
                throw new IllegalStateException("no data held at offset " + offset);
            }
            int pos = (int) (offset & mask);
            int n = Math.min(len, chunk - pos);
            System.arraycopy(c, pos, dst, off, n);
            offset += n;
            off += n;
            len -= n;
        }
    }

    /** Copies into a ByteBuffer, advancing its position. */
    public void read(long offset, ByteBuffer dst, int len) {
        while (len > 0) {
            byte[] c = chunkFor(offset, false);
            if (c == null) {
                throw new IllegalStateException("no data held at offset " + offset);
            }
            int pos = (int) (offset & mask);
            int n = Math.min(len, chunk - pos);
            dst.put(c, pos, n);
            offset += n;
            len -= n;
        }
    }

    /** Forgets everything below {@code offset}, freeing whole chunks. */
    public void discardBelow(long offset) {
        if (offset <= base) {
            return;
        }
        base = offset;
        long cn = offset >>> shift;
        while (count > 0 && baseChunk < cn) {
            byte[] c = chunks[head];
            if (c != null) {
                pool.give(c);
            }
            chunks[head] = null;
            head = (head + 1) & (chunks.length - 1);
            baseChunk++;
            count--;
        }
        if (count == 0) {
            baseChunk = cn;
        }
    }

    /** Frees all memory. */
    public void release() {
        for (int i = 0; i < count; i++) {
            byte[] c = chunks[(head + i) & (chunks.length - 1)];
            if (c != null) {
                pool.give(c);
            }
        }
        chunks = new byte[1][];
        head = 0;
        count = 0;
    }
}
