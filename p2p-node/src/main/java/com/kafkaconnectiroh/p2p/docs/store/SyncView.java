package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.docs.proto.ContentStatus;
import com.kafkaconnectiroh.p2p.docs.proto.EntryVerifier;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.RecordIdentifier;
import com.kafkaconnectiroh.p2p.docs.proto.ReplicaView;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link Replica} as the {@link com.kafkaconnectiroh.p2p.docs.proto.Reconciler} sees it during one session:
 * content status from the caller (the blob store, in a node), stored entries reported to a listener (which emits
 * events and queues downloads), and signatures batch-verified on all cores ({@link EntryVerifier}).
 */
public final class SyncView implements ReplicaView {
    /** Told of each entry from the peer that was stored, once the message that brought it is committed. */
    @FunctionalInterface
    public interface InsertListener {
        void inserted(InsertOutcome outcome, ContentStatus remoteStatus);
    }

    private record Inserted(InsertOutcome outcome, ContentStatus remoteStatus) {
    }

    /** Stored during the current message, reported by {@link #flushInserted()}. */
    private final java.util.List<Inserted> inserted = new java.util.ArrayList<>();

    private final Replica replica;
    private final Function<SignedEntry, ContentStatus> contentStatus;
    private final InsertListener listener;

    public SyncView(Replica replica, Function<SignedEntry, ContentStatus> contentStatus, InsertListener listener) {
        this.replica = Objects.requireNonNull(replica, "replica");
        this.contentStatus = Objects.requireNonNull(contentStatus, "contentStatus");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    public Replica replica() {
        return replica;
    }

    @Override
    public NamespaceId namespace() {
        return replica.namespace();
    }

    @Override
    public RecordIdentifier first() {
        return replica.first();
    }

    @Override
    public RangeSummary summarize(RecordIdentifier lo, RecordIdentifier hi) {
        return replica.summarize(lo, hi);
    }

    @Override
    public int count(RecordIdentifier lo, RecordIdentifier hi) {
        return replica.count(lo, hi);
    }

    @Override
    public List<SignedEntry> entries(RecordIdentifier lo, RecordIdentifier hi) {
        return replica.entries(lo, hi);
    }

    @Override
    public RecordIdentifier idAt(RecordIdentifier lo, RecordIdentifier hi, int index) {
        return replica.idAt(lo, hi, index);
    }

    @Override
    public ContentStatus contentStatus(SignedEntry e) {
        return contentStatus.apply(e);
    }

    @Override
    public boolean[] verify(List<SignedEntry> entries) {
        return EntryVerifier.verify(entries);
    }

    @Override
    public boolean insertRemote(SignedEntry e, ContentStatus remoteStatus) {
        InsertOutcome out = replica.insertValidated(e);
        if (out.inserted()) {
            inserted.add(new Inserted(out, remoteStatus));
        }
        return out.inserted();
    }

    /**
     * Reports the entries stored since the last call to the listener. The driver calls it after committing a
     * message: subscribers then see only durable entries, and content downloads do not compete with the rest of
     * the message for the cores.
     */
    public void flushInserted() {
        for (Inserted i : inserted) {
            listener.inserted(i.outcome(), i.remoteStatus());
        }
        inserted.clear();
    }
}
