package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.endpoint.AsyncProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipConfig;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * iroh-gossip on an {@link Endpoint}: publish-subscribe over topics, each its own HyParView swarm with PlumTree
 * broadcast, wire-compatible with iroh-gossip 0.90+ ({@code /iroh-gossip/1}) and 0.35 ({@code /iroh-gossip/0}).
 *
 * <pre>{@code
 * Endpoint ep = Endpoint.builder().transportConfig(new TransportConfig().keepAliveInterval(Duration.ofSeconds(1))).bind();
 * Gossip gossip = Gossip.builder().spawn(ep);
 * Router router = gossip.registerWith(Router.builder(ep)).spawn();
 * GossipTopic topic = gossip.subscribe(TopicId.fromName("chat"), List.of(EndpointAddrs.parse(ticket)));
 * topic.joined().get(10, SECONDS);
 * topic.broadcast("hello".getBytes(UTF_8));
 * GossipEvent e = topic.next(Duration.ofSeconds(5));
 * ...
 * router.close(); // shuts the gossip down (leaving every topic), then the endpoint
 * }</pre>
 *
 * <p>A {@link ProtocolHandler} for both ALPNs (register it with {@link #registerWith}); it dials peers itself,
 * offering {@code /1} then {@code /0}, and speaks whichever the peer picks. One gossip thread runs the protocol
 * state; see {@code docs/gossip.md} for the connection rules and limits.
 */
public final class Gossip implements AsyncProtocolHandler, AutoCloseable {
    /** Both wire versions, newest first: what we offer when dialing and accept by default. */
    public static final List<String> ALPNS = List.of(GossipWire.ALPN_V1, GossipWire.ALPN_V0);

    private final Endpoint endpoint;
    private final Settings settings;
    private final GossipActor actor;

    /** Everything a Gossip is configured with (see {@link Builder}). */
    record Settings(GossipConfig config, List<String> dialAlpns, List<String> acceptAlpns, int subscriberCapacity,
                    int maxPendingCommands, long maxQueuedBytes, int maxQueuedMessages, int maxHeldBroadcasts,
                    int addressBookSize,
                    Duration connectTimeout, long lingerNanos, Duration shutdownGrace) {
    }

    private Gossip(Endpoint endpoint, Settings settings, long seed) {
        this.endpoint = endpoint;
        this.settings = settings;
        this.actor = new GossipActor(endpoint, settings, seed);
        actor.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public EndpointId id() {
        return endpoint.id();
    }

    /** The ALPNs this gossip serves; register each with the router ({@link #registerWith} does). */
    public List<String> alpns() {
        return settings.acceptAlpns();
    }

    /** Registers this gossip on {@code router} for each of its ALPNs. */
    public Router.Builder registerWith(Router.Builder router) {
        for (String alpn : settings.acceptAlpns()) {
            router.accept(alpn, this);
        }
        return router;
    }

    /** The protocol settings (max message size and the HyParView/PlumTree parameters). */
    public GossipConfig config() {
        return settings.config();
    }

    /** The largest message {@link GossipTopic#broadcast} takes with this configuration. */
    public int maxContentSize() {
        return settings.config().maxContentSize();
    }

    /**
     * Joins {@code topic} (if not joined yet) and returns a new subscription. Each of {@code bootstrap} is sent a
     * Join; its addresses, if any, are remembered for dialing (a bare id is dialed at an address learned
     * otherwise: a live connection, the swarm, or disco). With no bootstrap peers the topic waits for others to
     * join through us.
     */
    public GossipTopic subscribe(TopicId topic, Collection<EndpointAddr> bootstrap) {
        return subscribe(topic, bootstrap, settings.subscriberCapacity());
    }

    /** Like {@link #subscribe(TopicId, Collection)} with this subscription's own event queue capacity. */
    public GossipTopic subscribe(TopicId topic, Collection<EndpointAddr> bootstrap, int eventCapacity) {
        Objects.requireNonNull(topic, "topic");
        List<EndpointAddr> peers = List.copyOf(bootstrap);
        GossipTopic h = new GossipTopic(actor, topic, eventCapacity);
        if (!actor.post(() -> actor.subscribe(h, peers))) {
            h.closedByGossip("gossip is shut down");
        }
        return h;
    }

    public GossipTopic subscribe(TopicId topic) {
        return subscribe(topic, List.of());
    }

    /** The actor (tests in this package: stalling its thread, reading protocol counters). */
    GossipActor actor() {
        return actor;
    }

    /** Counters and table sizes, taken on the gossip thread (waits at most 5 s). */
    public GossipStats stats() {
        CompletableFuture<GossipStats> f = new CompletableFuture<>();
        if (!actor.post(() -> f.complete(actor.stats()))) {
            throw new IllegalStateException("gossip is shut down");
        }
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading gossip stats", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("gossip thread did not answer: " + e, e);
        }
    }

    /** The protocol state of a topic, on the gossip thread (tests and diagnostics). */
    <T> T inspect(java.util.function.Function<GossipActor, T> f) {
        CompletableFuture<T> r = new CompletableFuture<>();
        if (!actor.post(() -> r.complete(f.apply(actor)))) {
            throw new IllegalStateException("gossip is shut down");
        }
        return r.join();
    }

    // ================================================================================================
    // ProtocolHandler

    /** Takes a connection the router accepted for one of our ALPNs; the stage completes when it has ended. */
    @Override
    public CompletionStage<?> acceptAsync(Connection connection) {
        if (!actor.post(() -> actor.connected(connection, false))) {
            connection.close(GossipCloseCodes.NORMAL, GossipCloseCodes.REASON_SHUTDOWN);
            return CompletableFuture.completedFuture(null);
        }
        return connection.closed();
    }

    /** Called by the router before it closes the endpoint: leaves every topic gracefully (bounded wait). */
    @Override
    public void shutdown() {
        close();
    }

    /**
     * Leaves every topic (a Disconnect to each neighbor), lets every connection flush, finish and close, and
     * stops the gossip thread; connections still open after {@link Builder#shutdownGrace} are closed. The future
     * completes when all that is done: with true if every connection ended cleanly in time (the peers acknowledged
     * everything we sent), false if some had to be cut. Idempotent.
     */
    public CompletableFuture<Boolean> shutdownAsync() {
        return actor.shutdown(settings.shutdownGrace().toNanos());
    }

    /** {@link #shutdownAsync()} and wait for it (at most the grace period plus a second). */
    @Override
    public void close() {
        try {
            shutdownAsync().get(settings.shutdownGrace().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // shut down as far as we could
        }
    }

    @Override
    public String toString() {
        return "Gossip[" + endpoint.id().fmtShort() + "]";
    }

    // ================================================================================================

    /** Settings for {@link #spawn}; the defaults follow iroh-gossip. */
    public static final class Builder {
        private GossipConfig config = GossipConfig.DEFAULT;
        private List<String> dialAlpns = ALPNS;
        private List<String> acceptAlpns = ALPNS;
        private int subscriberCapacity = 2048;
        private int maxPendingCommands = 1024;
        private long maxQueuedBytes = 8L << 20;
        private int maxQueuedMessages = 16_384;
        private int maxHeldBroadcasts = 1024;
        private int addressBookSize = 4096;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration linger = Duration.ofSeconds(10);
        private Duration shutdownGrace = Duration.ofSeconds(3);
        private Long seed;

        private Builder() {
        }

        /** HyParView and PlumTree parameters and the max message size (default: iroh's, 4096-byte messages). */
        public Builder config(GossipConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Frames may be up to this size (default 4096, iroh's default; the whole swarm should agree). */
        public Builder maxMessageSize(int bytes) {
            this.config = config.withMaxMessageSize(bytes);
            return this;
        }

        /**
         * Which versions to offer when dialing, most preferred first (default {@code /1}, {@code /0}); e.g. only
         * {@link GossipWire#ALPN_V0} to speak the 0.35 wire to peers that serve both.
         */
        public Builder dialAlpns(String... alpns) {
            this.dialAlpns = checkAlpns(List.of(alpns));
            return this;
        }

        /** Which versions to serve (default both); {@link #registerWith} registers these. */
        public Builder acceptAlpns(String... alpns) {
            this.acceptAlpns = checkAlpns(List.of(alpns));
            return this;
        }

        private static List<String> checkAlpns(List<String> alpns) {
            if (alpns.isEmpty()) {
                throw new IllegalArgumentException("at least one gossip ALPN is needed");
            }
            for (String a : alpns) {
                if (!ALPNS.contains(a)) {
                    throw new IllegalArgumentException("not a gossip ALPN: '" + a + "' (expected one of " + ALPNS + ")");
                }
            }
            return List.copyOf(alpns);
        }

        /**
         * Events each subscription can hold before it lags (default 2048, iroh's); one slot is kept for the
         * {@link GossipEvent.Lagged} marker.
         */
        public Builder subscriberCapacity(int events) {
            if (events < 2) {
                throw new IllegalArgumentException("subscriberCapacity must be at least 2, got " + events);
            }
            this.subscriberCapacity = events;
            return this;
        }

        /** Application commands (broadcasts, joins) that may wait for the gossip thread before callers block. */
        public Builder maxPendingCommands(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxPendingCommands must be at least 1, got " + n);
            }
            this.maxPendingCommands = n;
            return this;
        }

        /**
         * Per peer: bytes that may wait for a dial or for the peer to read (default 8 MiB, on top of QUIC's own
         * send buffer). A connection whose queue overflows is closed ({@link GossipCloseCodes#SEND_QUEUE_OVERFLOW});
         * while dialing, further messages are dropped.
         */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 64 * 1024) {
                throw new IllegalArgumentException("maxQueuedBytes must be at least 64 KiB, got " + bytes);
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /** Per dialing peer: messages that may wait for the connection (default 16384). */
        public Builder maxQueuedMessages(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxQueuedMessages must be at least 1, got " + n);
            }
            this.maxQueuedMessages = n;
            return this;
        }

        /**
         * Per topic: broadcasts kept while the topic has no neighbor (before joining, or while every neighbor is
         * being replaced), sent when the first neighbor is up; beyond this many (or {@link #maxQueuedBytes}) the
         * oldest are dropped. Default 1024; 0 drops them at once, as iroh does.
         */
        public Builder maxHeldBroadcasts(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxHeldBroadcasts must not be negative, got " + n);
            }
            this.maxHeldBroadcasts = n;
            return this;
        }

        /** Peers whose addresses we remember, least recently used dropped first (default 4096). */
        public Builder addressBookSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("addressBookSize must be at least 1, got " + n);
            }
            this.addressBookSize = n;
            return this;
        }

        /** How long a dial may take (default 10 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connectTimeout");
            return this;
        }

        /**
         * How long a connection we stopped sending on waits for the peer to finish its side before we close it
         * anyway (default 10 s).
         */
        public Builder linger(Duration d) {
            this.linger = positive(d, "linger");
            return this;
        }

        /** How long {@link Gossip#close()} lets connections flush and finish (default 3 s). */
        public Builder shutdownGrace(Duration d) {
            this.shutdownGrace = positive(d, "shutdownGrace");
            return this;
        }

        /** Seeds the protocol's randomness (tests); default a random seed. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }

        /** Starts the gossip thread on {@code endpoint}. Register the result with the endpoint's router. */
        public Gossip spawn(Endpoint endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            long s = seed != null ? seed : new SecureRandom().nextLong();
            Settings settings = new Settings(config, dialAlpns, acceptAlpns, subscriberCapacity, maxPendingCommands,
                    maxQueuedBytes, maxQueuedMessages, maxHeldBroadcasts, addressBookSize, connectTimeout, linger.toNanos(), shutdownGrace);
            return new Gossip(endpoint, settings, s);
        }
    }
}
