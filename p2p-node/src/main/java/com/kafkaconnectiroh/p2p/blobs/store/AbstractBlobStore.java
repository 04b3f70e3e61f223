package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.HashSeq;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both stores share: the entry table and its states, tags, temp tags, reader and writer leases, and
 * garbage collection. Subclasses keep the bytes.
 *
 * <p>One lock ({@link #lock}) guards the table, every entry's fields and the tags; it is held only for
 * bookkeeping and small file operations (renames, markers), never while blob data is copied, hashed or
 * flushed. Garbage collection holds it throughout, so nothing can gain or lose protection half-way.
 */
public abstract class AbstractBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractBlobStore.class);
    private static final DateTimeFormatter AUTO_TAG_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    protected enum State { PARTIAL, COMPLETE }

    /** One blob's bookkeeping; every field is guarded by the store's lock. */
    protected static class Entry {
        protected final Hash hash;
        protected State state;
        /** Exact for complete blobs; claimed (or -1) for partial ones. */
        protected long size = -1;
        protected boolean sizeVerified;
        /** Partial blobs: the verified chunks. */
        protected ChunkRanges present = ChunkRanges.empty();
        protected int readers;
        protected PartialBlob writer;
        /** Replaced by an import or deleted: a writer still holding it must leave the store alone. */
        protected boolean detached;

        protected Entry(Hash hash, State state) {
            this.hash = hash;
            this.state = state;
        }

        boolean inUse() {
            return readers > 0 || writer != null;
        }
    }

    protected final Object lock = new Object();
    protected final Map<Hash, Entry> entries = new HashMap<>();
    private final TreeMap<String, HashAndFormat> tags = new TreeMap<>();
    private final Map<HashAndFormat, Integer> tempTags = new HashMap<>();
    private final List<java.util.function.Supplier<? extends java.util.Collection<Hash>>> gcRoots =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private long autoTagCounter;
    protected boolean closed;

    // ---- what subclasses provide ----

    /** A new, empty partial entry with whatever storage it needs to record progress. Called under the lock. */
    protected abstract Entry createPartialEntry(Hash hash) throws IOException;

    /** A writer for {@code e}. Called under the lock. */
    protected abstract PartialBlob newWriter(Entry e) throws IOException;

    /**
     * A reader for the complete entry {@code e}; {@code onClose} must run when it is closed, {@code onDamage} when
     * reading finds the stored blob damaged (the {@link BlobReader} constructor takes both).
     */
    protected abstract BlobReader newReader(Entry e, Runnable onClose, LongConsumer onDamage) throws IOException;

    /**
     * The complete blob {@code e} failed verification: turns it into a partial blob holding its first
     * {@code verifiedChunks} chunks (which did verify) and returns that entry, or removes its storage and returns
     * null. The default removes it; stores that can keep the verified part override this. Called under the lock.
     */
    protected Entry demote(Entry e, long verifiedChunks) throws IOException {
        deleteStorage(e);
        return null;
    }

    /** Removes everything stored for {@code e}. Called under the lock. Returns the bytes freed. */
    protected abstract long deleteStorage(Entry e) throws IOException;

    /** Called under the lock after a garbage collection deleted something (e.g. to flush a directory). */
    protected void afterDeletes() throws IOException {}

    /** Makes the tag table durable. Called under the lock with the new table. */
    protected abstract void saveTags(SortedMap<String, HashAndFormat> tags) throws IOException;

    /** Restores tags at start-up. */
    protected final void loadTags(Map<String, HashAndFormat> loaded) {
        synchronized (lock) {
            tags.putAll(loaded);
        }
    }

    // ---- adding (subclasses stage bytes, then install) ----

    /** Replaces whatever {@code hash} had with a complete blob; runs under the lock. */
    @FunctionalInterface
    protected interface Installer {
        /** Puts the staged blob in place and returns its complete entry; {@code previous} may be partial or complete. */
        Entry install(Entry previous) throws IOException;
    }

    /**
     * Installs a staged blob and protects it with a temp tag. A blob already complete is replaced too: the staged
     * copy was just hashed, while the stored one may have rotted since it was (re-adding a file is how a damaged
     * copy gets repaired), and putting it in place costs only renames.
     */
    protected final TempTag install(Hash hash, BlobFormat format, Installer installer) throws IOException {
        synchronized (lock) {
            ensureOpen();
            Entry e = entries.get(hash);
            Entry done = installer.install(e);
            if (e != null) {
                // A download may still hold a partial, a reader the old copy: neither acts on the store any more.
                e.detached = true;
            }
            entries.put(hash, done);
            return tempTagLocked(new HashAndFormat(hash, format));
        }
    }

    /** A reader found the complete blob {@code e} damaged; it is no longer served or exported as complete. */
    private void damaged(Entry e, long verifiedBytes) {
        synchronized (lock) {
            if (closed || entries.get(e.hash) != e || e.state != State.COMPLETE) {
                return; // replaced, deleted or handled already
            }
            long chunks = Math.min(verifiedBytes, e.size) / BaoTree.CHUNK_LEN;
            e.detached = true;
            Entry replacement = null;
            try {
                replacement = demote(e, chunks);
            } catch (IOException | RuntimeException ex) {
                LOG.warn("could not set damaged blob {} aside: {}", e.hash, ex.toString());
            }
            if (replacement == null) {
                entries.remove(e.hash);
                LOG.warn("blob {} failed verification; dropped it", e.hash);
            } else {
                entries.put(e.hash, replacement);
                LOG.warn("blob {} failed verification after byte {}; kept the {} bytes before as a partial blob to"
                        + " complete by downloading", e.hash, chunks * BaoTree.CHUNK_LEN, chunks * BaoTree.CHUNK_LEN);
            }
        }
    }

    // ---- reading ----

    @Override
    public BlobStatus status(Hash hash) {
        synchronized (lock) {
            Entry e = entries.get(hash);
            if (e == null) {
                return BlobStatus.ABSENT;
            }
            return e.state == State.COMPLETE ? new BlobStatus.Complete(e.size)
                    : new BlobStatus.Partial(e.size, e.sizeVerified, e.present);
        }
    }

    @Override
    public Optional<BlobReader> openReader(Hash hash) throws IOException {
        Entry e;
        synchronized (lock) {
            ensureOpen();
            e = entries.get(hash);
            if (e == null || e.state != State.COMPLETE) {
                return Optional.empty();
            }
            e.readers++;
        }
        Entry held = e;
        try {
            return Optional.of(newReader(e, () -> {
                synchronized (lock) {
                    held.readers--;
                }
            }, verified -> damaged(held, verified)));
        } catch (IOException | RuntimeException ex) {
            synchronized (lock) {
                e.readers--;
            }
            throw ex;
        }
    }

    @Override
    public List<Hash> list() {
        synchronized (lock) {
            List<Hash> out = new ArrayList<>(entries.keySet());
            Collections.sort(out);
            return out;
        }
    }

    // ---- writing ----

    @Override
    public Optional<PartialBlob> openPartial(Hash hash) throws IOException {
        synchronized (lock) {
            ensureOpen();
            Entry e = entries.get(hash);
            if (e != null && e.state == State.COMPLETE) {
                return Optional.empty();
            }
            if (e != null && e.writer != null) {
                throw new BlobBusyException(hash);
            }
            if (e == null) {
                e = createPartialEntry(hash);
                entries.put(hash, e);
            }
            PartialBlob w = newWriter(e);
            e.writer = w;
            return Optional.of(w);
        }
    }

    /** A writer is done with {@code e}. */
    final void releaseWriter(Entry e, PartialBlob w) {
        synchronized (lock) {
            if (e.writer == w) {
                e.writer = null;
            }
        }
    }

    // ---- tags ----

    @Override
    public void setTag(String name, HashAndFormat content) throws IOException {
        checkTagName(name);
        synchronized (lock) {
            ensureOpen();
            TreeMap<String, HashAndFormat> next = new TreeMap<>(tags);
            next.put(name, content);
            saveTags(next);
            tags.put(name, content);
        }
    }

    @Override
    public String createAutoTag(HashAndFormat content) throws IOException {
        synchronized (lock) {
            String base = "auto-" + AUTO_TAG_TIME.format(Instant.now());
            String name = base;
            while (tags.containsKey(name)) {
                name = base + "-" + (++autoTagCounter);
            }
            setTag(name, content);
            return name;
        }
    }

    @Override
    public boolean deleteTag(String name) throws IOException {
        synchronized (lock) {
            ensureOpen();
            if (!tags.containsKey(name)) {
                return false;
            }
            TreeMap<String, HashAndFormat> next = new TreeMap<>(tags);
            next.remove(name);
            saveTags(next);
            tags.remove(name);
            return true;
        }
    }

    @Override
    public Optional<HashAndFormat> tag(String name) {
        synchronized (lock) {
            return Optional.ofNullable(tags.get(name));
        }
    }

    @Override
    public SortedMap<String, HashAndFormat> tags() {
        synchronized (lock) {
            return Collections.unmodifiableSortedMap(new TreeMap<>(tags));
        }
    }

    @Override
    public TempTag tempTag(HashAndFormat content) {
        synchronized (lock) {
            return tempTagLocked(content);
        }
    }

    private TempTag tempTagLocked(HashAndFormat content) {
        tempTags.merge(content, 1, Integer::sum);
        return new TempTag(this, content);
    }

    final void releaseTempTag(HashAndFormat content) {
        synchronized (lock) {
            tempTags.computeIfPresent(content, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    private static void checkTagName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a tag needs a non-empty name");
        }
        if (name.length() > 4096) {
            throw new IllegalArgumentException("tag name of " + name.length() + " characters; at most 4096");
        }
    }

    // ---- garbage collection ----

    @Override
    public void addGcRoots(java.util.function.Supplier<? extends java.util.Collection<Hash>> roots) {
        gcRoots.add(java.util.Objects.requireNonNull(roots, "roots"));
    }

    @Override
    public GcResult gc() throws IOException {
        synchronized (lock) {
            ensureOpen();
            Set<Hash> live = new HashSet<>();
            List<HashAndFormat> roots = new ArrayList<>(tags.values());
            roots.addAll(tempTags.keySet());
            for (HashAndFormat root : roots) {
                live.add(root.hash());
                if (root.format() == BlobFormat.HASH_SEQ) {
                    live.addAll(childrenOf(root.hash()));
                }
            }
            for (java.util.function.Supplier<? extends java.util.Collection<Hash>> extra : gcRoots) {
                live.addAll(extra.get());
            }
            int deleted = 0;
            long bytes = 0;
            int kept = 0;
            for (Entry e : new ArrayList<>(entries.values())) {
                if (live.contains(e.hash) || e.inUse()) {
                    kept++;
                    continue;
                }
                bytes += deleteStorage(e);
                e.detached = true;
                entries.remove(e.hash);
                deleted++;
            }
            if (deleted > 0) {
                afterDeletes();
                LOG.debug("gc deleted {} blobs ({} bytes), kept {}", deleted, bytes, kept);
            }
            return new GcResult(deleted, bytes, kept);
        }
    }

    /**
     * The children of a complete hash sequence; none if it is not complete (its children, if being fetched,
     * are kept by their writers) or not a valid sequence. Called under the lock.
     */
    private List<Hash> childrenOf(Hash seq) throws IOException {
        Entry e = entries.get(seq);
        if (e == null || e.state != State.COMPLETE) {
            return List.of();
        }
        if (e.size % Hash.LENGTH != 0 || e.size > Integer.MAX_VALUE - 8) {
            LOG.warn("blob {} is tagged as a hash sequence but has {} bytes; its children are not kept", seq, e.size);
            return List.of();
        }
        byte[] bytes;
        e.readers++;
        try (BlobReader r = newReader(e, () -> e.readers--, verified -> damaged(e, verified))) {
            bytes = r.readAll();
        }
        return HashSeq.parse(bytes);
    }

    protected final void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("blob store is closed");
        }
    }
}
