package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.docs.proto.AbortReason;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.AuthorId;
import com.kafkaconnectiroh.p2p.docs.proto.Capability;
import com.kafkaconnectiroh.p2p.docs.proto.ContentStatus;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceSecret;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.proto.SyncOutcome;
import com.kafkaconnectiroh.p2p.docs.store.Change;
import com.kafkaconnectiroh.p2p.docs.store.InsertOutcome;
import com.kafkaconnectiroh.p2p.docs.store.Replica;
import com.kafkaconnectiroh.p2p.docs.store.ReplicaStore;
import com.kafkaconnectiroh.p2p.docs.store.SyncView;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler;
import com.kafkaconnectiroh.p2p.gossip.Gossip;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * iroh-docs on an endpoint: the documents in a {@link ReplicaStore}, the {@code /iroh-sync/1} protocol (register
 * this handler on the router for {@link #ALPN}), live sync over {@link Gossip}, and entry content through
 * {@link Blobs}. What a {@code Node} exposes as {@code node.docs()}.
 *
 * <pre>{@code
 * Doc doc = docs.create();                                   // a new document we may write
 * doc.set("greeting".getBytes(UTF_8), "hello".getBytes(UTF_8));
 * DocTicket ticket = doc.share(true);                        // write ticket; the doc now syncs live
 * Doc joined = otherDocs.join(ticket);                       // another node: import, sync, follow live
 * try (DocSubscription events = joined.subscribe()) { ... }
 * }</pre>
 *
 * <p>Threads: router workers run incoming sessions; a cached pool runs outgoing sessions and one gossip reader per
 * live document; a fixed pool ({@link DocsConfig#downloadConcurrency()}) fetches content. Thread-safe.
 */
public final class Docs implements ProtocolHandler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Docs.class);
    /** iroh-docs' ALPN, unchanged from 0.35 to 0.100. */
    public static final String ALPN = "/iroh-sync/1";
    private static final int ADDRESS_BOOK_SIZE = 4096;
    private static final int MISSING_LIMIT = 100_000;

    private final Endpoint endpoint;
    private final Gossip gossip;
    private final Blobs blobs;
    private final ReplicaStore store;
    private final DocsConfig config;
    private final ExecutorService tasks = Executors.newCachedThreadPool(ContentFetcher.daemon("docs"));
    private final java.util.concurrent.ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(ContentFetcher.daemon("docs-timer"));
    private final ContentFetcher fetcher;
    private final Map<NamespaceId, LiveDoc> live = new ConcurrentHashMap<>();
    private final Map<NamespaceId, List<DocSubscription>> subscribers = new ConcurrentHashMap<>();
    private final Map<EndpointId, EndpointAddr> addresses = new LruMap<>(ADDRESS_BOOK_SIZE);
    /** Content downloads queued per document, and the documents waiting per hash (guarded by {@link #content}). */
    private final Map<NamespaceId, Set<Hash>> queuedByDoc = new HashMap<>();
    private final Map<Hash, Set<NamespaceId>> queuedDocs = new HashMap<>();
    private final Set<NamespaceId> mayEmitReady = new HashSet<>();
    /** Content we want but no peer said it has yet (waits for a ContentReady). */
    private final Set<Hash> missing = new HashSet<>();
    private final Object content = new Object();
    private volatile boolean closed;

    private Docs(Endpoint endpoint, Gossip gossip, Blobs blobs, ReplicaStore store, DocsConfig config) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.gossip = Objects.requireNonNull(gossip, "gossip");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.store = Objects.requireNonNull(store, "store");
        this.config = Objects.requireNonNull(config, "config");
        this.fetcher = new ContentFetcher(blobs, this::addressOf, config.downloadConcurrency(), this::fetched);
        // Entry content is stored untagged: the blob store's garbage collection keeps it through this root (iroh's
        // protect callback), as long as an entry names it.
        try {
            blobs.store().addGcRoots(store::contentHashes);
        } catch (UnsupportedOperationException e) {
            LOG.warn("the blob store cannot keep document content from garbage collection: {}", e.getMessage());
        }
    }

    /** Starts the engine over these parts (all owned by the caller, who closes them after {@link #close()}). */
    public static Docs spawn(Endpoint endpoint, Gossip gossip, Blobs blobs, ReplicaStore store, DocsConfig config) {
        return new Docs(endpoint, gossip, blobs, store, config);
    }

    public ReplicaStore store() {
        return store;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public Blobs blobs() {
        return blobs;
    }

    Gossip gossip() {
        return gossip;
    }

    DocsConfig config() {
        return config;
    }

    ExecutorService tasks() {
        return tasks;
    }

    /** Runs {@code r} on the task pool after {@code millis} (nothing once closed). */
    void schedule(Runnable r, long millis) {
        if (closed) {
            return;
        }
        try {
            timers.schedule(() -> {
                if (!closed) {
                    tasks.execute(r);
                }
            }, millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    // ================================================================================================
    // Documents

    /** Creates a new document (we hold its secret: write capability). It does not sync until shared or started. */
    public Doc create() throws IOException {
        ensureOpen();
        Replica r = store.importReplica(new Capability.Write(NamespaceSecret.generate()));
        return new Doc(this, r);
    }

    /**
     * Imports a ticket's capability (upgrading a read capability we hold to write, never the reverse), remembers its
     * peers, and starts live sync with them: a session with each, then their gossip swarm. Returns at once; watch
     * {@link Doc#subscribe()} for {@link DocEvent.SyncFinished} (or call {@link Doc#syncWith} to wait for one).
     */
    public Doc join(DocTicket ticket) throws IOException {
        ensureOpen();
        Replica r = store.importReplica(ticket.capability());
        for (EndpointAddr a : ticket.nodes()) {
            r.addSyncPeer(a);
        }
        Doc doc = new Doc(this, r);
        doc.startSync(ticket.nodes());
        return doc;
    }

    /** Imports a ticket's capability without syncing. */
    public Doc importTicket(DocTicket ticket) throws IOException {
        ensureOpen();
        Replica r = store.importReplica(ticket.capability());
        for (EndpointAddr a : ticket.nodes()) {
            r.addSyncPeer(a);
            learn(a);
        }
        return new Doc(this, r);
    }

    /** A document this node holds. */
    public Optional<Doc> open(NamespaceId id) {
        return store.replica(id).map(r -> new Doc(this, r));
    }

    /** The ids of every document held. */
    public List<NamespaceId> list() {
        return store.replicas();
    }

    /** Stops syncing a document and deletes it with all its entries from this node; false if we did not hold it. */
    public boolean drop(NamespaceId id) throws IOException {
        leave(id);
        List<DocSubscription> subs = subscribers.remove(id);
        if (subs != null) {
            subs.forEach(DocSubscription::close);
        }
        return store.removeReplica(id);
    }

    // ================================================================================================
    // Authors

    /** The author writes use when none is given; created and kept in the store on first use. */
    public Author defaultAuthor() throws IOException {
        return store.defaultAuthor();
    }

    public Author createAuthor() throws IOException {
        return store.createAuthor();
    }

    /** Keeps an author made elsewhere (say, one whose secret a connector reads from its configuration). */
    public void importAuthor(Author author) throws IOException {
        store.importAuthor(author);
    }

    public List<AuthorId> authors() {
        return store.authors();
    }

    public Optional<Author> author(AuthorId id) {
        return store.author(id);
    }

    // ================================================================================================
    // Live sync and events (used by Doc and LiveDoc)

    void startSync(Replica replica, List<EndpointAddr> peers) {
        for (EndpointAddr p : peers) {
            learn(p);
        }
        List<EndpointAddr> known = new ArrayList<>(peers);
        for (EndpointAddr p : replica.info().syncPeers()) {
            if (known.stream().noneMatch(k -> k.id().equals(p.id()))) {
                known.add(p);
                learn(p);
            }
        }
        known.removeIf(p -> p.id().equals(endpoint.id()));
        boolean[] created = {false};
        LiveDoc l = live.computeIfAbsent(replica.namespace(), ns -> {
            created[0] = true;
            return new LiveDoc(this, replica, known);
        });
        if (created[0]) {
            for (EndpointAddr p : known) {
                l.syncWith(p.id(), PeerSyncState.Reason.DIRECT_JOIN);
            }
        } else {
            l.join(known);
        }
    }

    boolean isLive(NamespaceId ns) {
        return live.containsKey(ns);
    }

    java.util.Set<EndpointId> neighbors(NamespaceId ns) {
        LiveDoc l = live.get(ns);
        return l == null ? java.util.Set.of() : l.neighbors();
    }

    void leave(NamespaceId ns) {
        LiveDoc l = live.remove(ns);
        if (l != null) {
            l.close();
        }
    }

    DocSubscription subscribe(NamespaceId ns) {
        List<DocSubscription> list = subscribers.computeIfAbsent(ns, k -> new CopyOnWriteArrayList<>());
        DocSubscription[] self = new DocSubscription[1];
        self[0] = new DocSubscription(config.subscriberCapacity(), () -> list.remove(self[0]));
        list.add(self[0]);
        return self[0];
    }

    void emit(NamespaceId ns, DocEvent e) {
        List<DocSubscription> list = subscribers.get(ns);
        if (list != null) {
            for (DocSubscription s : list) {
                s.offer(e);
            }
        }
    }

    /** A local write: tell subscribers and the swarm. */
    void localInserted(Replica replica, InsertOutcome out) {
        emit(replica.namespace(), new DocEvent.InsertLocal(new Change(out.seq(), out.entry())));
        LiveDoc l = live.get(replica.namespace());
        if (l != null) {
            l.broadcastPut(out.entry());
        }
    }

    /** A peer's entry was stored: queue its content if the policy wants it, tell subscribers. */
    void remoteInserted(Replica replica, InsertOutcome out, ContentStatus remoteStatus, EndpointId from) {
        SignedEntry e = out.entry();
        boolean fetching = false;
        if (!e.isEmpty() && replica.downloadPolicy().matches(e.key())
                && !blobs.store().status(e.contentHash()).isComplete()) {
            if (remoteStatus == ContentStatus.COMPLETE) {
                queueFetch(replica.namespace(), e.contentHash(), from);
                fetching = true;
            } else {
                synchronized (content) {
                    if (missing.size() < MISSING_LIMIT) {
                        missing.add(e.contentHash());
                    }
                }
            }
        }
        emit(replica.namespace(), new DocEvent.InsertRemote(new Change(out.seq(), e), from, remoteStatus, fetching));
    }

    /** A neighbor announced content: fetch it from there if we were waiting for it (iroh: only if missing). */
    void contentAvailableAt(NamespaceId ns, Hash hash, EndpointId from) {
        if (blobs.store().status(hash).isComplete()) {
            synchronized (content) {
                missing.remove(hash);
            }
            return;
        }
        boolean wanted;
        synchronized (content) {
            wanted = missing.remove(hash) || queuedDocs.containsKey(hash);
        }
        if (wanted) {
            queueFetch(ns, hash, from);
        }
    }

    /** Queues, from {@code peer}, the content of every entry the policy wants that is not here (once per live start). */
    void fetchMissingContent(Replica replica, EndpointId peer) {
        com.kafkaconnectiroh.p2p.docs.store.DownloadPolicy policy = replica.downloadPolicy();
        int[] queued = {0};
        replica.forEach(com.kafkaconnectiroh.p2p.docs.store.Query.all(), e -> {
            if (policy.matches(e.key()) && !blobs.store().status(e.contentHash()).isComplete()) {
                queueFetch(replica.namespace(), e.contentHash(), peer);
                queued[0]++;
            }
            return !closed;
        });
        if (queued[0] > 0) {
            LOG.debug("asked {} for the missing content of {} entries of {}", peer.fmtShort(), queued[0],
                    replica.namespace().fmtShort());
        }
    }

    private void queueFetch(NamespaceId ns, Hash hash, EndpointId from) {
        synchronized (content) {
            queuedByDoc.computeIfAbsent(ns, k -> new HashSet<>()).add(hash);
            queuedDocs.computeIfAbsent(hash, k -> new HashSet<>()).add(ns);
            missing.remove(hash);
        }
        fetcher.fetch(hash, from);
    }

    private void fetched(Hash hash, boolean ok) {
        Set<NamespaceId> docs;
        List<NamespaceId> drained = new ArrayList<>();
        synchronized (content) {
            docs = queuedDocs.remove(hash);
            if (docs == null) {
                docs = Set.of();
            }
            for (NamespaceId ns : docs) {
                Set<Hash> q = queuedByDoc.get(ns);
                if (q != null && q.remove(hash) && q.isEmpty()) {
                    queuedByDoc.remove(ns);
                    if (mayEmitReady.remove(ns)) {
                        drained.add(ns);
                    }
                }
            }
            if (!ok && missing.size() < MISSING_LIMIT) {
                missing.add(hash);
            }
        }
        for (NamespaceId ns : docs) {
            if (ok) {
                emit(ns, new DocEvent.ContentReady(hash));
                LiveDoc l = live.get(ns);
                if (l != null) {
                    l.broadcastContentReady(hash);
                }
            }
        }
        for (NamespaceId ns : drained) {
            emit(ns, new DocEvent.PendingContentReady());
        }
    }

    /** After a session: remember a useful peer, report, and say whether content is still coming. */
    void syncFinished(Replica replica, EndpointId peer, boolean dialed, SyncOutcome outcome, String error) {
        NamespaceId ns = replica.namespace();
        if (outcome != null) {
            try {
                replica.addSyncPeer(addressOf(peer));
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot remember {} as a peer of {}", peer.fmtShort(), ns.fmtShort(), e);
            }
        } else {
            LOG.debug("sync of {} with {} failed: {}", ns.fmtShort(), peer.fmtShort(), error);
        }
        emit(ns, new DocEvent.SyncFinished(peer, dialed, outcome, error));
        boolean pending;
        synchronized (content) {
            pending = queuedByDoc.containsKey(ns);
            if (pending) {
                mayEmitReady.add(ns);
            } else {
                mayEmitReady.remove(ns);
            }
        }
        if (!pending) {
            emit(ns, new DocEvent.PendingContentReady());
        }
    }

    /** Whether we hold the content (sent beside our entries in sync). */
    ContentStatus contentStatus(SignedEntry e) {
        BlobStatus st = blobs.store().status(e.contentHash());
        if (st.isComplete()) {
            return ContentStatus.COMPLETE;
        }
        return st instanceof BlobStatus.Partial ? ContentStatus.INCOMPLETE : ContentStatus.MISSING;
    }

    SyncView view(Replica replica, EndpointId peer) {
        return new SyncView(replica, this::contentStatus, (out, status) -> remoteInserted(replica, out, status, peer));
    }

    /** One outgoing session with {@code peer} (blocking). */
    SyncOutcome dialAndSync(Replica replica, EndpointId peer) throws IOException {
        ensureOpen();
        EndpointAddr addr = addressOf(peer);
        Connection c;
        try {
            c = endpoint.connect(addr, ALPN, config.connectTimeout());
        } catch (IOException e) {
            // The address may be stale (the peer restarted elsewhere): next time dial the bare id, which the endpoint
            // routes to where a live connection (gossip) last heard from the peer.
            synchronized (addresses) {
                addresses.remove(peer, addr);
            }
            throw e;
        }
        try {
            BiStream s = c.openBi(config.readTimeout());
            return SyncDriver.alice(s, replica.namespace(), view(replica, peer), store::commit, config);
        } finally {
            c.close(0, "");
        }
    }

    // ================================================================================================
    // Addresses

    /** Remembers where a peer can be dialed (tickets, sync partners). */
    void learn(EndpointAddr addr) {
        if (addr.ipAddrs().isEmpty() && addr.relayUrl().isEmpty()) {
            return;
        }
        synchronized (addresses) {
            addresses.put(addr.id(), addr);
        }
    }

    /** Where to dial {@code peer}: learned addresses, else the bare id (the endpoint then uses a live connection). */
    EndpointAddr addressOf(EndpointId peer) {
        synchronized (addresses) {
            EndpointAddr a = addresses.get(peer);
            return a != null ? a : EndpointAddr.of(peer);
        }
    }

    // ================================================================================================
    // ProtocolHandler: incoming sessions

    @Override
    public void accept(Connection connection) throws Exception {
        EndpointId peer = connection.remoteId();
        InetSocketAddress from = connection.remoteAddress();
        if (from != null) {
            // Where the peer is now (a restarted peer keeps its id but not its port): newer than what we knew.
            synchronized (addresses) {
                addresses.put(peer, EndpointAddr.of(peer, null, List.of(from)));
            }
        }
        BiStream s = connection.acceptBi(config.readTimeout());
        NamespaceId[] accepted = {null};
        SyncDriver.Host host = new SyncDriver.Host() {
            @Override
            public AbortReason accept(NamespaceId namespace, EndpointId p) {
                LiveDoc l = closed ? null : live.get(namespace);
                if (l == null) {
                    return AbortReason.NOT_FOUND;
                }
                if (!l.accept(p)) {
                    return AbortReason.ALREADY_SYNCING;
                }
                accepted[0] = namespace;
                return null;
            }

            @Override
            public SyncView view(NamespaceId namespace, EndpointId p) {
                return Docs.this.view(store.replica(namespace).orElseThrow(), p);
            }

            @Override
            public void commit() {
                store.commit();
            }
        };
        SyncDriver.Accepted result = null;
        String error = null;
        try {
            result = SyncDriver.bob(s, peer, host, config);
        } catch (SyncAbortedException e) {
            LOG.debug("declined {}'s sync request: {}", peer.fmtShort(), e.getMessage());
            return; // we declined; nothing ran
        } catch (IOException | RuntimeException e) {
            error = String.valueOf(e.getMessage());
            LOG.debug("sync request from {} failed", peer.fmtShort(), e);
            throw e;
        } finally {
            if (accepted[0] != null) {
                LiveDoc l = live.get(accepted[0]);
                if (l != null) {
                    l.finished(peer, false, result == null ? null : result.outcome(), result == null ? error : null);
                }
            }
        }
        // The dialer reads last and closes; give it a moment so our last bytes are acknowledged first.
        try {
            connection.closed().get(SyncDriver.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // the router closes it
        }
    }

    @Override
    public void shutdown() {
        close();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("docs engine is closed");
        }
    }

    /** Leaves every live document, stops downloads and closes subscriptions. The store stays open (its owner closes it). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NamespaceId ns : List.copyOf(live.keySet())) {
            leave(ns);
        }
        fetcher.close();
        timers.shutdownNow();
        tasks.shutdownNow();
        for (List<DocSubscription> list : subscribers.values()) {
            List.copyOf(list).forEach(DocSubscription::close);
        }
        subscribers.clear();
        store.commit();
    }
}
