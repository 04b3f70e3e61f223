package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncoder;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Read access to a complete blob; the store keeps the blob while this is open. Positional reads may come from
 * several threads at once. Close it when done.
 */
public abstract class BlobReader implements AutoCloseable, BaoEncoder.DataReader {
    private static final SecureRandom TEMP_NAMES = new SecureRandom();

    private final Hash hash;
    private final long size;
    private final Runnable onClose;
    private boolean closed;

    protected BlobReader(Hash hash, long size, Runnable onClose) {
        this.hash = hash;
        this.size = size;
        this.onClose = onClose;
    }

    public Hash hash() {
        return hash;
    }

    public long size() {
        return size;
    }

    /** The blob's outboard, for answering range requests. */
    public abstract Outboard outboard() throws IOException;

    /** Reads {@code len} bytes at {@code offset}; fails if they are not all inside the blob. */
    @Override
    public abstract void readFully(long offset, byte[] dst, int dstOff, int len) throws IOException;

    /** {@code len} bytes at {@code offset}, cut at the blob's end. */
    public byte[] read(long offset, int len) throws IOException {
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("negative offset or length: " + offset + ", " + len);
        }
        int n = (int) Math.max(0, Math.min(len, size - offset));
        byte[] out = new byte[n];
        readFully(offset, out, 0, n);
        return out;
    }

    public byte[] readAll() throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("blob " + hash + " has " + size + " bytes, too many for one array");
        }
        return read(0, (int) size);
    }

    /** The bytes from the start, read in 64 KiB pieces. */
    public InputStream inputStream() {
        return new InputStream() {
            private final byte[] one = new byte[1];
            private long pos;

            @Override
            public int read() throws IOException {
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                readFully(pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** Writes the blob to {@code target} atomically (temporary sibling, flushed, renamed). */
    public void exportTo(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = newPartFile(dir, abs.getFileName().toString());
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                copyTo(out);
                out.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            FsSync.directory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A new empty file {@code .<name>.<random>.part} in {@code dir}. Not {@link Files#createTempFile}: its
     * owner-only mode would stay on the exported file, which should get the mode (umask) any new file gets.
     */
    private static Path newPartFile(Path dir, String name) throws IOException {
        while (true) {
            Path p = dir.resolve("." + name + "." + Long.toUnsignedString(TEMP_NAMES.nextLong()) + ".part");
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException taken) {
                // drawn before; draw again
            }
        }
    }

    /** Copies the whole blob to {@code out} at its position. */
    protected void copyTo(FileChannel out) throws IOException {
        byte[] buf = new byte[1 << 16];
        for (long pos = 0; pos < size; ) {
            int n = (int) Math.min(buf.length, size - pos);
            readFully(pos, buf, 0, n);
            ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
            while (b.hasRemaining()) {
                out.write(b);
            }
            pos += n;
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
