package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.InsertException;
import com.kafkaconnectiroh.p2p.docs.store.InsertOutcome;
import com.kafkaconnectiroh.p2p.docs.store.LocalWrite;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes to one document committed together, from {@link Doc#batch()}: sets and deletions (any authors) and named
 * application metadata (say, the Kafka offsets the writes came from), all in one durable commit, all or nothing
 * even across a crash. Many writes in one batch also cost one fsync instead of one each. Content is added to the
 * blob store as it is given. Not thread-safe; use once.
 */
public final class DocBatch {
    private final Doc doc;
    private final Docs docs;
    private final List<LocalWrite> writes = new ArrayList<>();
    private final Map<String, byte[]> meta = new LinkedHashMap<>();
    private boolean committed;

    DocBatch(Doc doc, Docs docs) {
        this.doc = doc;
        this.docs = docs;
    }

    /** Sets {@code key} to {@code value} (stored as a blob now) as {@code author}. */
    public DocBatch set(Author author, byte[] key, byte[] value) throws IOException, InsertException {
        if (value.length == 0) {
            throw new InsertException(InsertException.Reason.ENTRY_IS_EMPTY);
        }
        Blobs.AddOutcome added = docs.blobs().add(value, TagOption.none());
        return setHash(author, key, added.hash(), added.size());
    }

    public DocBatch setHash(Author author, byte[] key, Hash hash, long len) {
        writes.add(LocalWrite.set(author, key, hash, len));
        return this;
    }

    /** Deletes {@code author}'s entries under {@code prefix}. */
    public DocBatch delete(Author author, byte[] prefix) {
        writes.add(LocalWrite.delete(author, prefix));
        return this;
    }

    /** Sets (or with null removes) the document's metadata {@code name}, read back with {@link Doc#meta}. */
    public DocBatch meta(String name, byte[] value) {
        meta.put(name, value == null ? null : value.clone());
        return this;
    }

    public int size() {
        return writes.size();
    }

    /**
     * Commits everything (durably) and returns the entries written, in order; nothing is written if any write is
     * refused.
     *
     * @throws InsertException read-only document, or a newer entry of an author for one of the keys or a prefix
     */
    public List<SignedEntry> commit() throws InsertException {
        List<InsertOutcome> outs = commitOutcomes();
        List<SignedEntry> entries = new ArrayList<>(outs.size());
        for (InsertOutcome o : outs) {
            entries.add(o.entry());
        }
        return entries;
    }

    /**
     * As {@link #commit()}, with each write's outcome: for a deletion, {@link InsertOutcome#removed()} says how many
     * entries of its author it removed (every key under the prefix, as iroh deletes).
     */
    public List<InsertOutcome> commitOutcomes() throws InsertException {
        if (committed) {
            throw new IllegalStateException("batch already committed");
        }
        committed = true;
        List<InsertOutcome> outs = doc.replica().writeLocalBatch(writes, meta);
        for (InsertOutcome o : outs) {
            docs.localInserted(doc.replica(), o);
        }
        return outs;
    }
}
