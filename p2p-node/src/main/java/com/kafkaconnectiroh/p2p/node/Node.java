package com.kafkaconnectiroh.p2p.node;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.EndpointTicket;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.docs.Docs;
import com.kafkaconnectiroh.p2p.docs.DocsConfig;
import com.kafkaconnectiroh.p2p.docs.store.ReplicaStore;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.gossip.Gossip;
import com.kafkaconnectiroh.p2p.ping.Ping;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
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
    private volatile boolean closed;

    private Node(Endpoint endpoint, Router router, Blobs blobs, Gossip gossip, Ping ping, Docs docs, boolean ownsStore) {
        this.endpoint = endpoint;
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

    public Router router() {
        return router;
    }

    /** Add, read, export, tag and download blobs; serve them to peers. */
    public Blobs blobs() {
        return blobs;
    }

    /** Topic pub/sub over iroh-gossip. */
    public Gossip gossip() {
        return gossip;
    }

    /** Documents (iroh-docs): create, join by ticket, read, write, sync, subscribe. */
    public Docs docs() {
        return docs;
    }

    /** Answers iroh-ping; also pings others ({@code ping().ping(node.endpoint(), addr, timeout)}). */
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
        docs.close();
        router.shutdown();
        docs.store().close();
        if (ownsStore) {
            try {
                blobs.store().close();
            } catch (IOException e) {
                LOG.warn("closing the blob store failed", e);
            }
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

        private Builder() {
            // iroh keeps connections alive every second; gossip relies on it to notice dead neighbors quickly.
            endpoint.transportConfig(new TransportConfig().keepAliveInterval(Duration.ofSeconds(1)));
        }

        /** The identity; default: from {@link #dataDir} if set, else a fresh key. */
        public Builder secretKey(SecretKey key) {
            endpoint.secretKey(Objects.requireNonNull(key));
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
            boolean ownsStore = store == null;
            BlobStore blobStore = store != null ? store
                    : dataDir != null ? FsBlobStore.open(dataDir.resolve("blobs")) : new MemBlobStore();
            Endpoint ep = null;
            Gossip g = null;
            ReplicaStore docStore = null;
            try {
                docStore = dataDir != null ? ReplicaStore.open(dataDir.resolve("docs.db")) : ReplicaStore.memory();
                ep = endpoint.bind();
                Blobs blobs = new Blobs(ep, blobStore);
                g = gossip.spawn(ep);
                Docs docs = Docs.spawn(ep, g, blobs, docStore, docsConfig);
                Ping ping = new Ping();
                Router router = g.registerWith(Router.builder(ep))
                        .accept(Blobs.ALPN, blobs.provider())
                        .accept(Docs.ALPN, docs)
                        .accept(Ping.ALPN, ping)
                        .spawn();
                return new Node(ep, router, blobs, g, ping, docs, ownsStore);
            } catch (IOException | RuntimeException e) {
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

        private static void closeQuietly(BlobStore store, Exception failure) {
            try {
                store.close();
            } catch (IOException | UncheckedIOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
