package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.docs.proto.ContentStatus;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.RecordIdentifier;
import com.kafkaconnectiroh.p2p.docs.proto.ReplicaView;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * A {@link Replica} as the {@link com.kafkaconnectiroh.p2p.docs.proto.Reconciler} sees it during one session:
 * content status from the caller (the blob store, in a node), stored entries reported to a listener (which emits
 * events and queues downloads), and signatures verified on all cores for larger batches.
 */
public final class SyncView implements ReplicaView {
    /** Batches smaller than this are verified on the calling thread. */
    private static final int PARALLEL_THRESHOLD = 32;

    /** Told of each entry from the peer that was stored. */
    @FunctionalInterface
    public interface InsertListener {
        void inserted(InsertOutcome outcome, ContentStatus remoteStatus);
    }

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
        boolean[] ok = new boolean[entries.size()];
        IntStream range = IntStream.range(0, ok.length);
        (ok.length >= PARALLEL_THRESHOLD ? range.parallel() : range).forEach(i -> ok[i] = entries.get(i).verify());
        return ok;
    }

    @Override
    public boolean insertRemote(SignedEntry e, ContentStatus remoteStatus) {
        InsertOutcome out = replica.insertValidated(e);
        if (out.inserted()) {
            listener.inserted(out, remoteStatus);
        }
        return out.inserted();
    }
}
