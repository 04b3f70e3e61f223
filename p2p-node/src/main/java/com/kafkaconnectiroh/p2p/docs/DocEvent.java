package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.ContentStatus;
import com.kafkaconnectiroh.p2p.docs.proto.SyncOutcome;
import com.kafkaconnectiroh.p2p.docs.store.Change;
import java.util.Objects;

/**
 * What a {@link DocSubscription} receives (iroh-docs' {@code LiveEvent}): entries stored locally or from peers
 * (with their change sequence number), content that became available, neighbors, finished syncs.
 */
public sealed interface DocEvent permits DocEvent.InsertLocal, DocEvent.InsertRemote, DocEvent.ContentReady,
        DocEvent.NeighborUp, DocEvent.NeighborDown, DocEvent.SyncFinished, DocEvent.PendingContentReady, DocEvent.Lagged {

    /** We wrote an entry (its content is in our blob store). */
    record InsertLocal(Change change) implements DocEvent {
        public InsertLocal {
            Objects.requireNonNull(change, "change");
        }
    }

    /**
     * A peer's entry was stored. {@code remoteStatus} is whether the sender said it has the content;
     * {@code downloading} whether we fetch it (the download policy wants it and it is not here yet): a
     * {@link ContentReady} for its hash follows when it has arrived.
     */
    record InsertRemote(Change change, EndpointId from, ContentStatus remoteStatus, boolean downloading) implements DocEvent {
        public InsertRemote {
            Objects.requireNonNull(change, "change");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(remoteStatus, "remoteStatus");
        }
    }

    /** The content with this hash was downloaded and verified; it is in the blob store now. */
    record ContentReady(Hash hash) implements DocEvent {
        public ContentReady {
            Objects.requireNonNull(hash, "hash");
        }
    }

    /** A peer joined the document's gossip swarm as our neighbor (a sync with it starts). */
    record NeighborUp(EndpointId peer) implements DocEvent {
    }

    record NeighborDown(EndpointId peer) implements DocEvent {
    }

    /**
     * A sync session with {@code peer} ended: {@code dialed} if we opened it; {@code outcome} on success, else
     * {@code error} says why it failed.
     */
    record SyncFinished(EndpointId peer, boolean dialed, SyncOutcome outcome, String error) implements DocEvent {
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Every download queued since the last finished sync has ended (succeeded or failed): after a first sync, the
     * content this node wants is here unless a download failed. Follows a {@link SyncFinished}, never precedes it.
     */
    record PendingContentReady() implements DocEvent {
    }

    /** This subscriber fell behind and events were dropped here; read the document (or its change feed) again. */
    record Lagged() implements DocEvent {
    }
}
