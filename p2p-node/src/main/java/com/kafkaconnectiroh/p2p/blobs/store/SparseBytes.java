package com.kafkaconnectiroh.p2p.blobs.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte space in 64 KiB pages allocated on first write, so a claimed size costs nothing until data
 * arrives; unwritten bytes read as zero. A page is only as large as what was written into it (rounded up to a power
 * of two), so a small blob costs its size, not a page: thousands of small values (docs entries) fit in memory.
 * Positional reads are safe from several threads once writing is done.
 */
final class SparseBytes {
    private static final int PAGE_SHIFT = 16;
    private static final int PAGE = 1 << PAGE_SHIFT;

    private byte[][] pages = new byte[0][];
    private long length;

    static SparseBytes of(byte[] data) {
        SparseBytes s = new SparseBytes();
        s.write(0, ByteBuffer.wrap(data));
        return s;
    }

    /** Reads {@code in} to its end. */
    static SparseBytes readFrom(InputStream in) throws IOException {
        SparseBytes s = new SparseBytes();
        byte[] buf = new byte[PAGE];
        for (int n; (n = in.readNBytes(buf, 0, PAGE)) > 0; ) {
            s.write(s.length, ByteBuffer.wrap(buf, 0, n));
        }
        return s;
    }

    /** One past the highest byte written. */
    long length() {
        return length;
    }

    void write(long offset, ByteBuffer src) {
        long pos = offset;
        while (src.hasRemaining()) {
            int page = Math.toIntExact(pos >>> PAGE_SHIFT);
            if (page >= pages.length) {
                pages = Arrays.copyOf(pages, Math.max(page + 1, pages.length * 2));
            }
            int at = (int) (pos & (PAGE - 1));
            int n = Math.min(PAGE - at, src.remaining());
            byte[] p = pages[page];
            if (p == null || p.length < at + n) {
                int size = Math.min(PAGE, Integer.highestOneBit(Math.max(64, at + n) - 1) << 1);
                pages[page] = p = p == null ? new byte[size] : Arrays.copyOf(p, size);
            }
            src.get(p, at, n);
            pos += n;
        }
        length = Math.max(length, pos);
    }

    void read(long offset, byte[] dst, int off, int len) throws EOFException {
        if (offset + len > length) {
            throw new EOFException("read of " + len + " bytes at " + offset + " past the end (" + length + ")");
        }
        long pos = offset;
        int done = 0;
        while (done < len) {
            int page = (int) (pos >>> PAGE_SHIFT);
            int at = (int) (pos & (PAGE - 1));
            int n = Math.min(PAGE - at, len - done);
            byte[] p = pages[page];
            int have = p == null ? 0 : Math.max(0, Math.min(n, p.length - at));
            if (have > 0) {
                System.arraycopy(p, at, dst, off + done, have);
            }
            if (have < n) {
                Arrays.fill(dst, off + done + have, off + done + n, (byte) 0);
            }
            pos += n;
            done += n;
        }
    }

    /** Drops bytes from {@code newLength} on. */
    void truncate(long newLength) {
        if (newLength >= length) {
            return;
        }
        int keep = (int) ((newLength + PAGE - 1) >>> PAGE_SHIFT);
        for (int i = keep; i < pages.length; i++) {
            pages[i] = null;
        }
        if (keep > 0 && pages[keep - 1] != null && (newLength & (PAGE - 1)) != 0) {
            byte[] p = pages[keep - 1];
            int from = (int) (newLength & (PAGE - 1));
            if (from < p.length) {
                Arrays.fill(p, from, p.length, (byte) 0);
            }
        }
        length = newLength;
    }

    /** The first {@code n} bytes as one array. */
    byte[] toArray(int n) throws EOFException {
        byte[] out = new byte[n];
        if (n > 0) {
            read(0, out, 0, Math.toIntExact(Math.min(n, length)));
        }
        return out;
    }

    long allocatedBytes() {
        long n = 0;
        for (byte[] p : pages) {
            if (p != null) {
                n += p.length;
            }
        }
        return n;
    }

    InputStream inputStream() {
        return new InputStream() {
            private long pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - pos);
                SparseBytes.this.read(pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
