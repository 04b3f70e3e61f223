package com.kafkaconnectiroh.p2p.discovery.dht;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RateLimiter;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrException;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A BitTorrent mainline DHT node (BEP 5, with BEP 44 mutable items) on its own IPv4 UDP socket: it answers other
 * nodes ({@link KrpcServer}, rate limited per source IP, bounded {@link Storage}) and runs iterative lookups for
 * its caller: {@link #put}/{@link #get} of mutable items, {@link #announce}/{@link #getPeers}, and on top of those
 * pkarr ({@link #publish}/{@link #resolve}, as iroh's mainline address lookup) and blob providers
 * ({@link #announceProvider}/{@link #findProviders}).
 *
 * <pre>{@code
 * try (DhtNode dht = DhtNode.builder().bind(new InetSocketAddress("0.0.0.0", 6881))
 *         .bootstrap(List.of(new InetSocketAddress("127.0.0.1", 6882))).start()) {
 *     dht.publish(IrohRecord.of(addr).sign(secret, Timestamps.nowMicros(), IrohRecord.DEFAULT_TTL)).join();
 *     Optional<SignedPacket> p = dht.resolve(otherId).join();
 * }
 * }</pre>
 *
 * <p>Threads: one receive thread (decodes, answers queries, completes pending queries), one timer thread (query
 * timeouts) and one maintenance thread (bootstrap, republishing, host-name resolution). Table, storage and the
 * pending map are guarded by the node's lock. An unreachable bootstrap node costs one timed-out query per {@link Builder#maintenanceInterval} (never a spin),
 * and host names are resolved on the maintenance thread, so {@link Builder#start} never waits for DNS.
 */
public final class DhtNode implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DhtNode.class.getName());

    /** The bootstrap routers mainline and n0-mainline default to (wire map §6), resolved when first used. */
    public static final List<InetSocketAddress> DEFAULT_BOOTSTRAP = List.of(
            InetSocketAddress.createUnresolved("router.bittorrent.com", 6881),
            InetSocketAddress.createUnresolved("dht.transmissionbt.com", 6881),
            InetSocketAddress.createUnresolved("dht.libtorrent.org", 25401),
            InetSocketAddress.createUnresolved("relay.pkarr.org", 6881));
    /** iroh republishes its unchanged packet hourly (AL {@code iroh-mainline-address-lookup/src/lib.rs}). */
    public static final Duration REPUBLISH_INTERVAL = Duration.ofHours(1);
    static final int MAX_DATAGRAM = 1500;
    static final int MAX_PENDING = 1024;
    static final int MAX_PROVIDERS_ASKED = 20;

    private final Builder config;
    private final Id20 id;
    private final DatagramChannel channel;
    private final RoutingTable table;
    private final Storage storage;
    private final KrpcServer server;
    private final RateLimiter limiter;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService maintenance;
    private final Thread receiver;
    private int nextTx;
    private volatile boolean closed;
    private volatile List<InetSocketAddress> resolvedBootstrap;
    private long lastRefreshNanos = System.nanoTime(); // maintenance thread only
    private long rateLimited;

    private record Pending(InetSocketAddress to, CompletableFuture<Map<String, Object>> reply, ScheduledFuture<?> timeout) {
    }

    private DhtNode(Builder b) throws IOException {
        this.config = b;
        this.id = b.id != null ? b.id : Id20.random();
        long now = System.currentTimeMillis();
        this.table = new RoutingTable(id, b.k);
        this.storage = new Storage(b.maxInfoHashes, b.maxPeersPerHash, b.maxItems);
        this.server = new KrpcServer(id, table, storage, new Tokens(now), b.k);
        this.limiter = RateLimiter.perKey(b.queryBurst, b.queriesPerSecond, b.maxRateLimitedSources);
        // Literal addresses count at once; names join when the maintenance thread has resolved them.
        this.resolvedBootstrap = b.bootstrap.stream().filter(a -> !a.isUnresolved()).toList();
        this.channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.bind(b.bind);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot bind the DHT socket to " + b.bind + ": " + e.getMessage(), e);
        }
        int port = localAddress().getPort();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dht-timer-" + port);
            t.setDaemon(true);
            return t;
        });
        // Bootstrap and republishing may resolve host names, which can block for seconds offline: they run on
        // their own thread so query timeouts on the timer never wait behind DNS.
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dht-maintain-" + port);
            t.setDaemon(true);
            return t;
        });
        this.receiver = new Thread(this::receiveLoop, "dht-recv-" + port);
        receiver.setDaemon(true);
    }

    public static Builder builder() {
        return new Builder();
    }

    private DhtNode begin() {
        receiver.start();
        maintenance.scheduleWithFixedDelay(this::maintain, 0, config.maintenanceInterval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public Id20 id() {
        return id;
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("DHT socket closed", e);
        }
    }

    public synchronized int routingTableSize() {
        return table.size();
    }

    public synchronized int storedItems() {
        return storage.itemCount();
    }

    /** Queries refused by the per-source rate limit so far. */
    public synchronized long rateLimitedQueries() {
        return rateLimited;
    }

    synchronized int rateLimitSources() {
        return limiter.trackedKeys();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Receiving

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM + 1);
        while (!closed) {
            InetSocketAddress from;
            try {
                buf.clear();
                from = (InetSocketAddress) channel.receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.FINE, "DHT receive failed", e);
                }
                continue;
            }
            if (from == null || buf.position() > MAX_DATAGRAM) {
                continue; // oversized: not a KRPC message any implementation sends
            }
            byte[] data = new byte[buf.position()];
            buf.flip();
            buf.get(data);
            try {
                onDatagram(from, data);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "DHT datagram from " + from + " dropped", e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void onDatagram(InetSocketAddress from, byte[] data) {
        Object decoded;
        try {
            decoded = Bencode.decode(data);
        } catch (BencodeException e) {
            return; // BEP 5 lets a node answer 203; silence costs a flooder more and tells a prober nothing
        }
        if (!(decoded instanceof Map<?, ?> m) || !(m.get("t") instanceof byte[] t) || !(m.get("y") instanceof byte[] y)
                || y.length != 1) {
            return;
        }
        Map<String, Object> msg = (Map<String, Object>) m;
        switch (y[0]) {
            case 'q' -> onQuery(from, t, msg);
            case 'r' -> onReply(from, t, msg.get("r") instanceof Map<?, ?> r ? (Map<String, Object>) r : null, null);
            case 'e' -> onReply(from, t, null, error(msg.get("e")));
            default -> { }
        }
    }

    @SuppressWarnings("unchecked")
    private void onQuery(InetSocketAddress from, byte[] t, Map<String, Object> msg) {
        long now = System.currentTimeMillis();
        Map<String, Object> reply = new TreeMap<>();
        reply.put("t", t);
        synchronized (this) {
            if (!limiter.tryAcquire(from.getAddress(), System.nanoTime())) {
                rateLimited++;
                return;
            }
            try {
                if (!(msg.get("q") instanceof byte[] q) || !(msg.get("a") instanceof Map<?, ?> a)) {
                    throw new KrpcError(203, "query without q or a");
                }
                Map<String, Object> args = (Map<String, Object>) a;
                Id20 querier = KrpcServer.id(args, "id");
                reply.put("r", server.answer(new String(q, java.nio.charset.StandardCharsets.ISO_8859_1), args, from, now));
                reply.put("y", "r");
                // BEP 43: a read-only node asked us, but will not answer queries: keep it out of the table.
                if (!(args.get("ro") instanceof Long ro && ro == 1)) {
                    table.seen(new NodeInfo(querier, from), now);
                }
            } catch (KrpcError e) {
                reply.put("y", "e");
                reply.put("e", List.of((long) e.code(), e.text()));
            }
        }
        send(from, reply);
    }

    private static KrpcError error(Object e) {
        if (e instanceof List<?> l && l.size() >= 2 && l.get(0) instanceof Long code && l.get(1) instanceof byte[] text) {
            return new KrpcError(code.intValue(), new String(text, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new KrpcError(203, "malformed error reply");
    }

    private void onReply(InetSocketAddress from, byte[] t, Map<String, Object> r, KrpcError err) {
        if (t.length != 2) {
            return;
        }
        Pending p;
        synchronized (this) {
            int tx = ((t[0] & 0xff) << 8) | (t[1] & 0xff);
            p = pending.get(tx);
            // A reply counts only from the address we asked: a forged reply from elsewhere is dropped.
            if (p == null || !p.to.equals(from)) {
                return;
            }
            pending.remove(tx);
            if (r != null && r.get("id") instanceof byte[] rid && rid.length == Id20.LENGTH) {
                table.seen(new NodeInfo(Id20.of(rid), from), System.currentTimeMillis());
            }
        }
        p.timeout.cancel(false);
        if (err != null) {
            p.reply.completeExceptionally(err);
        } else if (r == null) {
            p.reply.completeExceptionally(new KrpcError(203, "reply without r"));
        } else {
            p.reply.complete(r);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending

    private void send(InetSocketAddress to, Map<String, Object> msg) {
        try {
            channel.send(ByteBuffer.wrap(Bencode.encode(msg)), to);
        } catch (IOException e) {
            LOG.log(Level.FINE, "DHT send to " + to + " failed", e);
        }
    }

    /** Sends one query; the future holds the reply's {@code r}, or fails with a {@link KrpcError} or a timeout. */
    public CompletableFuture<Map<String, Object>> query(InetSocketAddress to, String method, Map<String, Object> args) {
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        if (to.isUnresolved() || closed) {
            reply.completeExceptionally(new IOException(closed ? "DHT node closed" : "unresolved " + to));
            return reply;
        }
        Map<String, Object> a = new TreeMap<>(args);
        a.put("id", id.raw());
        Map<String, Object> msg = new TreeMap<>();
        msg.put("y", "q");
        msg.put("q", method);
        msg.put("a", a);
        synchronized (this) {
            if (pending.size() >= MAX_PENDING) {
                reply.completeExceptionally(new IOException("too many DHT queries in flight (" + MAX_PENDING + ")"));
                return reply;
            }
            int tx;
            do {
                tx = nextTx++ & 0xffff;
            } while (pending.containsKey(tx));
            msg.put("t", new byte[] {(byte) (tx >> 8), (byte) tx});
            int txf = tx;
            ScheduledFuture<?> timeout;
            try {
                timeout = timer.schedule(() -> timedOut(txf), config.queryTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                reply.completeExceptionally(new IOException("DHT node closed"));
                return reply;
            }
            pending.put(tx, new Pending(to, reply, timeout));
        }
        send(to, msg);
        return reply;
    }

    private void timedOut(int tx) {
        Pending p;
        synchronized (this) {
            p = pending.remove(tx);
            if (p != null) {
                table.failed(p.to);
            }
        }
        if (p != null) {
            p.reply.completeExceptionally(new TimeoutException("no DHT reply from " + p.to + " within " + config.queryTimeout));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bootstrap and upkeep

    private void maintain() {
        try {
            maintainOnce();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: log it and keep the upkeep alive.
            LOG.log(Level.WARNING, "DHT maintenance failed", e);
        }
    }

    private void maintainOnce() {
        if (closed) {
            return;
        }
        if (routingTableSize() < config.k) {
            resolvedBootstrap = resolveBootstrap();
            bootstrap();
        } else if (System.nanoTime() - lastRefreshNanos > TimeUnit.MILLISECONDS.toNanos(RoutingTable.QUESTIONABLE_AFTER_MILLIS)) {
            // BEP 5 refreshes each bucket untouched for 15 min with a lookup inside it; one lookup of a random id
            // per 15 min refreshes the far buckets (which hold most of the id space) and meets new contacts.
            lastRefreshNanos = System.nanoTime();
            lookup(Id20.random(), "find_node", target -> Map.of("target", target.raw()), r -> { });
        }
    }

    /**
     * Looks up our own id from the table and the bootstrap nodes, filling the routing table; the future holds the
     * table's size afterwards (0: nobody answered). Runs by itself every maintenance interval while the table is thin.
     */
    public CompletableFuture<Integer> bootstrap() {
        return lookup(id, "find_node", target -> Map.of("target", target.raw()), r -> { })
                .thenApply(res -> routingTableSize());
    }

    /** Resolves the bootstrap names (blocking: maintenance thread only). */
    private List<InetSocketAddress> resolveBootstrap() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress a : config.bootstrap) {
            InetSocketAddress r = a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
            if (!r.isUnresolved() && !r.equals(localAddress())) {
                out.add(r);
            }
        }
        return out;
    }

    private CompletableFuture<Lookup.Result> lookup(Id20 target, String method,
                                                    java.util.function.Function<Id20, Map<String, Object>> args,
                                                    java.util.function.Consumer<Map<String, Object>> onReply) {
        List<NodeInfo> seeds;
        synchronized (this) {
            seeds = table.closest(target, config.k);
        }
        // The bootstrap addresses as the maintenance thread last resolved them: a lookup never waits for DNS.
        List<InetSocketAddress> anonymous = seeds.size() < config.k ? resolvedBootstrap : List.of();
        return new Lookup(id, localAddress(), target, method, args, onReply, this::query, config.k, config.alpha).start(seeds, anonymous);
    }

    // ---------------------------------------------------------------------------------------------------------
    // BEP 44

    /** Stores {@code item} on the k closest nodes to its target; the future holds how many accepted it. */
    public CompletableFuture<Integer> put(MutableItem item) {
        Id20 target = item.target();
        return lookup(target, "get", t -> Map.of("target", t.raw()), r -> { }).thenCompose(res -> {
            List<CompletableFuture<Boolean>> puts = new ArrayList<>();
            List<String> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (Lookup.Responder n : res.closest()) {
                if (n.token() == null) {
                    continue;
                }
                Map<String, Object> a = new TreeMap<>();
                a.put("token", n.token());
                a.put("k", item.key().toBytes());
                a.put("seq", item.seq());
                a.put("sig", item.signature());
                a.put("v", new Bencode.Raw(item.encodedValue()));
                a.put("target", target.raw()); // Rust mainline drops a put without it (wire map §6); others ignore it
                if (item.salt().length > 0) {
                    a.put("salt", item.salt());
                }
                puts.add(query(n.node().addr(), "put", a).handle((r, e) -> {
                    if (e != null) {
                        refusals.add(n.node().addr() + ": " + rootCause(e).getMessage());
                    }
                    return e == null;
                }));
            }
            return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).thenApply(v -> {
                int stored = (int) puts.stream().filter(CompletableFuture::join).count();
                if (stored == 0) {
                    throw new java.util.concurrent.CompletionException(new IOException("no DHT node stored item "
                            + target + " (asked " + res.queried() + " nodes" + (refusals.isEmpty() ? "" : "; " + refusals) + ")"));
                }
                return stored;
            });
        });
    }

    /** The highest-seq valid item under {@code key} and {@code salt} that the closest nodes hold. */
    public CompletableFuture<Optional<MutableItem>> get(EndpointId key, byte[] salt) {
        Id20 target = MutableItem.target(key, salt);
        AtomicReference<MutableItem> best = new AtomicReference<>();
        return lookup(target, "get", t -> Map.of("target", t.raw()), r -> {
            if (r.get("k") instanceof byte[] k && r.get("sig") instanceof byte[] sig && r.get("seq") instanceof Long seq
                    && r.get("v") != null && java.util.Arrays.equals(k, key.toBytes())) {
                try {
                    MutableItem item = MutableItem.verified(k, salt, seq, Bencode.encode(r.get("v")), sig);
                    best.accumulateAndGet(item, (a, b) -> a == null || b.seq() > a.seq() ? b : a);
                } catch (KrpcError e) {
                    // a forged or oversized item from one node: ignored, the others may hold the real one
                }
            }
        }).thenApply(res -> Optional.ofNullable(best.get()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // BEP 5

    /**
     * Announces that a peer for {@code infoHash} listens on {@code port} at this host (the address the storing
     * nodes see); {@code port} 0 sets {@code implied_port}, i.e. this DHT socket's port. Holds how many stored it.
     */
    public CompletableFuture<Integer> announce(Id20 infoHash, int port) {
        return lookup(infoHash, "get_peers", t -> Map.of("info_hash", t.raw()), r -> { }).thenCompose(res -> {
            List<CompletableFuture<Boolean>> acks = new ArrayList<>();
            for (Lookup.Responder n : res.closest()) {
                if (n.token() == null) {
                    continue;
                }
                Map<String, Object> a = new TreeMap<>();
                a.put("info_hash", infoHash.raw());
                a.put("token", n.token());
                a.put("port", (long) (port == 0 ? localAddress().getPort() : port));
                a.put("implied_port", port == 0 ? 1L : 0L);
                acks.add(query(n.node().addr(), "announce_peer", a).handle((r, e) -> e == null));
            }
            return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(v -> {
                int stored = (int) acks.stream().filter(CompletableFuture::join).count();
                if (stored == 0) {
                    throw new java.util.concurrent.CompletionException(
                            new IOException("no DHT node stored the announce of " + infoHash + " (asked " + res.queried() + ")"));
                }
                return stored;
            });
        });
    }

    /** The peers the nodes closest to {@code infoHash} know. */
    public CompletableFuture<List<InetSocketAddress>> getPeers(Id20 infoHash) {
        Set<InetSocketAddress> peers = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
        return lookup(infoHash, "get_peers", t -> Map.of("info_hash", t.raw()), r -> peers.addAll(Lookup.values(r)))
                .thenApply(res -> {
                    synchronized (peers) {
                        return List.copyOf(peers);
                    }
                });
    }

    // ---------------------------------------------------------------------------------------------------------
    // pkarr (iroh's mainline address lookup) and blob providers

    /** Puts a pkarr packet as iroh does: k = the endpoint key, no salt, seq = its µs timestamp, v = its DNS bytes. */
    public CompletableFuture<Integer> publish(SignedPacket packet) {
        MutableItem item;
        try {
            item = MutableItem.verified(packet.publicKey().toBytes(), new byte[0], packet.timestampMicros(),
                    Bencode.encode(packet.dnsBytes()), packet.signature());
        } catch (KrpcError e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("packet is not a BEP 44 item: " + e.getMessage()));
        }
        return put(item);
    }

    /** The newest pkarr packet of {@code id} in the DHT (BEP 44 get, highest seq), verified as pkarr verifies it. */
    public CompletableFuture<Optional<SignedPacket>> resolve(EndpointId id) {
        return get(id, new byte[0]).thenApply(item -> {
            if (item.isEmpty() || item.get().valueBytes() == null) {
                return Optional.empty();
            }
            MutableItem i = item.get();
            try {
                return Optional.of(SignedPacket.fromMutableItem(i.key().toBytes(), i.signature(), i.seq(), i.valueBytes()));
            } catch (PkarrException e) {
                return Optional.empty(); // a valid BEP 44 item whose v is not a DNS packet: no record
            }
        });
    }

    /**
     * Re-puts {@code packet.get()} now and every {@code interval} (iroh: 1 h, same seq) until the returned handle is
     * cancelled or the node closes. Failures (no reachable node) are logged and retried at the next round.
     */
    public ScheduledFuture<?> republish(Supplier<SignedPacket> packet, Duration interval) {
        return maintenance.scheduleWithFixedDelay(() -> {
            try {
                SignedPacket p = packet.get();
                serveRecord(p);
                publish(p).whenComplete((n, e) -> {
                    if (e != null) {
                        LOG.fine("DHT publish failed: " + rootCause(e).getMessage());
                    }
                });
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "DHT republish could not make the packet", e); // retried next round
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The info-hash under which providers of BLAKE3 blob {@code hash} announce: SHA-1 of the 32 hash bytes, the scheme
     * of n0's current content-discovery experiment (wire map §8(c); docs/discovery.md "Mainline DHT").
     */
    public static Id20 contentKey(byte[] blobHash) {
        if (blobHash.length != 32) {
            throw new IllegalArgumentException("a BLAKE3 blob hash has 32 bytes, got " + blobHash.length);
        }
        return Id20.sha1(blobHash);
    }

    /**
     * Sets the endpoint record this node serves to {@code iroh_record} queries (see {@link #findProviders}); also
     * done by {@link #republish} with each packet it puts.
     */
    public void serveRecord(SignedPacket packet) {
        synchronized (this) {
            server.ownRecord(packet.toBytes());
        }
    }

    /**
     * Announces that the endpoint whose record this node serves ({@link #serveRecord}) has blob {@code blobHash}:
     * {@code announce_peer} under {@link #contentKey} with {@code implied_port}, i.e. this DHT socket's address.
     */
    public CompletableFuture<Integer> announceProvider(byte[] blobHash) {
        synchronized (this) {
            if (!server.hasOwnRecord()) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "announceProvider needs the endpoint's record first (serveRecord or republish)"));
            }
        }
        return announce(contentKey(blobHash), 0);
    }

    /**
     * The endpoints that announced {@code blobHash}: the peers under {@link #contentKey}, each asked (up to
     * {@link #MAX_PROVIDERS_ASKED}, in parallel) for its endpoint's signed pkarr packet with our {@code iroh_record}
     * query. The packet is self-certifying, so a peer can only point at an endpoint whose key signed it; peers
     * that are not ours (a plain BitTorrent client under the same info-hash) answer 204 or nothing and are left out.
     */
    public CompletableFuture<List<EndpointAddr>> findProviders(byte[] blobHash) {
        return getPeers(contentKey(blobHash)).thenCompose(peers -> {
            List<CompletableFuture<Optional<EndpointAddr>>> asks = new ArrayList<>();
            for (InetSocketAddress peer : peers.subList(0, Math.min(peers.size(), MAX_PROVIDERS_ASKED))) {
                asks.add(query(peer, KrpcServer.IROH_RECORD, Map.of()).handle((r, e) -> {
                    if (e != null || !(r.get("packet") instanceof byte[] bytes)) {
                        return Optional.<EndpointAddr>empty();
                    }
                    try {
                        return Optional.of(IrohRecord.fromSignedPacket(SignedPacket.fromBytes(bytes)).toEndpointAddr());
                    } catch (PkarrException bad) {
                        return Optional.<EndpointAddr>empty();
                    }
                }));
            }
            return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> {
                Map<EndpointId, EndpointAddr> byId = new java.util.LinkedHashMap<>();
                asks.forEach(f -> f.join().ifPresent(addr -> byId.putIfAbsent(addr.id(), addr)));
                return List.copyOf(byId.values());
            });
        });
    }

    static Throwable rootCause(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        timer.shutdownNow();
        maintenance.shutdownNow();
        List<Pending> left;
        synchronized (this) {
            left = new ArrayList<>(pending.values());
            pending.clear();
        }
        for (Pending p : left) {
            p.reply.completeExceptionally(new IOException("DHT node closed"));
        }
        try {
            receiver.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Settings, each with its default and what it is tuned for. */
    public static final class Builder {
        private InetSocketAddress bind = new InetSocketAddress("0.0.0.0", 0);
        private List<InetSocketAddress> bootstrap = DEFAULT_BOOTSTRAP;
        private Id20 id;
        private int k = 8;                          // BEP 5
        private int alpha = 3;                      // Kademlia's parallelism
        private Duration queryTimeout = Duration.ofSeconds(2);
        private Duration maintenanceInterval = Duration.ofSeconds(30);
        private double queriesPerSecond = 100;      // per source IP; many loopback nodes share one IP in tests
        private int queryBurst = 200;
        private int maxRateLimitedSources = 10_000;
        private int maxInfoHashes = 10_000;
        private int maxPeersPerHash = 100;
        private int maxItems = 10_000;              // × ≤ 1.2 KB per item

        public Builder bind(InetSocketAddress bind) {
            this.bind = bind;
            return this;
        }

        /** Nodes to join through; the default is {@link #DEFAULT_BOOTSTRAP}; an empty list starts a new DHT. */
        public Builder bootstrap(List<InetSocketAddress> nodes) {
            this.bootstrap = List.copyOf(nodes);
            return this;
        }

        public Builder id(Id20 id) {
            this.id = id;
            return this;
        }

        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = timeout;
            return this;
        }

        public Builder maintenanceInterval(Duration interval) {
            this.maintenanceInterval = interval;
            return this;
        }

        /** Queries answered per source IP: {@code perSecond} sustained, {@code burst} at once. */
        public Builder rateLimit(double perSecond, int burst) {
            if (perSecond <= 0 || burst < 1) {
                throw new IllegalArgumentException("rate limit needs perSecond > 0 and burst ≥ 1, got " + perSecond + ", " + burst);
            }
            this.queriesPerSecond = perSecond;
            this.queryBurst = burst;
            return this;
        }

        public Builder storageLimits(int maxItems, int maxInfoHashes, int maxPeersPerHash) {
            this.maxItems = maxItems;
            this.maxInfoHashes = maxInfoHashes;
            this.maxPeersPerHash = maxPeersPerHash;
            return this;
        }

        public DhtNode start() throws IOException {
            return new DhtNode(this).begin();
        }
    }
}
