package com.kafkaconnectiroh.p2p.node;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.EndpointTicket;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SecretKeyStore;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.BlobsProvider;
import com.kafkaconnectiroh.p2p.blobs.ProviderListener;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.discovery.Discovery;
import com.kafkaconnectiroh.p2p.discovery.dht.DhtDiscovery;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig;
import com.kafkaconnectiroh.p2p.discovery.mdns.MdnsDiscovery;
import com.kafkaconnectiroh.p2p.docs.Docs;
import com.kafkaconnectiroh.p2p.docs.DocsConfig;
import com.kafkaconnectiroh.p2p.docs.store.ReplicaStore;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.NatMapping;
import com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.RelayMode;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.gossip.Gossip;
import com.kafkaconnectiroh.p2p.ping.Ping;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iroh-compatible node: an {@link Endpoint}, a {@link Router} accepting {@code /iroh-bytes/4} (blobs),
 * {@code /iroh-gossip/1} and {@code /0} (gossip), {@code /iroh-sync/1} (docs) and {@code iroh/ping/0}, and the
 * blob and document stores behind them. This is what the connectors embed; each part stays reachable for what the
 * facade does not cover.
 *
 * <pre>{@code
 * try (Node node = Node.builder().dataDir(dir).spawn()) {
 *     Hash h = node.blobs().add(bytes).hash();
 *     GossipTopic t = node.gossip().subscribe(TopicId.fromName("chat"), peers);
 *     Doc doc = node.docs().create();
 * }
 * }</pre>
 *
 * <p>With a data dir the node keeps its secret key in {@code <dir>/secret_key}, its blobs in {@code <dir>/blobs}
 * (the crash-safe file store) and its documents in {@code <dir>/docs.db}, so its id and content survive restarts;
 * without one it runs on a fresh key and in-memory stores.
 *
 * <p>By default a node runs every {@link Protocol}. A node for one job runs fewer (the CLI's {@code ping} runs none,
 * {@code blob send} only blobs): what it does not run it neither serves nor opens a store for, and its accessor
 * throws {@link IllegalStateException}.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private final Endpoint endpoint;
    private final Router router;
    private final Blobs blobs;
    private final Gossip gossip;
    private final Ping ping;
    private final Docs docs;
    private final boolean ownsStore;
    private final Discovery discovery;
    private volatile boolean closed;

    /** What a node runs and serves; {@link Builder#protocols} picks them. */
    public enum Protocol {
        /** {@code /iroh-bytes/4}: serves the blob store. */
        BLOBS,
        /** {@code /iroh-gossip/1} and {@code /0}. */
        GOSSIP,
        /** {@code /iroh-sync/1}: documents; needs {@link #BLOBS} and {@link #GOSSIP}. */
        DOCS,
        /** {@code iroh/ping/0}: answers pings. */
        PING
    }

    private Node(Endpoint endpoint, Router router, Blobs blobs, Gossip gossip, Ping ping, Docs docs, boolean ownsStore,
                 Discovery discovery) {
        this.endpoint = endpoint;
        this.discovery = discovery;
        this.router = router;
        this.blobs = blobs;
        this.gossip = gossip;
        this.ping = ping;
        this.docs = docs;
        this.ownsStore = ownsStore;
    }

    public static Builder builder() {
        return new Builder();
    }

    public EndpointId id() {
        return endpoint.id();
    }

    /** Our id and the direct addresses we listen on (what peers need to dial us). */
    public EndpointAddr addr() {
        return endpoint.addr();
    }

    /** {@link #addr()} as an iroh 1.x endpoint ticket. */
    public EndpointTicket ticket() {
        return endpoint.ticket();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Our public addresses as QUIC address discovery saw them ({@link Endpoint#discoverAddresses}); empty before.
     */
    public List<InetSocketAddress> publicAddresses() {
        return endpoint.publicAddresses();
    }

    /** The NAT mapping verdict of the last QUIC address discovery ({@link NatMapping#UNKNOWN} before). */
    public NatMapping natMapping() {
        return endpoint.natMapping();
    }

    /**
     * The discovery this node publishes to and its dials resolve ids through ({@link Builder#discovery}), if any.
     */
    public java.util.Optional<Discovery> discovery() {
        return java.util.Optional.ofNullable(discovery);
    }

    /**
     * Local-network discovery (mDNS as iroh's swarm discovery), if {@link Builder#localDiscovery} turned it on and it
     * could start: who is on the LAN, {@code Discovered}/{@code Expired} events. Dials by bare id ask it already.
     */
    public java.util.Optional<MdnsDiscovery> localDiscovery() {
        return discovery().stream().flatMap(d -> d.lookups().stream())
                .filter(MdnsDiscovery.class::isInstance).map(MdnsDiscovery.class::cast).findFirst();
    }

    public Router router() {
        return router;
    }

    /**
     * Add, read, export, tag and download blobs; serve them to peers (with {@link Protocol#BLOBS}).
     *
     * @throws IllegalStateException the node runs no blobs (neither {@link Protocol#BLOBS} nor a blob store given)
     */
    public Blobs blobs() {
        return running(blobs, "blobs");
    }

    /**
     * Topic pub/sub over iroh-gossip.
     *
     * @throws IllegalStateException the node does not run {@link Protocol#GOSSIP}
     */
    public Gossip gossip() {
        return running(gossip, "gossip");
    }

    /**
     * Documents (iroh-docs): create, join by ticket, read, write, sync, subscribe.
     *
     * @throws IllegalStateException the node does not run {@link Protocol#DOCS}
     */
    public Docs docs() {
        return running(docs, "docs");
    }

    private static <T> T running(T part, String name) {
        if (part == null) {
            throw new IllegalStateException("this node does not run " + name);
        }
        return part;
    }

    /**
     * Answers iroh-ping (with {@link Protocol#PING}); also pings others, whatever the node serves
     * ({@code ping().ping(node.endpoint(), addr, timeout)}).
     */
    public Ping ping() {
        return ping;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops document sync, leaves every gossip topic, stops serving, closes the endpoint, the document store and
     * (if the node opened it) the blob store. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (docs != null) {
            docs.close();
        }
        router.shutdown();
        if (docs != null) {
            docs.store().close();
        }
        if (ownsStore && blobs != null) {
            try {
                blobs.store().close();
            } catch (IOException e) {
                LOG.warn("closing the blob store failed", e);
            }
        }
        if (discovery != null) {
            discovery.close();
        }
    }

    @Override
    public String toString() {
        return "Node[" + endpoint.id().fmtShort() + " " + endpoint.boundAddress() + "]";
    }

    /** Settings for {@link #spawn()}; every one has a default. */
    public static final class Builder {
        private final Endpoint.Builder endpoint = Endpoint.builder();
        private final Gossip.Builder gossip = Gossip.builder();
        private Path dataDir;
        private BlobStore store;
        private DocsConfig docsConfig = DocsConfig.DEFAULT;
        private Set<Protocol> protocols = EnumSet.allOf(Protocol.class);
        private ProviderListener providerListener = ProviderListener.NONE;
        private Ping ping;
        private final Map<String, ProtocolHandler> extraHandlers = new LinkedHashMap<>();
        private SecretKey secretKey;
        private DiscoveryConfig discoveryConfig = DiscoveryConfig.NONE;
        private final List<AddressLookup> extraLookups = new ArrayList<>();
        private List<InetSocketAddress> dhtBootstrap;
        private MdnsDiscovery.Builder localDiscovery;

        private Builder() {
            // iroh keeps connections alive every second; gossip relies on it to notice dead neighbors quickly.
            endpoint.transportConfig(new TransportConfig().keepAliveInterval(Duration.ofSeconds(1)));
        }

        /** The identity; default: from {@link #dataDir} if set, else a fresh key. */
        public Builder secretKey(SecretKey key) {
            this.secretKey = Objects.requireNonNull(key);
            endpoint.secretKey(key);
            return this;
        }

        /** Keeps {@code secret_key} and the blob store ({@code blobs/}) here, created on first use. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir);
            endpoint.dataDir(dir);
            return this;
        }

        /** UDP address to bind; default {@code 0.0.0.0:0}. */
        public Builder bindAddr(InetSocketAddress addr) {
            endpoint.bindAddr(addr);
            return this;
        }

        /**
         * Relays to choose the home relay from (default none): the node stays connected to the fastest and its
         * {@link #addr()}/{@link #ticket()} carry it, so peers with only the id and that URL reach it. See
         * {@code docs/relay.md}, "Relay client".
         */
        public Builder relayUrls(List<RelayUrl> urls) {
            endpoint.relayUrls(urls);
            return this;
        }

        public Builder relayUrls(RelayUrl... urls) {
            endpoint.relayUrls(urls);
            return this;
        }

        /** Whether and how relays are used (default {@link RelayMode#DEFAULT}). */
        public Builder relayMode(RelayMode mode) {
            endpoint.relayMode(mode);
            return this;
        }

        /** Trust for {@code https} relays (default: the JDK's trust store). */
        public Builder relayTrust(TrustManagerFactory trust) {
            endpoint.relayTrust(trust);
            return this;
        }

        /** Whether connections offer QUIC multipath and NAT traversal: see {@link Endpoint.Builder#multipath}. */
        public Builder multipath(boolean on) {
            endpoint.multipath(on);
            return this;
        }

        /** QUIC settings; default: iroh's, with a 1 s keep-alive. */
        public Builder transportConfig(TransportConfig config) {
            endpoint.transportConfig(config);
            return this;
        }

        /** A blob store the caller owns (and closes); default: the data dir's file store, else memory. */
        public Builder blobStore(BlobStore store) {
            this.store = Objects.requireNonNull(store);
            return this;
        }

        /** Adjusts the gossip settings (message size, queue bounds, ...); the defaults follow iroh-gossip. */
        public Builder gossip(Consumer<Gossip.Builder> settings) {
            settings.accept(gossip);
            return this;
        }

        /** Document sync settings (frame limit, timeouts, download concurrency). */
        public Builder docs(DocsConfig config) {
            this.docsConfig = Objects.requireNonNull(config);
            return this;
        }

        /**
         * Runs and serves only these protocols (default: all). Blobs also run unserved when a {@link #blobStore}
         * is given (a node that only downloads).
         *
         * @throws IllegalArgumentException {@link Protocol#DOCS} without {@link Protocol#BLOBS} and {@link Protocol#GOSSIP}
         */
        public Builder protocols(Set<Protocol> protocols) {
            Set<Protocol> p = protocols.isEmpty() ? EnumSet.noneOf(Protocol.class) : EnumSet.copyOf(protocols);
            if (p.contains(Protocol.DOCS) && !(p.contains(Protocol.BLOBS) && p.contains(Protocol.GOSSIP))) {
                throw new IllegalArgumentException("DOCS needs BLOBS and GOSSIP, got " + p);
            }
            this.protocols = p;
            return this;
        }

        /** Told about each blob transfer the node serves (finished or aborted); default: nothing. */
        public Builder blobsProviderListener(ProviderListener listener) {
            this.providerListener = Objects.requireNonNull(listener);
            return this;
        }

        /** The ping handler, e.g. one with a listener for each ping answered; default: a plain {@link Ping}. */
        public Builder ping(Ping ping) {
            this.ping = Objects.requireNonNull(ping);
            return this;
        }

        /** Also serves {@code alpn} with {@code handler} (a protocol the node does not have, e.g. a speedtest). */
        public Builder accept(String alpn, ProtocolHandler handler) {
            extraHandlers.put(Objects.requireNonNull(alpn), Objects.requireNonNull(handler));
            return this;
        }

        /**
         * Discovery by pkarr relay and DNS (default {@link DiscoveryConfig#NONE}: dials use only the addresses they
         * are given; {@link DiscoveryConfig#N0} is iroh's n0 preset). With any mechanism on, the node publishes its
         * record while it runs (again whenever its addresses change) and every dial that cannot reach its peer at
         * the given addresses (a bare id has none) resolves the id through all of them (docs/discovery.md).
         */
        public Builder discovery(DiscoveryConfig config) {
            this.discoveryConfig = Objects.requireNonNull(config);
            return this;
        }

        /**
         * Another way to find peers by id (the mainline DHT, mDNS), asked beside {@link #discovery}'s mechanisms
         * and told our addresses like them; the node closes it when it closes.
         */
        public Builder addressLookup(AddressLookup lookup) {
            extraLookups.add(Objects.requireNonNull(lookup));
            return this;
        }

        /**
         * Runs a mainline DHT node beside the endpoint, bootstrapping from {@code bootstrap} (empty: the DHT's
         * public defaults): our record is put there as a BEP 44 item and peers' records are resolved by id, as
         * iroh's mainline address lookup does (docs/discovery.md, "Mainline DHT"). Default: no DHT.
         */
        public Builder dhtBootstrap(List<InetSocketAddress> bootstrap) {
            this.dhtBootstrap = List.copyOf(bootstrap);
            return this;
        }

        /**
         * Local-network discovery (default off): announces the node on the LAN by mDNS as iroh's swarm discovery does
         * (the iroh 1.x and 0.35 swarms), and dials by bare id ask it beside {@link #discovery}'s mechanisms. If it
         * cannot start (no multicast-capable interface) the node runs without it and logs a warning.
         */
        public Builder localDiscovery(boolean on) {
            this.localDiscovery = on ? MdnsDiscovery.builder() : null;
            return this;
        }

        /** Local-network discovery on, with these settings (swarms, advertise, user data, peer bound). */
        public Builder localDiscovery(Consumer<MdnsDiscovery.Builder> settings) {
            MdnsDiscovery.Builder b = MdnsDiscovery.builder();
            settings.accept(b);
            this.localDiscovery = b;
            return this;
        }

        /** Direct access to the endpoint settings not mirrored here (timeouts, I/O mode). */
        public Builder endpoint(Consumer<Endpoint.Builder> settings) {
            settings.accept(endpoint);
            return this;
        }

        /**
         * Opens the store, binds the endpoint and starts serving.
         *
         * @throws IOException the data dir, key or store cannot be read or created, or the socket cannot be bound
         */
        public Node spawn() throws IOException {
            boolean runsBlobs = protocols.contains(Protocol.BLOBS) || store != null;
            boolean runsGossip = protocols.contains(Protocol.GOSSIP);
            boolean runsDocs = protocols.contains(Protocol.DOCS);
            boolean ownsStore = store == null && runsBlobs;
            BlobStore blobStore = store != null ? store : !runsBlobs ? null
                    : dataDir != null ? FsBlobStore.open(dataDir.resolve("blobs")) : new MemBlobStore();
            Endpoint ep = null;
            Gossip g = null;
            ReplicaStore docStore = null;
            Discovery disco = null;
            try {
                if (discoveryConfig.isEnabled() || !extraLookups.isEmpty() || dhtBootstrap != null
                        || localDiscovery != null) {
                    // discovery signs with the endpoint's key, so the key is settled before the endpoint binds
                    SecretKey key = secretKey != null ? secretKey
                            : dataDir != null ? SecretKeyStore.loadOrCreate(dataDir) : SecretKey.generate();
                    endpoint.secretKey(key);
                    List<AddressLookup> lookups = new ArrayList<>(extraLookups);
                    if (dhtBootstrap != null) {
                        lookups.add(DhtDiscovery.start(key, dhtBootstrap));
                    }
                    MdnsDiscovery mdns = startLocalDiscovery(key);
                    if (mdns != null) {
                        lookups.add(mdns);
                    }
                    disco = discoveryConfig.build(key, lookups);
                    endpoint.addressLookup(disco);
                }
                if (runsDocs) {
                    docStore = dataDir != null ? ReplicaStore.open(dataDir.resolve("docs.db")) : ReplicaStore.memory();
                }
                ep = endpoint.bind();
                Blobs blobs = runsBlobs
                        ? new Blobs(ep, blobStore, new BlobsProvider(blobStore, providerListener, BlobsProvider.Options.defaults()))
                        : null;
                g = runsGossip ? gossip.spawn(ep) : null;
                Docs docs = runsDocs ? Docs.spawn(ep, g, blobs, docStore, docsConfig) : null;
                Ping p = ping != null ? ping : new Ping();
                Router.Builder rb = runsGossip ? g.registerWith(Router.builder(ep)) : Router.builder(ep);
                if (protocols.contains(Protocol.BLOBS)) {
                    rb.accept(Blobs.ALPN, blobs.provider());
                }
                if (runsDocs) {
                    rb.accept(Docs.ALPN, docs);
                }
                if (protocols.contains(Protocol.PING)) {
                    rb.accept(Ping.ALPN, p);
                }
                extraHandlers.forEach(rb::accept);
                Node node = new Node(ep, rb.spawn(), blobs, g, p, docs, ownsStore, disco);
                if (disco != null) {
                    disco.publishWhileOpen(ep::addr, PUBLISH_CHECK);
                }
                return node;
            } catch (IOException | RuntimeException e) {
                if (disco != null) {
                    disco.close();
                }
                if (g != null) {
                    g.close();
                }
                if (ep != null) {
                    ep.close();
                }
                if (docStore != null) {
                    docStore.close();
                }
                if (ownsStore) {
                    closeQuietly(blobStore, e);
                }
                throw e;
            }
        }

        /**
         * How often a node checks whether its addresses changed, to publish them at once if they did (each
         * mechanism also republishes on its own interval, iroh's 5 minutes for pkarr).
         */
        static final Duration PUBLISH_CHECK = Duration.ofSeconds(5);

        private MdnsDiscovery startLocalDiscovery(SecretKey key) {
            if (localDiscovery == null) {
                return null;
            }
            try {
                return localDiscovery.build(key.publicKey());
            } catch (IOException e) {
                LOG.warn("local-network discovery is off: {}", e.getMessage());
                return null;
            }
        }

        private static void closeQuietly(BlobStore store, Exception failure) {
            try {
                store.close();
            } catch (IOException | UncheckedIOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
