package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEvent;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The one writer of a blob being downloaded. It takes only what a {@link com.kafkaconnectiroh.p2p.blobs.bao.BaoDecoder}
 * verified ({@link #write(BaoEvent)}), so every chunk it records as present was checked against the hash; it
 * becomes complete ({@link #commit()}) only once every chunk is present and the size is proven by the verified
 * last chunk.
 *
 * <p>The size a provider claims shapes the tree, and so where outboard pairs go. All present chunks are
 * therefore tied to one claim: a different claim while the size is unproven discards them (a liar can only
 * waste bandwidth); once proven, a different claim is a {@link SizeConflictException}.
 *
 * <p>{@link #checkpoint()} makes what is present durable (the file store flushes data and outboard, then
 * records the ranges); it also happens on its own now and then while writing, and on {@link #close()}.
 * Not thread-safe: one download drives it. The store's {@link BlobStore#status} sees progress as it happens.
 */
public abstract class PartialBlob implements AutoCloseable {
    protected final AbstractBlobStore store;
    protected final AbstractBlobStore.Entry entry;
    private boolean closed;
    private boolean completed;

    protected PartialBlob(AbstractBlobStore store, AbstractBlobStore.Entry entry) {
        this.store = store;
        this.entry = entry;
    }

    public final Hash hash() {
        return entry.hash;
    }

    /** The claimed size, or -1 before any claim. */
    public final long size() {
        synchronized (store.lock) {
            return entry.size;
        }
    }

    public final boolean sizeVerified() {
        synchronized (store.lock) {
            return entry.sizeVerified;
        }
    }

    /** The verified chunks. */
    public final ChunkRanges present() {
        synchronized (store.lock) {
            return entry.present;
        }
    }

    /**
     * The chunks still to fetch: with a proven size exactly those missing below it; otherwise everything not
     * present, open-ended so that a request for it includes the last chunk (the size proof).
     */
    public final ChunkRanges missing() {
        synchronized (store.lock) {
            if (entry.state == AbstractBlobStore.State.COMPLETE || entry.detached) {
                return ChunkRanges.empty();
            }
            if (entry.sizeVerified) {
                return ChunkRanges.of(0, chunks(entry.size)).difference(entry.present);
            }
            return ChunkRanges.all().difference(entry.present);
        }
    }

    /** Bytes of the blob that are present (the last chunk may be short), against the claimed size. */
    public final long presentBytes() {
        synchronized (store.lock) {
            return presentBytes(entry.present, entry.size);
        }
    }

    static long presentBytes(ChunkRanges present, long size) {
        if (size <= 0) {
            return 0;
        }
        long total = 0;
        for (long[] r : present.ranges()) {
            long start = r[0] * BaoTree.CHUNK_LEN;
            long end = r[1] == -1 || Long.compareUnsigned(r[1], chunks(size)) >= 0 ? size : r[1] * BaoTree.CHUNK_LEN;
            if (start < end) {
                total += end - start;
            }
        }
        return total;
    }

    static long chunks(long size) {
        return (size >>> 10) + ((size & 1023) == 0 ? 0 : 1);
    }

    /** True once every chunk is present and the size proven (also after an import completed the blob). */
    public final boolean isComplete() {
        synchronized (store.lock) {
            return isCompleteLocked();
        }
    }

    private boolean isCompleteLocked() {
        if (entry.state == AbstractBlobStore.State.COMPLETE || entry.detached) {
            return entry.state == AbstractBlobStore.State.COMPLETE || store.status(entry.hash).isComplete();
        }
        return entry.size >= 0 && entry.sizeVerified
                && ChunkRanges.of(0, chunks(entry.size)).difference(entry.present).isEmpty();
    }

    /**
     * A provider's size claim, the first thing of each response. The same claim again changes nothing; a
     * different one discards what is present unless the size is proven, in which case it fails.
     */
    public final void begin(long claimedSize) throws IOException {
        if (claimedSize < 0) {
            throw new IllegalArgumentException("size claim beyond 2^63: " + Long.toUnsignedString(claimedSize));
        }
        synchronized (store.lock) {
            checkOpen();
            if (entry.detached || claimedSize == entry.size) {
                return;
            }
            if (entry.sizeVerified) {
                throw new SizeConflictException(entry.hash, claimedSize, entry.size);
            }
        }
        // Recorded (durably, for the file store) before anything is written under the new claim.
        recordClaim(claimedSize);
        synchronized (store.lock) {
            entry.size = claimedSize;
            entry.present = ChunkRanges.empty();
            entry.sizeVerified = false;
        }
    }

    /**
     * Stores one verified item: outboard parents (those with an outboard index) and leaf data; the decoder's
     * size event counts as {@link #begin}. Items must come from a decoder for this blob and the current claim.
     */
    public final void write(BaoEvent event) throws IOException {
        checkOpen();
        if (event instanceof BaoEvent.Size s) {
            begin(s.size());
        } else if (event instanceof BaoEvent.Parent p) {
            if (p.node().outboardIndex() >= 0 && !isDetached()) {
                writePair(p.node().outboardIndex(), p.pair());
            }
        } else if (event instanceof BaoEvent.Leaf l) {
            if (isDetached()) {
                return;
            }
            int len = l.data().remaining();
            writeData(l.offset(), l.data().duplicate());
            ChunkRanges got = ChunkRanges.ofBytes(l.offset(), l.offset() + len);
            synchronized (store.lock) {
                entry.present = entry.present.union(got);
                if (l.provesSize()) {
                    entry.sizeVerified = true;
                }
            }
            afterLeaf(len);
        }
    }

    private boolean isDetached() {
        synchronized (store.lock) {
            return entry.detached;
        }
    }

    /** Makes everything present so far durable (nothing to do for memory). */
    public final void checkpoint() throws IOException {
        checkOpen();
        if (!isDetached()) {
            persist();
        }
    }

    /**
     * If complete, turns the blob into a complete one (readable, servable) and returns true; otherwise returns
     * false and changes nothing.
     */
    public final boolean commit() throws IOException {
        checkOpen();
        long size;
        synchronized (store.lock) {
            if (entry.detached || entry.state == AbstractBlobStore.State.COMPLETE) {
                return isCompleteLocked();
            }
            if (!isCompleteLocked()) {
                return false;
            }
            size = entry.size;
        }
        prepareCompletion(size);
        synchronized (store.lock) {
            if (entry.detached) {
                return isCompleteLocked();
            }
            markComplete(size);
            entry.state = AbstractBlobStore.State.COMPLETE;
            entry.present = ChunkRanges.empty();
        }
        completed = true;
        return true;
    }

    /** Records what is present (if not complete) and lets go of the blob. */
    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (!completed && !isDetached()) {
                persist();
            }
        } finally {
            closed = true;
            try {
                release();
            } finally {
                store.releaseWriter(entry, this);
            }
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("writer of blob " + entry.hash.fmtShort() + " is closed");
        }
    }

    // ---- storage ----

    /** A new size claim: present chunks are dropped; the file store records this before any write under it. */
    protected abstract void recordClaim(long size) throws IOException;

    /** Stores a verified outboard pair at its pre-order index. */
    protected abstract void writePair(long index, byte[] pair) throws IOException;

    /** Stores verified data at {@code offset}. */
    protected abstract void writeData(long offset, ByteBuffer data) throws IOException;

    /** Called after each leaf; the file store checkpoints now and then from here. */
    protected void afterLeaf(int bytes) throws IOException {}

    /** Makes the present chunks (and the size proof) durable. */
    protected abstract void persist() throws IOException;

    /** Heavy work before completion, outside the lock (trimming and flushing files). */
    protected abstract void prepareCompletion(long size) throws IOException;

    /** Makes the blob complete in storage; runs under the store lock. */
    protected abstract void markComplete(long size) throws IOException;

    /** Frees files and memory held for writing. */
    protected abstract void release() throws IOException;
}
