package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorHeads;
import com.kafkaconnectiroh.p2p.docs.proto.ContentStatus;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.Op;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.proto.SyncOutcome;
import com.kafkaconnectiroh.p2p.docs.proto.ValidationFailure;
import com.kafkaconnectiroh.p2p.docs.store.InsertOutcome;
import com.kafkaconnectiroh.p2p.docs.store.Replica;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live sync of one document (iroh-docs {@code engine/live.rs} and {@code engine/gossip.rs}): a member of the
 * gossip topic whose id is the namespace id. Local entries are broadcast ({@code Put}); a peer's {@code Put} is
 * verified and stored; a new neighbor or a {@code SyncReport} with news starts a {@code /iroh-sync/1} session;
 * after a session that brought entries we tell our neighbors ({@code SyncReport}); downloaded content is announced
 * ({@code ContentReady}). One thread reads the topic's events.
 */
final class LiveDoc {
    private static final Logger LOG = LoggerFactory.getLogger(LiveDoc.class);

    private final Docs docs;
    private final Replica replica;
    private final NamespaceId namespace;
    private final GossipTopic topic;
    private final Map<EndpointId, PeerSyncState> peers = new HashMap<>();
    private volatile boolean closed;
    /** Whether the first successful session has asked for the content still missing. Guarded by this. */
    private boolean contentChecked;

    LiveDoc(Docs docs, Replica replica, List<EndpointAddr> bootstrap) {
        this.docs = docs;
        this.replica = replica;
        this.namespace = replica.namespace();
        this.topic = docs.gossip().subscribe(TopicId.of(namespace.toBytes()), bootstrap);
        docs.tasks().execute(this::readEvents);
    }

    NamespaceId namespace() {
        return namespace;
    }

    /** Joins more peers: gossip bootstrap, and a sync with each (iroh's {@code join_peers}). */
    void join(List<EndpointAddr> more) {
        if (more.isEmpty()) {
            return;
        }
        topic.joinPeers(more);
        for (EndpointAddr p : more) {
            syncWith(p.id(), PeerSyncState.Reason.DIRECT_JOIN);
        }
    }

    java.util.Set<EndpointId> neighbors() {
        return topic.neighbors();
    }

    // ================================================================================================
    // Gossip

    private void readEvents() {
        Thread.currentThread().setName("docs-live-" + namespace.fmtShort());
        try {
            for (EndpointId n : topic.neighbors()) {
                onNeighborUp(n);
            }
            while (!closed) {
                GossipEvent e = topic.next(Duration.ofMillis(500));
                if (e == null) {
                    if (topic.isClosed()) {
                        return;
                    }
                    continue;
                }
                if (e instanceof GossipEvent.Received r) {
                    onGossip(r);
                } else if (e instanceof GossipEvent.NeighborUp u) {
                    onNeighborUp(u.peer());
                } else if (e instanceof GossipEvent.NeighborDown d) {
                    docs.emit(namespace, new DocEvent.NeighborDown(d.peer()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("live sync of {} stopped", namespace.fmtShort(), e);
            }
        }
    }

    private void onNeighborUp(EndpointId peer) {
        docs.emit(namespace, new DocEvent.NeighborUp(peer));
        syncWith(peer, PeerSyncState.Reason.NEW_NEIGHBOR);
    }

    private void onGossip(GossipEvent.Received r) {
        Op op;
        try {
            op = Op.decode(r.content());
        } catch (PostcardException e) {
            LOG.debug("ignoring malformed docs op from {}: {}", r.deliveredFrom().fmtShort(), e.getMessage());
            return;
        }
        if (op instanceof Op.Put p) {
            onPut(p.entry(), r);
        } else if (op instanceof Op.ContentReady c) {
            docs.contentAvailableAt(namespace, c.hash(), r.deliveredFrom());
        } else if (op instanceof Op.SyncReport s) {
            onSyncReport(s, r.deliveredFrom());
        }
    }

    private void onPut(SignedEntry entry, GossipEvent.Received r) {
        ValidationFailure f = ValidationFailure.check(entry, namespace, SyncDriver.nowMicros());
        if (f != null) {
            LOG.debug("ignoring entry from {} via gossip: {}", r.deliveredFrom().fmtShort(), f.message());
            return;
        }
        InsertOutcome out = replica.insertValidated(entry);
        if (!out.inserted()) {
            return;
        }
        docs.store().commitSoon();
        // Sent to us directly (neighbor scope or first hop): the sender has the content (iroh's rule).
        ContentStatus status = r.scope().isDirect() ? ContentStatus.COMPLETE : ContentStatus.MISSING;
        docs.remoteInserted(replica, out, status, r.deliveredFrom());
    }

    private void onSyncReport(Op.SyncReport report, EndpointId from) {
        if (!report.namespace().equals(namespace)) {
            return;
        }
        try {
            AuthorHeads theirs = AuthorHeads.decode(report.heads());
            if (theirs.newsFor(replica.heads()) > 0) {
                syncWith(from, PeerSyncState.Reason.SYNC_REPORT);
            }
        } catch (PostcardException e) {
            LOG.debug("ignoring malformed sync report from {}: {}", from.fmtShort(), e.getMessage());
        }
    }

    /** Broadcasts our new entry to the swarm (skipped if it does not fit a gossip message; sync carries it). */
    void broadcastPut(SignedEntry e) {
        broadcast(new Op.Put(e).encode(), false);
    }

    void broadcastContentReady(Hash hash) {
        broadcast(new Op.ContentReady(hash).encode(), true);
    }

    private void broadcast(byte[] msg, boolean neighborsOnly) {
        if (closed || msg.length > docs.gossip().maxContentSize()) {
            return;
        }
        if (neighborsOnly) {
            topic.broadcastNeighbors(msg);
        } else {
            topic.broadcast(msg);
        }
    }

    // ================================================================================================
    // Sync sessions

    /** Starts a session with {@code peer} unless one runs (iroh's {@code sync_with_peer}). */
    void syncWith(EndpointId peer, PeerSyncState.Reason reason) {
        if (closed || peer.equals(docs.endpoint().id())) {
            return;
        }
        synchronized (this) {
            if (!peers.computeIfAbsent(peer, p -> new PeerSyncState()).startDial(reason)) {
                return;
            }
        }
        docs.tasks().execute(() -> {
            try {
                SyncOutcome out = docs.dialAndSync(replica, peer);
                finished(peer, true, out, null);
            } catch (SyncAbortedException e) {
                if (e.reason() == com.kafkaconnectiroh.p2p.docs.proto.AbortReason.ALREADY_SYNCING) {
                    declined(peer);
                    return;
                }
                finished(peer, true, null, e.getMessage());
            } catch (Exception | Error e) {
                LOG.debug("sync of {} with {} failed", namespace.fmtShort(), peer.fmtShort(), e);
                finished(peer, true, null, String.valueOf(e.getMessage()));
            }
        });
    }

    /**
     * The peer declined: it is in a session with us. Usually its own dial, which carries this round; but if that
     * session fails, or is a stale one of ours it has not noticed is dead, nothing else would start one. So we try
     * again later, unless a session with the peer succeeded by then.
     */
    private void declined(EndpointId peer) {
        long delay;
        long okBefore;
        synchronized (this) {
            PeerSyncState st = peers.get(peer);
            delay = st.declined();
            okBefore = st.sessionsOk();
        }
        LOG.debug("{} is syncing {} with us already; trying again in {} ms unless its session succeeds", peer.fmtShort(),
                namespace.fmtShort(), delay);
        if (delay < 0 || closed) {
            return;
        }
        docs.schedule(() -> {
            boolean stillNeeded;
            synchronized (this) {
                stillNeeded = peers.get(peer).sessionsOk() == okBefore;
            }
            if (stillNeeded) {
                syncWith(peer, PeerSyncState.Reason.RESYNC);
            }
        }, delay);
    }

    /** Whether to accept {@code peer}'s sync request now (marks it running if so). */
    synchronized boolean accept(EndpointId peer) {
        boolean weAreGreater = docs.endpoint().id().compareTo(peer) > 0;
        return peers.computeIfAbsent(peer, p -> new PeerSyncState()).accept(weAreGreater);
    }

    /** A session ended (either direction): report, announce news, and run again if a report asked meanwhile. */
    void finished(EndpointId peer, boolean dialed, SyncOutcome outcome, String error) {
        boolean again;
        boolean first;
        synchronized (this) {
            PeerSyncState st = peers.get(peer);
            again = st != null && st.finish(outcome != null);
            first = outcome != null && !contentChecked;
            contentChecked |= outcome != null;
        }
        if (first) {
            // Entries stored before (an earlier run, say one killed mid-download) may still lack content that no
            // session will offer again: ask this peer for all of it once.
            docs.fetchMissingContent(replica, peer);
        }
        if (outcome != null && outcome.received() > 0 && !closed) {
            byte[] heads = outcome.headsReceived().encode(docs.gossip().maxContentSize() - 64);
            broadcast(new Op.SyncReport(namespace, heads).encode(), true);
        }
        docs.syncFinished(replica, peer, dialed, outcome, error);
        if (again) {
            syncWith(peer, PeerSyncState.Reason.RESYNC);
        }
    }

    /** Leaves the topic; running sessions end on their own. */
    void close() {
        closed = true;
        topic.close();
    }
}
