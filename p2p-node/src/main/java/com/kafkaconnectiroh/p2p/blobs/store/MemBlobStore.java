package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;

/** A {@link BlobStore} in memory: for tests, tools and nodes that keep nothing. Data lives in 64 KiB pages. */
public final class MemBlobStore extends AbstractBlobStore {
    /** From this size on, imports hash on the shared BLAKE3 pool. */
    private static final int PARALLEL_FROM = 1 << 20;

    private static final class MemEntry extends Entry {
        SparseBytes data = new SparseBytes();
        SparseBytes pairs = new SparseBytes();
        Outboard outboard;

        MemEntry(Hash hash, State state) {
            super(hash, state);
        }
    }

    @Override
    public TempTag importBytes(byte[] data, BlobFormat format) throws IOException {
        Outboard ob = data.length >= PARALLEL_FROM
                ? Outboard.computeParallel(ByteBuffer.wrap(data), Blake3.hashingPool()) : Outboard.compute(data);
        return installComplete(SparseBytes.of(data), ob, format);
    }

    @Override
    public TempTag importPath(Path file, BlobFormat format) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return importStream(in, format);
        }
    }

    @Override
    public TempTag importStream(InputStream in, BlobFormat format) throws IOException {
        SparseBytes data = SparseBytes.readFrom(in);
        Outboard ob = Outboard.compute(data.inputStream(), data.length());
        return installComplete(data, ob, format);
    }

    private TempTag installComplete(SparseBytes data, Outboard ob, BlobFormat format) throws IOException {
        Hash hash = Hash.fromBytes(ob.root());
        return install(hash, format, new Installer() {
            @Override
            public Entry install(Entry previous) {
                MemEntry e = new MemEntry(hash, State.COMPLETE);
                e.data = data;
                e.outboard = ob;
                e.size = ob.size();
                e.sizeVerified = true;
                return e;
            }

            @Override
            public void discard() {}
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
    protected BlobReader newReader(Entry e, Runnable onClose) {
        MemEntry m = (MemEntry) e;
        SparseBytes data = m.data;
        Outboard ob = m.outboard;
        return new BlobReader(m.hash, m.size, onClose) {
            @Override
            public Outboard outboard() {
                return ob;
            }

            @Override
            public void readFully(long offset, byte[] dst, int dstOff, int len) throws IOException {
                if (offset < 0 || offset + len > size()) {
                    throw pastEnd(hash(), size(), offset, len);
                }
                data.read(offset, dst, dstOff, len);
            }
        };
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
