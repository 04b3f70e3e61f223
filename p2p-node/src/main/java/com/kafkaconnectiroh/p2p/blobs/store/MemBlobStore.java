package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SortedMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in memory: for tests, tools and nodes that keep nothing. Data lives in 64 KiB pages.
 *
 * <p>{@link #referencingFiles()} makes one whose {@link #importPath} keeps files where they are instead: only
 * the outboard (64 bytes per 16 KiB) is held, and the file is read again whenever the blob is read or served.
 * What was hashed is all that can ever be handed out: every read is verified, so a file changed (or replaced,
 * or removed) after it was added fails verification and the blob is dropped instead of served wrong.
 */
public final class MemBlobStore extends AbstractBlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(MemBlobStore.class);
    /** From this size on, imports hash on the shared BLAKE3 pool. */
    private static final int PARALLEL_FROM = 1 << 20;

    private final boolean referenceFiles;

    private static final class MemEntry extends Entry {
        SparseBytes data = new SparseBytes();
        SparseBytes pairs = new SparseBytes();
        Outboard outboard;
        /** A file added in place: its bytes are there, not in {@link #data}. */
        Path file;

        MemEntry(Hash hash, State state) {
            super(hash, state);
        }
    }

    public MemBlobStore() {
        this(false);
    }

    private MemBlobStore(boolean referenceFiles) {
        this.referenceFiles = referenceFiles;
    }

    /** A memory store that adds files in place (see the class comment): memory stays small however large they are. */
    public static MemBlobStore referencingFiles() {
        return new MemBlobStore(true);
    }

    @Override
    public TempTag importBytes(byte[] data, BlobFormat format) throws IOException {
        Outboard ob = data.length >= PARALLEL_FROM
                ? Outboard.computeParallel(ByteBuffer.wrap(data), Blake3.hashingPool()) : Outboard.compute(data);
        return installComplete(SparseBytes.of(data), null, ob, format);
    }

    @Override
    public TempTag importPath(Path file, BlobFormat format) throws IOException {
        if (referenceFiles) {
            return importInPlace(file, format);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return importStream(in, format);
        }
    }

    @Override
    public TempTag importOpened(Path path, FileChannel opened, BlobFormat format) throws IOException {
        if (!referenceFiles) {
            return importStream(java.nio.channels.Channels.newInputStream(opened), format);
        }
        return importInPlace(path.toAbsolutePath(), opened, format);
    }

    private TempTag importInPlace(Path file, BlobFormat format) throws IOException {
        Path real = file.toRealPath();
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + " is not a regular file; only those can be added in place");
        }
        try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return importInPlace(real, ch, format);
        }
    }

    private TempTag importInPlace(Path real, FileChannel ch, BlobFormat format) throws IOException {
        long size = ch.size();
        Outboard ob = Outboard.compute(ch, size, size >= PARALLEL_FROM ? Blake3.hashingPool() : null);
        // Some files hold more than their size says (/proc, a file being appended to): a blob of only part of
        // them would be a silent surprise.
        if (ch.read(ByteBuffer.allocate(1), size) > 0) {
            throw new IOException(real + " changed while it was read, or has more to read than its size (" + size
                    + " bytes) says");
        }
        return installComplete(null, real, ob, format);
    }

    @Override
    public TempTag importStream(InputStream in, BlobFormat format) throws IOException {
        SparseBytes data = SparseBytes.readFrom(in);
        Outboard ob = Outboard.compute(data.inputStream(), data.length());
        return installComplete(data, null, ob, format);
    }

    /** A complete entry with its bytes in {@code data}, or in {@code file} (added in place). */
    private TempTag installComplete(SparseBytes data, Path file, Outboard ob, BlobFormat format) throws IOException {
        Hash hash = Hash.fromBytes(ob.root());
        return install(hash, format, previous -> {
            MemEntry e = new MemEntry(hash, State.COMPLETE);
            if (data != null) {
                e.data = data;
            }
            e.file = file;
            e.outboard = ob;
            e.size = ob.size();
            e.sizeVerified = true;
            return e;
        });
    }

    @Override
    protected Entry createPartialEntry(Hash hash) {
        return new MemEntry(hash, State.PARTIAL);
    }

    @Override
    protected PartialBlob newWriter(Entry e) {
        MemEntry m = (MemEntry) e;
        return new PartialBlob(this, e) {
            @Override
            protected void recordClaim(long size) {
                synchronized (lock) {
                    m.data = new SparseBytes();
                    m.pairs = new SparseBytes();
                }
            }

            @Override
            protected void writePair(long index, byte[] pair) {
                m.pairs.write(index * BaoTree.PAIR_LEN, ByteBuffer.wrap(pair));
            }

            @Override
            protected void writeData(long offset, ByteBuffer data) {
                m.data.write(offset, data);
            }

            @Override
            protected void persist() {}

            @Override
            protected void prepareCompletion(long size) throws IOException {
                BaoTree tree = new BaoTree(size);
                m.data.truncate(size);
                m.outboard = Outboard.of(size, m.hash.toBytes(), m.pairs.toArray(Math.toIntExact(tree.outboardSize())));
            }

            @Override
            protected void markComplete(long size) {
                m.pairs = null;
            }

            @Override
            protected void release() {}
        };
    }

    @Override
    protected BlobReader newReader(Entry e, Runnable onClose, LongConsumer onDamage) {
        MemEntry m = (MemEntry) e;
        if (m.file != null) {
            return new FileReader(m, onClose, onDamage);
        }
        SparseBytes data = m.data;
        Outboard ob = m.outboard;
        return new BlobReader(m.hash, m.size, onClose, onDamage) {
            @Override
            public Outboard outboard() {
                return ob;
            }

            @Override
            protected void readStored(long offset, byte[] dst, int dstOff, int len) throws IOException {
                data.read(offset, dst, dstOff, len);
            }
        };
    }

    /** Reads a blob added in place from its file, opened on first use; a file gone is damage like any other. */
    private static final class FileReader extends BlobReader {
        private final MemEntry entry;
        private final Outboard ob;
        private FileChannel ch;
        private boolean closed;

        FileReader(MemEntry entry, Runnable onClose, LongConsumer onDamage) {
            super(entry.hash, entry.size, onClose, onDamage);
            this.entry = entry;
            this.ob = entry.outboard;
        }

        @Override
        public Outboard outboard() {
            return ob;
        }

        @Override
        protected void readStored(long offset, byte[] dst, int dstOff, int len) throws IOException {
            FileChannel c = channel();
            ByteBuffer b = ByteBuffer.wrap(dst, dstOff, len);
            while (b.hasRemaining()) {
                if (c.read(b, offset + b.position() - dstOff) < 0) {
                    throw new EOFException(entry.file + " ends before byte " + (offset + len));
                }
            }
        }

        private synchronized FileChannel channel() throws IOException {
            if (closed) {
                throw new IOException("reader of " + hash() + " is closed");
            }
            if (ch == null) {
                try {
                    // Not through a link put in its place since: whatever is read must still verify, but a link
                    // would not even be the file that was added.
                    ch = FileChannel.open(entry.file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    throw new EOFException(entry.file + " is gone");
                } catch (IOException e) {
                    // A link in its place (ELOOP), a folder, no permission: not the file that was added any more.
                    throw new EOFException(entry.file + " cannot be read as the file added: " + e.getMessage());
                }
            }
            return ch;
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // read-only channel: nothing to lose
                    }
                }
            }
            super.close();
        }
    }

    @Override
    protected Entry demote(Entry e, long verifiedChunks) throws IOException {
        MemEntry m = (MemEntry) e;
        if (m.file != null) {
            LOG.warn("{} changed since it was added as blob {}; no longer serving it", m.file, m.hash);
        }
        return super.demote(e, verifiedChunks);
    }

    @Override
    protected long deleteStorage(Entry e) {
        MemEntry m = (MemEntry) e;
        long n = m.data.allocatedBytes() + (m.pairs == null ? 0 : m.pairs.allocatedBytes());
        m.data = new SparseBytes();
        m.pairs = new SparseBytes();
        m.outboard = null;
        return n;
    }

    @Override
    protected void saveTags(SortedMap<String, HashAndFormat> tags) {}

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
    }

    @Override
    public String toString() {
        return "MemBlobStore(" + list().size() + " blobs)";
    }
}
