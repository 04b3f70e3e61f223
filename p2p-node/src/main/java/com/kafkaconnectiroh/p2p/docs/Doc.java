package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorHeads;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorId;
import com.kafkaconnectiroh.p2p.docs.proto.Capability;
import com.kafkaconnectiroh.p2p.docs.proto.ContentStatus;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.proto.SyncOutcome;
import com.kafkaconnectiroh.p2p.docs.store.Change;
import com.kafkaconnectiroh.p2p.docs.store.DownloadPolicy;
import com.kafkaconnectiroh.p2p.docs.store.InsertException;
import com.kafkaconnectiroh.p2p.docs.store.InsertOutcome;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.docs.store.Replica;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One document on a {@link Docs} engine: write, read, query, share and follow it (iroh's {@code Doc}).
 *
 * <p>Writes ({@link #set}, {@link #delete}) add the content to the node's blob store, sign the entry with the
 * given author (or the default author), store it durably and, while the document syncs live, broadcast it. Reads
 * are local. Positions for consumers: {@link #changes(long, int)} replays stored entries in the order they were
 * stored on this node from a {@link Change#seq()}; {@link #heads()} gives each author's newest timestamp (a position
 * that holds on any replica).
 */
public final class Doc {
    private final Docs docs;
    private final Replica replica;

    Doc(Docs docs, Replica replica) {
        this.docs = docs;
        this.replica = replica;
    }

    public NamespaceId id() {
        return replica.namespace();
    }

    public Capability capability() {
        return replica.capability();
    }

    public boolean isWritable() {
        return capability().canWrite();
    }

    // ================================================================================================
    // Writes

    /** Sets {@code key} to {@code value} as the default author; returns the new entry. */
    public SignedEntry set(byte[] key, byte[] value) throws IOException, InsertException {
        return set(docs.defaultAuthor(), key, value);
    }

    /**
     * Stores {@code value} as a blob and sets {@code key} to it as {@code author}.
     *
     * @throws InsertException read-only document, empty value, or a newer entry of this author for the key or a
     *                         prefix of it
     */
    public SignedEntry set(Author author, byte[] key, byte[] value) throws IOException, InsertException {
        if (value.length == 0) {
            throw new InsertException(InsertException.Reason.ENTRY_IS_EMPTY);
        }
        Blobs.AddOutcome added = docs.blobs().add(value, TagOption.none());
        return setHash(author, key, added.hash(), added.size());
    }

    /** Like {@link #set(Author, byte[], byte[])} with a file's bytes (hashed as they are copied into the store). */
    public SignedEntry setFile(Author author, byte[] key, Path file) throws IOException, InsertException {
        Blobs.AddOutcome added = docs.blobs().add(file, TagOption.none());
        if (added.size() == 0) {
            throw new InsertException(InsertException.Reason.ENTRY_IS_EMPTY);
        }
        return setHash(author, key, added.hash(), added.size());
    }

    /** Sets {@code key} to content already in the blob store (or to be fetched by others from elsewhere). */
    public SignedEntry setHash(Author author, byte[] key, Hash hash, long len) throws IOException, InsertException {
        InsertOutcome out = replica.insertLocal(author, key, hash, len);
        docs.localInserted(replica, out);
        return out.entry();
    }

    /**
     * A batch of writes and metadata committed together (one fsync, all or nothing across a crash): what a
     * connector writing many records, and keeping its source position beside them, wants.
     */
    public DocBatch batch() {
        return new DocBatch(this, docs);
    }

    /** This document's application metadata {@code name} (set through {@link DocBatch#meta}). */
    public Optional<byte[]> meta(String name) {
        return replica.appMeta(name);
    }

    Replica replica() {
        return replica;
    }

    /** Deletes the default author's entries under {@code prefix}; returns how many were deleted. */
    public int delete(byte[] prefix) throws IOException, InsertException {
        return delete(docs.defaultAuthor(), prefix);
    }

    /**
     * Writes {@code author}'s deletion marker for {@code prefix} (iroh's {@code del}): every entry of that author
     * whose key starts with it and that is older goes. Other authors' entries stay. Returns how many went.
     */
    public int delete(Author author, byte[] prefix) throws InsertException {
        InsertOutcome out = replica.deletePrefix(author, prefix);
        docs.localInserted(replica, out);
        return out.removed();
    }

    // ================================================================================================
    // Reads

    /** The latest entry for {@code key} across authors; empty if there is none or it is a deletion marker. */
    public Optional<SignedEntry> get(byte[] key) {
        return replica.getLatest(key);
    }

    public Optional<SignedEntry> getExact(AuthorId author, byte[] key) {
        return replica.getExact(author, key, false);
    }

    public List<SignedEntry> query(Query q) {
        return replica.query(q);
    }

    /** Streams a query's results until {@code consumer} returns false. */
    public void forEach(Query q, Predicate<SignedEntry> consumer) {
        replica.forEach(q, consumer);
    }

    public long entryCount() {
        return replica.entryCount();
    }

    /** Whether this node holds the entry's content. */
    public ContentStatus contentStatus(SignedEntry e) {
        return docs.contentStatus(e);
    }

    /** The entry's content if it is here in full (it must fit in an array). */
    public Optional<byte[]> content(SignedEntry e) throws IOException {
        if (e.isEmpty()) {
            return Optional.of(new byte[0]);
        }
        if (!docs.blobs().store().status(e.contentHash()).isComplete()) {
            return Optional.empty();
        }
        return Optional.of(docs.blobs().read(e.contentHash()));
    }

    /** Writes the entry's content to {@code target}; false if it is not here in full. */
    public boolean exportContent(SignedEntry e, Path target) throws IOException {
        if (!docs.blobs().store().status(e.contentHash()).isComplete()) {
            return false;
        }
        docs.blobs().export(e.contentHash(), target);
        return true;
    }

    // ================================================================================================
    // Positions

    /** Entries stored after change {@code afterSeq} that are still current, in storing order (at most {@code limit}). */
    public List<Change> changes(long afterSeq, int limit) {
        return replica.changes(afterSeq, limit);
    }

    /** The newest change sequence number (0 before the first entry). */
    public long lastSeq() {
        return replica.lastSeq();
    }

    /** Identifies this node's store: change sequence numbers are meaningful only with the same id. */
    public String storeId() {
        return docs.store().storeId();
    }

    /**
     * Entries newer than {@code heads}, in (author, timestamp) order, at most {@code limit}: resume from a heads
     * vector saved on any replica (see {@link Replica#entriesAfter} for the one caveat).
     */
    public List<SignedEntry> entriesAfter(AuthorHeads heads, int limit) {
        return replica.entriesAfter(heads, limit);
    }

    /** The newest timestamp per author among the entries held. */
    public AuthorHeads heads() {
        return replica.heads();
    }

    // ================================================================================================
    // Sync

    /**
     * A ticket for this document naming this node: {@code write} shares the secret (only if we hold it). Starts
     * live sync, so that peers using the ticket are served.
     *
     * @throws IllegalStateException {@code write} asked of a read-only document
     */
    public DocTicket share(boolean write) {
        Capability cap = capability();
        if (write && !cap.canWrite()) {
            throw new IllegalStateException("document " + id() + " is read-only here; it can be shared for reading only");
        }
        startSync(List.of());
        return new DocTicket(write ? cap : cap.readOnly(), List.of(docs.endpoint().addr()));
    }

    /**
     * Starts (or extends) live sync: joins the document's gossip swarm through {@code peers} and the peers we
     * synced with before, and runs a session with each. Accepts incoming sessions from then on.
     */
    public void startSync(List<EndpointAddr> peers) {
        docs.startSync(replica, peers);
    }

    /** Stops live sync (incoming sessions for it are declined again). */
    public void leave() {
        docs.leave(id());
    }

    public boolean isSyncing() {
        return docs.isLive(id());
    }

    /** Our current gossip neighbors for this document. */
    public Set<EndpointId> neighbors() {
        return docs.neighbors(id());
    }

    /**
     * One sync session with {@code peer}, now, whether or not the document syncs live (blocking). Content the
     * session brings is queued for download as usual.
     *
     * @throws SyncAbortedException the peer declined (it does not sync this document, or is busy with us)
     */
    public SyncOutcome syncWith(EndpointAddr peer) throws IOException {
        docs.learn(peer);
        SyncOutcome out = docs.dialAndSync(replica, peer.id());
        docs.syncFinished(replica, peer.id(), true, out, null);
        return out;
    }

    public DownloadPolicy downloadPolicy() {
        return replica.downloadPolicy();
    }

    /** Which entries' content to download from now on (entries stored earlier are not revisited). */
    public void setDownloadPolicy(DownloadPolicy policy) throws IOException {
        replica.setDownloadPolicy(policy);
    }

    /** Events of this document from now on; close the subscription when done. */
    public DocSubscription subscribe() {
        return docs.subscribe(id());
    }

    @Override
    public String toString() {
        return "Doc[" + id().fmtShort() + ", " + capability().kind() + "]";
    }
}
