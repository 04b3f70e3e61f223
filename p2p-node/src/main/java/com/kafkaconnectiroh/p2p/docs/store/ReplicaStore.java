package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorId;
import com.kafkaconnectiroh.p2p.docs.proto.Capability;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Every document a node holds, its authors and their entries, in one H2 MVStore file (or in memory): the
 * persistent, crash-safe replica store of iroh-docs' {@code store/fs.rs}, with the same indexes (by record
 * identifier, by key, latest per author) and a local change feed. See docs/docs.md, "Store", for the layout.
 *
 * <p><b>Crash safety.</b> MVStore writes copy-on-write B-tree pages in checksummed chunks and makes a commit
 * current only after its chunk is complete; on open it finds the last complete commit, so a crash (kill -9, power
 * loss after {@link #sync()}) leaves the store as of a commit, never half-written. MVStore's background auto-commit
 * is off: a commit could otherwise land between the writes of one entry to its four maps. Instead every logical
 * update (one entry with its index rows) holds {@link #updates} shared, and {@link #commit()} holds it exclusively,
 * so each commit contains whole updates only. Local writes commit (and fsync) before they return; entries from
 * peers are committed by the sync driver after each message (a crash loses at most what the next sync re-fetches).
 *
 * <p>Thread-safe. Reads do not lock (each map read sees a consistent snapshot). Writes to one document are
 * serialized by its {@link Replica}'s lock. One process at a time: MVStore locks the file.
 */
public final class ReplicaStore implements AutoCloseable {
    static final int FORMAT = 1;
    /** Chunks fuller than this (percent live) are left alone by {@link #compact}. */
    static final int COMPACT_FILL_RATE = 60;
    static final int COMPACT_EVERY = 256;
    static final int COMPACT_WRITE_LIMIT = 4 << 20;
    static final long COMMIT_DELAY_MILLIS = 100;
    /**
     * How long a chunk no commit needs any more is kept before its space is reused. MVStore's default (45 s) lets a
     * file grow by everything written in 45 s; entries arrive in bursts, so we reuse sooner. A crash of the process
     * cannot see reordered writes (the kernel has them all); against power loss local writes are fsynced.
     */
    static final int RETENTION_MILLIS = 5_000;
    private static final byte[] META_FORMAT = "format".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META_STORE_ID = "store-id".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META_DEFAULT_AUTHOR = "default-author".getBytes(StandardCharsets.UTF_8);

    private final MVStore mv;
    final MVMap<byte[], byte[]> entries;
    final MVMap<byte[], byte[]> byKey;
    final MVMap<byte[], byte[]> heads;
    final MVMap<byte[], byte[]> changes;
    private final MVMap<byte[], byte[]> replicas;
    private final MVMap<byte[], byte[]> authors;
    private final MVMap<byte[], byte[]> meta;
    /** Shared by each logical update, exclusive for a commit (see the class comment). */
    final ReentrantReadWriteLock updates = new ReentrantReadWriteLock();
    private final Map<NamespaceId, Replica> open = new ConcurrentHashMap<>();
    private final AtomicLong lastLocalTimestamp = new AtomicLong();
    private int commitsSinceCompaction;
    /** Commits what {@link #commitSoon()} left pending, at most {@link #COMMIT_DELAY_MILLIS} later (file stores). */
    private final java.util.concurrent.ScheduledExecutorService flusher;
    private final java.util.concurrent.atomic.AtomicBoolean flushScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private final String storeId;
    private volatile boolean closed;

    private ReplicaStore(MVStore mv) throws IOException {
        this.mv = mv;
        if (mv.getFileStore() != null) {
            mv.setRetentionTime(RETENTION_MILLIS);
            this.flusher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "docs-store-flush");
                t.setDaemon(true);
                return t;
            });
        } else {
            this.flusher = null;
        }
        this.entries = map("entries");
        this.byKey = map("by-key");
        this.heads = map("heads");
        this.changes = map("changes");
        this.replicas = map("replicas");
        this.authors = map("authors");
        this.meta = map("meta");
        byte[] format = meta.get(META_FORMAT);
        if (format == null) {
            meta.put(META_FORMAT, new byte[] {FORMAT});
        } else if (format.length != 1 || format[0] != FORMAT) {
            throw new IOException("docs store format " + Hex.encode(format) + " is not supported (expected " + FORMAT + ")");
        }
        byte[] id = meta.get(META_STORE_ID);
        if (id == null) {
            id = new byte[16];
            new SecureRandom().nextBytes(id);
            meta.put(META_STORE_ID, id);
        }
        this.storeId = Hex.encode(id);
        mv.commit();
    }

    private MVMap<byte[], byte[]> map(String name) {
        return mv.openMap(name, new MVMap.Builder<byte[], byte[]>().keyType(ByteKeyType.INSTANCE).valueType(ByteKeyType.INSTANCE));
    }

    /**
     * Opens (creating if needed) the store in {@code file}, readable by the owner only (it holds secrets).
     *
     * @throws IOException the file is in use by another process, unreadable, damaged beyond the last commit, or
     *                     of another format
     */
    public static ReplicaStore open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        boolean created = !Files.exists(file);
        MVStore mv;
        try {
            mv = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        } catch (MVStoreException e) {
            throw new IOException(describe(file, e), e);
        }
        if (created && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        try {
            return new ReplicaStore(mv);
        } catch (IOException | RuntimeException e) {
            mv.closeImmediately();
            throw e;
        }
    }

    private static String describe(Path file, MVStoreException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("locked")) {
            return "docs store " + file + " is in use by another process";
        }
        int cut = m.indexOf(" [");
        return "cannot open docs store " + file + ": " + (cut > 0 ? m.substring(0, cut) : m);
    }

    /** A store that lives in memory only. */
    public static ReplicaStore memory() {
        try {
            return new ReplicaStore(new MVStore.Builder().autoCommitDisabled().open());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A random id this store got when created: tells a consumer whether change sequence numbers still apply. */
    public String storeId() {
        return storeId;
    }

    // ================================================================================================
    // Authors

    /** Creates a new author, keeps it, and returns it. */
    public Author createAuthor() throws IOException {
        Author a = Author.generate();
        importAuthor(a);
        return a;
    }

    public void importAuthor(Author author) throws IOException {
        ensureOpen();
        update(() -> authors.put(author.id().toBytes(), author.toBytes()));
        sync();
    }

    public Optional<Author> author(AuthorId id) {
        byte[] seed = authors.get(id.toBytes());
        return seed == null ? Optional.empty() : Optional.of(Author.fromBytes(seed));
    }

    public List<AuthorId> authors() {
        List<AuthorId> out = new ArrayList<>();
        for (Iterator<byte[]> it = authors.keyIterator(null); it.hasNext(); ) {
            out.add(AuthorId.fromBytes(it.next()));
        }
        return out;
    }

    public boolean deleteAuthor(AuthorId id) throws IOException {
        ensureOpen();
        boolean[] removed = new boolean[1];
        update(() -> {
            removed[0] = authors.remove(id.toBytes()) != null;
            byte[] def = meta.get(META_DEFAULT_AUTHOR);
            if (def != null && java.util.Arrays.equals(def, id.toBytes())) {
                meta.remove(META_DEFAULT_AUTHOR);
            }
        });
        sync();
        return removed[0];
    }

    /** The author local writes use unless told otherwise; created and kept on first use (as iroh's default author). */
    public synchronized Author defaultAuthor() throws IOException {
        byte[] id = meta.get(META_DEFAULT_AUTHOR);
        if (id != null) {
            Optional<Author> a = author(AuthorId.fromBytes(id));
            if (a.isPresent()) {
                return a.get();
            }
        }
        Author a = Author.generate();
        ensureOpen();
        update(() -> {
            authors.put(a.id().toBytes(), a.toBytes());
            meta.put(META_DEFAULT_AUTHOR, a.id().toBytes());
        });
        sync();
        return a;
    }

    public synchronized void setDefaultAuthor(AuthorId id) throws IOException {
        if (author(id).isEmpty()) {
            throw new IllegalArgumentException("no author " + id + " in this store");
        }
        update(() -> meta.put(META_DEFAULT_AUTHOR, id.toBytes()));
        sync();
    }

    // ================================================================================================
    // Replicas

    /**
     * Keeps a document: a new one, or one joined through a ticket. If we hold it already, the capability is merged
     * (a write capability upgrades a read one). Returns its replica.
     */
    public Replica importReplica(Capability capability) throws IOException {
        ensureOpen();
        NamespaceId ns = capability.id();
        synchronized (replicas) {
            Optional<ReplicaInfo> existing = info(ns);
            ReplicaInfo info = existing.map(i -> i.withCapability(i.capability().merge(capability)))
                    .orElseGet(() -> new ReplicaInfo(capability, DownloadPolicy.EVERYTHING, List.of()));
            if (existing.isEmpty() || !existing.get().equals(info)) {
                putInfo(ns, info);
                sync();
            }
        }
        return replica(ns).orElseThrow();
    }

    /** The replica of a document we hold. */
    public Optional<Replica> replica(NamespaceId ns) {
        if (closed || info(ns).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(open.computeIfAbsent(ns, n -> new Replica(this, n)));
    }

    /** Every document held, by id. */
    public List<NamespaceId> replicas() {
        List<NamespaceId> out = new ArrayList<>();
        for (Iterator<byte[]> it = replicas.keyIterator(null); it.hasNext(); ) {
            out.add(NamespaceId.fromBytes(it.next()));
        }
        return out;
    }

    /** Drops a document and all its entries (not their content blobs); false if we did not hold it. */
    public boolean removeReplica(NamespaceId ns) throws IOException {
        Optional<Replica> r = replica(ns);
        if (r.isEmpty()) {
            return false;
        }
        r.get().clear();
        byte[] metaPrefix = appMetaKey(ns, "");
        List<byte[]> metaKeys = new ArrayList<>();
        for (Iterator<byte[]> it = meta.keyIterator(metaPrefix); it.hasNext(); ) {
            byte[] k = it.next();
            if (!java.util.Arrays.equals(k, 0, Math.min(k.length, metaPrefix.length), metaPrefix, 0, metaPrefix.length)
                    || k.length < metaPrefix.length) {
                break;
            }
            metaKeys.add(k);
        }
        update(() -> {
            replicas.remove(ns.toBytes());
            metaKeys.forEach(meta::remove);
        });
        open.remove(ns);
        sync();
        return true;
    }

    Optional<ReplicaInfo> info(NamespaceId ns) {
        byte[] b = replicas.get(ns.toBytes());
        if (b == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ReplicaInfo.decode(b));
        } catch (PostcardException e) {
            throw new IllegalStateException("damaged replica record for " + ns + ": " + e.getMessage(), e);
        }
    }

    void putInfo(NamespaceId ns, ReplicaInfo info) {
        update(() -> replicas.put(ns.toBytes(), info.encode()));
    }

    private static byte[] appMetaKey(NamespaceId ns, String name) {
        return ("app:" + ns + ":" + name).getBytes(StandardCharsets.UTF_8);
    }

    /** Called inside a batch's update (see {@link Replica#writeLocalBatch}). */
    void putAppMeta(NamespaceId ns, String name, byte[] value) {
        if (value == null) {
            meta.remove(appMetaKey(ns, name));
        } else {
            meta.put(appMetaKey(ns, name), value.clone());
        }
    }

    Optional<byte[]> appMeta(NamespaceId ns, String name) {
        byte[] v = meta.get(appMetaKey(ns, name));
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /** The content hashes of every entry of every document (deletion markers left out): what must not be collected. */
    public java.util.Set<com.kafkaconnectiroh.p2p.blobs.Hash> contentHashes() {
        java.util.Set<com.kafkaconnectiroh.p2p.blobs.Hash> out = new java.util.HashSet<>();
        if (closed) {
            return out;
        }
        for (org.h2.mvstore.Cursor<byte[], byte[]> c = entries.cursor(null); c.hasNext(); ) {
            c.next();
            com.kafkaconnectiroh.p2p.blobs.Hash h = EntryValue.record(c.getValue()).hash();
            if (!h.equals(com.kafkaconnectiroh.p2p.blobs.Hash.EMPTY)) {
                out.add(h);
            }
        }
        return out;
    }

    // ================================================================================================
    // Updates and commits

    /** Runs one logical update so that no commit sees part of it. */
    void update(Runnable r) {
        updates.readLock().lock();
        try {
            r.run();
        } finally {
            updates.readLock().unlock();
        }
    }

    /** A timestamp for a local write: now in microseconds, but always above the previous one we issued. */
    long nextLocalTimestamp() {
        java.time.Instant now = java.time.Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        return lastLocalTimestamp.updateAndGet(last -> Math.max(micros, last + 1));
    }

    /** Makes every finished update durable against a process crash (not against power loss: see {@link #sync()}). */
    public void commit() {
        if (closed) {
            return;
        }
        updates.writeLock().lock();
        try {
            if (mv.hasUnsavedChanges()) {
                mv.commit();
                if (++commitsSinceCompaction >= COMPACT_EVERY && mv.getFileStore() != null) {
                    commitsSinceCompaction = 0;
                    mv.compact(COMPACT_FILL_RATE, COMPACT_WRITE_LIMIT);
                    mv.commit();
                }
            }
        } finally {
            updates.writeLock().unlock();
        }
    }

    /**
     * Commits within {@link #COMMIT_DELAY_MILLIS}: for entries from peers, which arrive one by one over gossip and
     * would otherwise cost a commit (a chunk of rewritten B-tree pages) each. A crash before then loses them; the
     * next sync fetches them again.
     */
    public void commitSoon() {
        if (flusher == null || closed) {
            return;
        }
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                flusher.schedule(() -> {
                    flushScheduled.set(false);
                    commit();
                }, COMMIT_DELAY_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                flushScheduled.set(false);
            }
        }
    }

    /** {@link #commit()}, then forces the file to the disk (an fsync) so the commit survives power loss too. */
    public void sync() {
        commit();
        if (!closed && mv.getFileStore() != null) {
            mv.sync();
        }
    }

    /**
     * Rewrites the live pages of mostly-empty chunks (at most {@code writeLimit} bytes) so their space can be
     * reused; {@link #commit()} does a little of this every {@value #COMPACT_EVERY} commits. (MVStore's other
     * compaction, which moves chunks to shrink the file at close, is not used: its internal assertions fail in
     * 2.3.232 under {@code -ea}.)
     */
    public void compact(int writeLimit) {
        updates.writeLock().lock();
        try {
            if (!closed) {
                mv.compact(COMPACT_FILL_RATE, writeLimit);
                mv.commit();
            }
        } finally {
            updates.writeLock().unlock();
        }
    }

    void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the docs store is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Commits and closes. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (flusher != null) {
            flusher.shutdownNow();
        }
        updates.writeLock().lock();
        try {
            closed = true;
            open.clear();
            mv.close();
        } finally {
            updates.writeLock().unlock();
        }
    }

    /** Simulates a crash (tests): drops whatever is not committed and releases the file without writing. */
    void closeImmediately() {
        closed = true;
        if (flusher != null) {
            flusher.shutdownNow();
        }
        mv.closeImmediately();
    }
}
