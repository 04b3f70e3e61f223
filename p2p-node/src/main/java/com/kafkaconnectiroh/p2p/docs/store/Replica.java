package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorHeads;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorId;
import com.kafkaconnectiroh.p2p.docs.proto.Capability;
import com.kafkaconnectiroh.p2p.docs.proto.Fingerprint;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceSecret;
import com.kafkaconnectiroh.p2p.docs.proto.Record;
import com.kafkaconnectiroh.p2p.docs.proto.RecordIdentifier;
import com.kafkaconnectiroh.p2p.docs.proto.ReplicaView;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;

/**
 * One document in a {@link ReplicaStore}: its entries, the rules that decide which are kept, queries, and the
 * ordered access that reconciliation needs.
 *
 * <p><b>What is kept</b> (iroh-docs {@code ranger::Store::put}, DO@v0.35.0 {@code src/ranger.rs}): an entry is
 * stored only if its record (timestamp, then hash) is greater than that of the same author's entry for its key
 * and for every non-empty prefix of its key; storing it removes that author's entries whose key starts with its
 * key and whose record is not greater. So an empty entry (a deletion marker) written for a prefix deletes, per
 * author, everything under the prefix written before it, and keeps older writes under it from coming back.
 *
 * <p>Writes hold this replica's {@link #lock()}; reads do not. Each stored entry gets the next local change
 * sequence number ({@link Change}).
 */
public final class Replica {
    /** Namespace and author: the fixed-width start of every record identifier. */
    private static final int ID_PREFIX = 64;

    private final ReplicaStore store;
    private final NamespaceId namespace;
    private final byte[] ns;
    /** The first byte string past every key of this namespace in the maps, or null (the id is all FF). */
    private final byte[] nsEnd;
    private final ReentrantLock lock = new ReentrantLock();
    private long lastSeq;
    /** The download policy, read once per change (every remote insert consults it). */
    private volatile DownloadPolicy policy;

    Replica(ReplicaStore store, NamespaceId namespace) {
        this.store = store;
        this.namespace = namespace;
        this.ns = namespace.toBytes();
        this.nsEnd = StoreKeys.prefixEnd(ns);
        byte[] last = nsEnd == null ? store.changes.lastKey() : store.changes.lowerKey(nsEnd);
        this.lastSeq = last != null && startsWith(last, ns) ? StoreKeys.getLong(last, ns.length) : 0;
    }

    public NamespaceId namespace() {
        return namespace;
    }

    /** The lock that local writes, remote inserts and sync sessions take (a session holds it per message). */
    public ReentrantLock lock() {
        return lock;
    }

    public ReplicaInfo info() {
        return store.info(namespace).orElseThrow(() -> new IllegalStateException("document " + namespace + " was removed"));
    }

    public Capability capability() {
        return info().capability();
    }

    public void setDownloadPolicy(DownloadPolicy policy) throws IOException {
        updateInfo(i -> i.withPolicy(policy));
        this.policy = policy;
    }

    /** Which entries' content to download (the default: everything). */
    public DownloadPolicy downloadPolicy() {
        DownloadPolicy p = policy;
        if (p == null) {
            p = info().downloadPolicy();
            policy = p;
        }
        return p;
    }

    /** Remembers {@code peer} as the newest useful peer for this document. */
    public void addSyncPeer(EndpointAddr peer) throws IOException {
        updateInfo(i -> i.withPeer(peer));
    }

    private void updateInfo(java.util.function.UnaryOperator<ReplicaInfo> f) throws IOException {
        store.ensureOpen();
        lock.lock();
        try {
            ReplicaInfo before = info();
            ReplicaInfo after = f.apply(before);
            if (!after.equals(before)) {
                store.putInfo(namespace, after);
                store.commit();
            }
        } finally {
            lock.unlock();
        }
    }

    // ================================================================================================
    // Writes

    /**
     * Signs and stores {@code key → (hash, len)} by {@code author}, timestamped now, and makes it durable.
     *
     * @throws InsertException read-only document, empty content, or a newer entry of this author for the key or a
     *                         prefix of it
     */
    public InsertOutcome insertLocal(Author author, byte[] key, Hash hash, long len) throws InsertException {
        if (len == 0 || hash.equals(Hash.EMPTY)) {
            throw new InsertException(InsertException.Reason.ENTRY_IS_EMPTY);
        }
        return writeLocal(author, key, new Record(len, hash, 0));
    }

    /**
     * Writes a deletion marker for {@code prefix} by {@code author}: deletes every entry of this author whose key
     * starts with it. Returns how many were deleted in {@link InsertOutcome#removed()}.
     */
    public InsertOutcome deletePrefix(Author author, byte[] prefix) throws InsertException {
        return writeLocal(author, prefix, Record.empty(0));
    }

    private InsertOutcome writeLocal(Author author, byte[] key, Record content) throws InsertException {
        NamespaceSecret secret = capability().secret()
                .orElseThrow(() -> new InsertException(InsertException.Reason.READ_ONLY));
        if (store.isClosed()) {
            throw new InsertException(InsertException.Reason.CLOSED);
        }
        lock.lock();
        try {
            Record record = new Record(content.len(), content.hash(), store.nextLocalTimestamp());
            SignedEntry e = SignedEntry.sign(secret, author, key, record);
            InsertOutcome out = insert(e);
            if (!out.inserted()) {
                throw new InsertException(InsertException.Reason.NEWER_ENTRY_EXISTS);
            }
            store.sync();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Signs and stores a batch of local writes and this document's application metadata ({@code meta}, name →
     * value; a null value removes the name) in one durable commit: after a crash either all of it is there or none
     * (a connector keeps its Kafka offsets this way, beside the entries they produced). The batch is checked first:
     * if any write would be refused, nothing is written.
     *
     * @throws InsertException read-only document, a value write with no content, or a newer entry of its author
     *                         for one of the keys or a prefix of it
     */
    public List<InsertOutcome> writeLocalBatch(List<LocalWrite> writes, java.util.Map<String, byte[]> meta)
            throws InsertException {
        NamespaceSecret secret = capability().secret()
                .orElseThrow(() -> new InsertException(InsertException.Reason.READ_ONLY));
        if (store.isClosed()) {
            throw new InsertException(InsertException.Reason.CLOSED);
        }
        for (LocalWrite w : writes) {
            if (!w.isDelete() && w.len() == 0) {
                throw new InsertException(InsertException.Reason.ENTRY_IS_EMPTY);
            }
        }
        List<InsertOutcome> out = new ArrayList<>(writes.size());
        lock.lock();
        // One read hold over the whole batch: no commit can fall between its writes.
        store.updates.readLock().lock();
        try {
            List<SignedEntry> signed = new ArrayList<>(writes.size());
            for (LocalWrite w : writes) {
                Record r = new Record(w.len(), w.hash(), store.nextLocalTimestamp());
                SignedEntry e = SignedEntry.sign(secret, w.author(), w.key(), r);
                if (newerHeld(e)) {
                    throw new InsertException(InsertException.Reason.NEWER_ENTRY_EXISTS);
                }
                signed.add(e);
            }
            for (SignedEntry e : signed) {
                out.add(insert(e));
            }
            if (meta != null) {
                meta.forEach((name, value) -> store.putAppMeta(namespace, name, value));
            }
        } finally {
            store.updates.readLock().unlock();
            lock.unlock();
        }
        store.sync();
        return out;
    }

    /** This document's application metadata {@code name}, as the last committed batch left it. */
    public Optional<byte[]> appMeta(String name) {
        return store.appMeta(namespace, name);
    }

    /** Whether the same author holds a newer entry for {@code e}'s key or a non-empty prefix of it. */
    private boolean newerHeld(SignedEntry e) {
        byte[] id = e.id().toBytes();
        int keyLen = id.length - ID_PREFIX;
        for (int len = keyLen; len >= 0; len--) {
            if (len == 0 && keyLen > 0) {
                break;
            }
            byte[] v = store.entries.get(len == keyLen ? id : Arrays.copyOf(id, ID_PREFIX + len));
            if (v != null && e.record().compareTo(EntryValue.record(v)) <= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stores an entry that was validated already (signatures, namespace, timestamp) under the keep rules. Not
     * committed: the caller commits (after a sync message, say). Reports {@link InsertOutcome#inserted()} false if
     * the replica holds it or something newer.
     */
    public InsertOutcome insertValidated(SignedEntry e) {
        if (!e.id().isIn(namespace)) {
            throw new IllegalArgumentException("entry of " + e.namespace() + " offered to " + namespace);
        }
        lock.lock();
        try {
            return insert(e);
        } finally {
            lock.unlock();
        }
    }

    private InsertOutcome insert(SignedEntry e) {
        byte[] id = e.id().toBytes();
        Record record = e.record();
        MVMap<byte[], byte[]> entries = store.entries;
        // The same author's entry for this key and for each non-empty prefix must be older.
        if (newerHeld(e)) {
            return InsertOutcome.notInserted(e);
        }
        int[] removed = new int[1];
        long[] seq = new long[1];
        store.update(() -> {
            // This author's entries under our key (ours included) that are not newer go.
            byte[] end = StoreKeys.prefixEnd(id);
            List<byte[]> older = new ArrayList<>();
            List<byte[]> olderValues = new ArrayList<>();
            for (Cursor<byte[], byte[]> c = entries.cursor(id); c.hasNext(); ) {
                byte[] k = c.next();
                if (end != null && Arrays.compareUnsigned(k, end) >= 0) {
                    break;
                }
                byte[] v = c.getValue();
                if (EntryValue.record(v).compareTo(record) <= 0) {
                    older.add(k);
                    olderValues.add(v);
                }
            }
            for (int i = 0; i < older.size(); i++) {
                removeRow(older.get(i), olderValues.get(i));
            }
            removed[0] = older.size();
            seq[0] = ++lastSeq;
            entries.put(id, EntryValue.encode(e, seq[0]));
            store.byKey.put(byKeyKey(id), new byte[0]);
            store.changes.put(changeKey(seq[0]), Arrays.copyOfRange(id, ns.length, id.length));
            byte[] headKey = Arrays.copyOf(id, ID_PREFIX);
            byte[] head = store.heads.get(headKey);
            if (head == null || Long.compareUnsigned(StoreKeys.getLong(head, 0), record.timestamp()) < 0) {
                store.heads.put(headKey, StoreKeys.longBE(record.timestamp()));
            }
        });
        return new InsertOutcome(e, true, seq[0], removed[0]);
    }

    private void removeRow(byte[] id, byte[] value) {
        store.entries.remove(id);
        store.byKey.remove(byKeyKey(id));
        store.changes.remove(changeKey(EntryValue.seq(value)));
    }

    /** Removes every entry (the document is being dropped). */
    void clear() {
        lock.lock();
        try {
            List<byte[]> ids = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            forRange(ns, nsEnd, (k, v) -> {
                ids.add(k);
                values.add(v);
                return true;
            });
            for (int i = 0; i < ids.size(); i++) {
                byte[] k = ids.get(i);
                byte[] v = values.get(i);
                store.update(() -> removeRow(k, v));
            }
            List<byte[]> headKeys = new ArrayList<>();
            for (Cursor<byte[], byte[]> c = store.heads.cursor(ns); c.hasNext(); ) {
                byte[] k = c.next();
                if (!startsWith(k, ns)) {
                    break;
                }
                headKeys.add(k);
            }
            store.update(() -> headKeys.forEach(store.heads::remove));
        } finally {
            lock.unlock();
        }
    }

    private byte[] byKeyKey(byte[] id) {
        int keyStart = ID_PREFIX;
        return StoreKeys.concat(ns, StoreKeys.escape(Arrays.copyOfRange(id, keyStart, id.length), true),
                Arrays.copyOfRange(id, ns.length, keyStart));
    }

    private byte[] changeKey(long seq) {
        byte[] k = Arrays.copyOf(ns, ns.length + 8);
        StoreKeys.putLong(k, ns.length, seq);
        return k;
    }

    // ================================================================================================
    // Reads

    /** The entry of {@code author} for exactly {@code key}; deletion markers only if {@code includeEmpty}. */
    public Optional<SignedEntry> getExact(AuthorId author, byte[] key, boolean includeEmpty) {
        byte[] id = RecordIdentifier.of(namespace, author, key).toBytes();
        byte[] v = store.entries.get(id);
        if (v == null) {
            return Optional.empty();
        }
        SignedEntry e = EntryValue.entry(id, v);
        return e.isEmpty() && !includeEmpty ? Optional.empty() : Optional.of(e);
    }

    /** The latest entry for {@code key} across authors; empty if none or if the latest is a deletion marker. */
    public Optional<SignedEntry> getLatest(byte[] key) {
        List<SignedEntry> r = query(Query.singleLatestPerKey().withKeyExact(key).withLimit(1));
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
    }

    public List<SignedEntry> query(Query q) {
        List<SignedEntry> out = new ArrayList<>();
        forEach(q, e -> {
            out.add(e);
            return true;
        });
        return out;
    }

    /** Streams the query's results to {@code consumer} in order until it returns false. */
    public void forEach(Query q, Predicate<SignedEntry> consumer) {
        Predicate<SignedEntry> paged = paged(q, consumer);
        if (q.latestPerKey()) {
            latestPerKey(q, paged);
        } else if (q.author() != null || q.sortBy() == Query.SortBy.AUTHOR_KEY && q.keyExact() == null) {
            // One author's entries, or all by author: the entries map is in that order.
            byte[] lo = q.author() == null ? ns : StoreKeys.concat(ns, q.author().toBytes(),
                    q.keyExact() != null ? q.keyExact() : q.keyPrefix() != null ? q.keyPrefix() : new byte[0]);
            byte[] hi = q.author() == null ? nsEnd : q.keyExact() != null ? StoreKeys.concat(lo, new byte[1]) : StoreKeys.prefixEnd(lo);
            forRange(lo, hi, (k, v) -> {
                byte[] key = Arrays.copyOfRange(k, ID_PREFIX, k.length);
                if (!q.keyMatches(key) || !q.includeEmpty() && EntryValue.record(v).isEmpty()) {
                    return true;
                }
                return paged.test(EntryValue.entry(k, v));
            });
        } else {
            byKeyOrder(q, e -> {
                if (!q.includeEmpty() && e.isEmpty()) {
                    return true;
                }
                return paged.test(e);
            });
        }
    }

    private static Predicate<SignedEntry> paged(Query q, Predicate<SignedEntry> consumer) {
        long[] skipped = {0};
        long[] taken = {0};
        return e -> {
            if (skipped[0] < q.offset()) {
                skipped[0]++;
                return true;
            }
            if (taken[0] >= q.limit()) {
                return false;
            }
            taken[0]++;
            return consumer.test(e) && taken[0] < q.limit();
        };
    }

    /** Entries in key, then author order, passing the key and author filters (empty ones included). */
    private void byKeyOrder(Query q, Predicate<SignedEntry> consumer) {
        byte[] lo;
        byte[] hi;
        if (q.keyExact() != null) {
            lo = StoreKeys.concat(ns, StoreKeys.escape(q.keyExact(), true));
            hi = StoreKeys.prefixEnd(lo);
        } else {
            lo = StoreKeys.concat(ns, StoreKeys.escape(q.keyPrefix() == null ? new byte[0] : q.keyPrefix(), false));
            hi = StoreKeys.prefixEnd(lo);
        }
        int[] end = new int[1];
        for (Cursor<byte[], byte[]> c = store.byKey.cursor(lo); c.hasNext(); ) {
            byte[] k = c.next();
            if (hi != null && Arrays.compareUnsigned(k, hi) >= 0 || !startsWith(k, ns)) {
                return;
            }
            byte[] key = StoreKeys.unescape(k, ns.length, end);
            byte[] author = Arrays.copyOfRange(k, end[0], k.length);
            if (q.author() != null && !Arrays.equals(author, q.author().toBytes())) {
                continue;
            }
            byte[] id = StoreKeys.concat(ns, author, key);
            byte[] v = store.entries.get(id);
            if (v != null && !consumer.test(EntryValue.entry(id, v))) {
                return;
            }
        }
    }

    /** iroh's {@code LatestPerKeySelector}: per key the highest timestamp, the first (lowest author) on a tie. */
    private void latestPerKey(Query q, Predicate<SignedEntry> consumer) {
        SignedEntry[] best = {null};
        boolean[] stopped = {false};
        byKeyOrder(q, e -> {
            SignedEntry b = best[0];
            if (b != null && Arrays.equals(b.key(), e.key())) {
                if (Long.compareUnsigned(e.timestamp(), b.timestamp()) > 0) {
                    best[0] = e;
                }
                return true;
            }
            best[0] = e;
            if (b != null && (q.includeEmpty() || !b.isEmpty()) && !consumer.test(b)) {
                stopped[0] = true;
                return false;
            }
            return true;
        });
        SignedEntry last = best[0];
        if (!stopped[0] && last != null && (q.includeEmpty() || !last.isEmpty())) {
            consumer.test(last);
        }
    }

    /** The newest timestamp per author among the entries held (what a SyncReport advertises). */
    public AuthorHeads heads() {
        AuthorHeads h = new AuthorHeads();
        for (Cursor<byte[], byte[]> c = store.heads.cursor(ns); c.hasNext(); ) {
            byte[] k = c.next();
            if (!startsWith(k, ns)) {
                break;
            }
            h.insert(AuthorId.fromBytes(Arrays.copyOfRange(k, ns.length, k.length)), StoreKeys.getLong(c.getValue(), 0));
        }
        return h;
    }

    /** The entries stored after change {@code afterSeq} that are still current, oldest first, at most {@code limit}. */
    public List<Change> changes(long afterSeq, int limit) {
        if (afterSeq < 0 || afterSeq == Long.MAX_VALUE) {
            throw new IllegalArgumentException("change sequence number out of range: " + afterSeq);
        }
        List<Change> out = new ArrayList<>();
        byte[] lo = changeKey(afterSeq + 1);
        for (Cursor<byte[], byte[]> c = store.changes.cursor(lo); c.hasNext() && out.size() < limit; ) {
            byte[] k = c.next();
            if (!startsWith(k, ns)) {
                break;
            }
            byte[] id = StoreKeys.concat(ns, c.getValue());
            byte[] v = store.entries.get(id);
            if (v != null && EntryValue.seq(v) == StoreKeys.getLong(k, ns.length)) {
                out.add(new Change(EntryValue.seq(v), EntryValue.entry(id, v)));
            }
        }
        return out;
    }

    /**
     * The entries newer than {@code heads} (timestamp above the author's head, or any of an author not in it), in
     * (author, timestamp, key) order, at most {@code limit}: a position that means the same on every replica. An
     * author's entries can arrive out of timestamp order (from a peer that had only some of them), so an entry
     * older than a head already passed can still turn up later; {@link #changes} has no such gap on one store.
     */
    public List<SignedEntry> entriesAfter(AuthorHeads heads, int limit) {
        List<SignedEntry> out = new ArrayList<>();
        java.util.Comparator<SignedEntry> order = java.util.Comparator.comparing((SignedEntry e) -> e.author())
                .thenComparing((a, b) -> Long.compareUnsigned(a.timestamp(), b.timestamp()))
                .thenComparing((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
        java.util.PriorityQueue<SignedEntry> best = new java.util.PriorityQueue<>(order.reversed());
        forRange(ns, nsEnd, (k, v) -> {
            AuthorId author = AuthorId.fromBytes(Arrays.copyOfRange(k, ns.length, ID_PREFIX));
            java.util.OptionalLong head = heads.get(author);
            if (head.isPresent() && Long.compareUnsigned(EntryValue.timestamp(v), head.getAsLong()) <= 0) {
                return true;
            }
            SignedEntry e = EntryValue.entry(k, v);
            if (best.size() < limit) {
                best.add(e);
            } else if (order.compare(e, best.peek()) < 0) {
                best.poll();
                best.add(e);
            }
            return true;
        });
        out.addAll(best);
        out.sort(order);
        return out;
    }

    /** The highest change sequence number given out (0 before the first entry). */
    public long lastSeq() {
        lock.lock();
        try {
            return lastSeq;
        } finally {
            lock.unlock();
        }
    }

    /** How many entries (deletion markers included) the replica holds. */
    public long entryCount() {
        return index(nsEnd) - index(ns);
    }

    // ================================================================================================
    // Ordered access for reconciliation (ReplicaView's primitives)

    /** The first identifier held, or {@link RecordIdentifier#ZERO}. */
    public RecordIdentifier first() {
        byte[] k = store.entries.ceilingKey(ns);
        return k != null && startsWith(k, ns) ? RecordIdentifier.fromBytes(k) : RecordIdentifier.ZERO;
    }

    /** Count and fingerprint XOR of {@code [lo, hi)} clamped to this namespace (null: its start or end). */
    public ReplicaView.RangeSummary summarize(RecordIdentifier lo, RecordIdentifier hi) {
        byte[] from = lower(lo);
        byte[] to = upper(hi);
        if (to != null && Arrays.compareUnsigned(from, to) >= 0) {
            return ReplicaView.RangeSummary.EMPTY;
        }
        byte[] xor = new byte[Fingerprint.LENGTH];
        int[] n = {0};
        forRange(from, to, (k, v) -> {
            EntryValue.xorFingerprint(v, xor);
            n[0]++;
            return true;
        });
        return new ReplicaView.RangeSummary(n[0], xor);
    }

    /** How many entries lie in {@code [lo, hi)} (clamped), counted from the B-tree's page counts. */
    public int count(RecordIdentifier lo, RecordIdentifier hi) {
        byte[] from = lower(lo);
        byte[] to = upper(hi);
        if (to != null && Arrays.compareUnsigned(from, to) >= 0) {
            return 0;
        }
        return (int) (index(to) - index(from));
    }

    public List<SignedEntry> entries(RecordIdentifier lo, RecordIdentifier hi) {
        byte[] from = lower(lo);
        byte[] to = upper(hi);
        List<SignedEntry> out = new ArrayList<>();
        if (to != null && Arrays.compareUnsigned(from, to) >= 0) {
            return out;
        }
        forRange(from, to, (k, v) -> {
            out.add(EntryValue.entry(k, v));
            return true;
        });
        return out;
    }

    /** The identifier of the {@code index}-th entry of {@code [lo, hi)} (clamped). */
    public RecordIdentifier idAt(RecordIdentifier lo, RecordIdentifier hi, int index) {
        long i = index(lower(lo)) + index;
        byte[] k = store.entries.getKey(i);
        if (k == null || !startsWith(k, ns)) {
            throw new IllegalStateException("no entry at index " + index + " of the range");
        }
        return RecordIdentifier.fromBytes(k);
    }

    private byte[] lower(RecordIdentifier lo) {
        if (lo == null) {
            return ns;
        }
        byte[] b = lo.toBytes();
        return Arrays.compareUnsigned(b, ns) < 0 ? ns : nsEnd != null && Arrays.compareUnsigned(b, nsEnd) > 0 ? nsEnd : b;
    }

    private byte[] upper(RecordIdentifier hi) {
        if (hi == null) {
            return nsEnd;
        }
        byte[] b = hi.toBytes();
        if (nsEnd != null && Arrays.compareUnsigned(b, nsEnd) > 0) {
            return nsEnd;
        }
        return Arrays.compareUnsigned(b, ns) < 0 ? ns : b;
    }

    /** The number of keys in the whole map below {@code key} (null: all of them). */
    private long index(byte[] key) {
        if (key == null) {
            return store.entries.sizeAsLong();
        }
        long i = store.entries.getKeyIndex(key);
        return i >= 0 ? i : -(i + 1);
    }

    private interface RowVisitor {
        boolean visit(byte[] key, byte[] value);
    }

    private void forRange(byte[] from, byte[] to, RowVisitor v) {
        for (Cursor<byte[], byte[]> c = store.entries.cursor(from); c.hasNext(); ) {
            byte[] k = c.next();
            if (to != null && Arrays.compareUnsigned(k, to) >= 0 || !startsWith(k, ns)) {
                return;
            }
            if (!v.visit(k, c.getValue())) {
                return;
            }
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public String toString() {
        return "Replica[" + namespace.fmtShort() + "]";
    }
}
