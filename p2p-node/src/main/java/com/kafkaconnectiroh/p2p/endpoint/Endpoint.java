package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.EndpointTicket;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SecretKeyStore;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.HalfOpenStats;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.tls.X509Trust;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iroh-compatible endpoint: one UDP socket, one Ed25519 identity ({@link #id()}), QUIC connections to and
 * from other endpoints authenticated by their ids (TLS 1.3 with raw public keys, as iroh 0.35 and 1.x).
 *
 * <pre>{@code
 * try (Endpoint ep = Endpoint.builder().secretKey(key).alpns("my/proto/1").bind()) {
 *     Connection conn = ep.connect(peerAddr, "my/proto/1");
 *     BiStream s = conn.openBi();
 *     s.send().writeAll("hello".getBytes());
 *     s.send().finish();
 *     byte[] reply = s.recv().readToEnd(1 << 20);
 *     conn.close(0, "done");
 * }
 * }</pre>
 *
 * <p>Serving: {@link Router} dispatches accepted connections to a {@link ProtocolHandler} per ALPN; or call
 * {@link #accept()} yourself. The server side accepts only the ALPNs set with {@link Builder#alpns} (or by a
 * Router); a peer asking for another is refused during the handshake with TLS {@code no_application_protocol}.
 *
 * <p>Paths: direct UDP, and through iroh 1.x relays ({@link Builder#relayUrls}, {@link RelayMode}; see
 * {@code docs/relay.md}, "Relay client"). A peer is reached at the direct addresses in its {@link EndpointAddr}, or
 * through its relay. No discovery. iroh 0.35 nodes are reached too, directly (see {@code docs/endpoint.md}, "0.35
 * compatibility").
 *
 * <p>Threading: one event-loop thread per endpoint does all I/O and protocol work; every public method is
 * thread-safe and may be called from any thread except that loop (blocking calls there throw).
 */
public final class Endpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
    /** How the driver reaches the kernel. AUTO: epoll with UDP GSO/GRO on Linux when available, else NIO. */
    public enum Transport {
        AUTO,
        /** epoll, GSO/GRO when the kernel has them; fails to bind if epoll is unavailable. */
        EPOLL,
        /** epoll without GSO/GRO: one write per datagram, recvmmsg batches. */
        EPOLL_NO_GSO,
        /** Java NIO: portable, one syscall per datagram. */
        NIO
    }

    private final SecretKey secretKey;
    private final EndpointId id;
    private final Driver driver;
    private final Duration operationTimeout;
    private final Duration connectTimeout;
    private volatile List<String> alpns;
    private final Predicate<EndpointId> peerFilter;
    private final AddressLookup addressLookup;
    private final RelayMode relayMode;
    private volatile boolean closed;

    private Endpoint(Builder b, SecretKey key) throws IOException {
        this.secretKey = key;
        this.id = key.publicKey();
        this.operationTimeout = b.operationTimeout;
        this.connectTimeout = b.connectTimeout;
        this.alpns = List.copyOf(b.alpns);
        this.peerFilter = b.peerFilter;
        this.addressLookup = b.addressLookup;
        this.relayMode = b.relayMode;
        this.driver = new Driver(this, key, withMultipath(b.transportConfig, b.multipath), withResetKey(b.endpointConfig, key), alpns, b.bindAddr,
                b.transport, new RelaySettings(b.relayMode, b.relayMode == RelayMode.DISABLED ? List.of() : b.relayUrls,
                        b.relayTrust, b.relayHousekeeping));
        if (!b.qadTargets.isEmpty()) {
            // in the background: bind does not wait for servers that may be slow or gone
            discoverAddressesAsync(b.qadTargets, b.qadTrust, QAD_AT_BIND_TIMEOUT);
        } else if (b.relayAddressDiscovery && b.relayMode == RelayMode.DEFAULT) {
            discoverAddressesFromRelays(b.relayUrls, b.relayQadPort, b.qadTrust);
        }
    }

    /**
     * What iroh's net report does at start: QUIC address discovery against each {@code https} relay's QAD port (the
     * relay's host name is what its certificate names; a plain {@code http} relay has no certificate to check, so it
     * is not asked). Host names resolve on a thread of their own, so neither bind nor the event loop waits for DNS.
     */
    private void discoverAddressesFromRelays(List<RelayUrl> relays, int port, X509Trust trust) {
        List<RelayUrl> https = relays.stream().filter(RelayUrl::isHttps).toList();
        if (https.isEmpty()) {
            return;
        }
        Thread t = new Thread(() -> {
            List<QadTarget> targets = new ArrayList<>();
            for (RelayUrl r : https) {
                try {
                    targets.addAll(QadTarget.forRelay(r, port));
                } catch (UnknownHostException e) {
                    LOG.debug("QUIC address discovery: relay host {} does not resolve", r.host());
                }
            }
            if (!targets.isEmpty() && !closed) {
                discoverAddressesAsync(targets, trust == null ? X509Trust.jdkDefault() : trust, QAD_AT_BIND_TIMEOUT);
            }
        }, "p2p-qad-resolve");
        t.setDaemon(true);
        t.start();
    }

    /** What the driver needs to set up relays. */
    record RelaySettings(RelayMode mode, List<RelayUrl> urls, TrustManagerFactory trust,
                         RelayTransport.Housekeeping housekeeping) {
    }

    /** How long the discovery round started at bind waits for its servers. */
    static final Duration QAD_AT_BIND_TIMEOUT = Duration.ofSeconds(5);

    public static Builder builder() {
        return new Builder();
    }

    // ================================================================================================
    // Identity and addresses

    /** Our endpoint id (the Ed25519 public key). */
    public EndpointId id() {
        return id;
    }

    public SecretKey secretKey() {
        return secretKey;
    }

    /**
     * Stateless reset tokens derived from the endpoint's secret key unless the caller set a reset secret: a node
     * restarted with the same key (a connector task after a worker crash or rebalance) answers packets of its
     * previous life with a reset peers accept, so they drop the dead connection at once instead of sending into
     * it until their idle timeout (iroh's downloader and gossip reuse open connections, and would wait there).
     */
    static EndpointConfig withResetKey(EndpointConfig config, SecretKey key) {
        if (config.statelessResetKey() != null) {
            return config;
        }
        Blake3 h = Blake3.newDeriveKeyHasher(RESET_KEY_CONTEXT);
        h.update(key.toBytes());
        return config.copy().statelessResetKey(h.digest());
    }

    /** BLAKE3 derive_key context for the reset secret: fixed forever (changing it breaks resets across upgrades). */
    static final String RESET_KEY_CONTEXT = "kafka-connect-iroh 2026-12-06 QUIC stateless reset secret v1";

    /** The address the socket is bound to (the port is the real one, also when binding port 0). */
    public InetSocketAddress boundAddress() {
        return driver.localAddress();
    }

    /**
     * Our id, our home relay once chosen ({@link #homeRelay()}) and the direct addresses peers can use: the bound
     * address, or, if bound to a wildcard, every address of every up interface the socket serves (a wildcard socket
     * is dual-stack where IPv6 exists: IPv4 and IPv6 addresses; loopback included, IPv6 link-local excluded), each
     * with the bound port; and the public addresses QUIC address discovery learnt ({@link #publicAddresses()}), as
     * iroh adds its QAD addresses. {@link RelayMode#RELAY_ONLY}: no direct addresses.
     */
    public EndpointAddr addr() {
        if (relayMode == RelayMode.RELAY_ONLY) {
            return EndpointAddr.of(id, homeRelay().orElse(null), List.of());
        }
        Set<InetSocketAddress> direct = new LinkedHashSet<>(directAddresses());
        direct.addAll(publicAddresses());
        return EndpointAddr.of(id, homeRelay().orElse(null), direct);
    }

    /** How this endpoint uses relays. */
    public RelayMode relayMode() {
        return relayMode;
    }

    /**
     * The home relay: the configured relay ({@link Builder#relayUrls}) this endpoint keeps connected and peers reach
     * it through; with several configured, the fastest to answer a probe, empty until the probes are done (at most
     * a few seconds). Empty without relays.
     */
    public Optional<RelayUrl> homeRelay() {
        RelayTransport r = driver.relay();
        return r == null ? Optional.empty() : Optional.ofNullable(r.home());
    }

    /**
     * Waits until the home relay is connected (iroh's {@code Endpoint::online}): from then on peers that have only our
     * id and relay URL reach us. False if it did not happen within {@code timeout}, or there is no home relay.
     */
    public boolean online(Duration timeout) throws InterruptedException {
        RelayTransport r = driver.relay();
        if (r == null || !r.hasHomeRelays()) {
            return false;
        }
        try {
            r.online().get(Waits.nanos(timeout), TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** Whether the connection to the home relay is up now (false without a home relay). */
    public boolean isHomeRelayConnected() {
        RelayTransport r = driver.relay();
        return r != null && r.homeConnected();
    }

    /** The relays this endpoint has connections to and their state (home first), for diagnostics. */
    public List<String> relays() {
        CompletableFuture<List<String>> f = new CompletableFuture<>();
        if (!driver.submit(() -> f.complete(driver.relay() == null ? List.of() : driver.relay().describe()))) {
            return List.of();
        }
        return f.join();
    }

    /** {@link #addr()} as an iroh 1.x endpoint ticket ({@code endpoint...}). */
    public EndpointTicket ticket() {
        return new EndpointTicket(addr());
    }

    List<InetSocketAddress> directAddresses() {
        InetSocketAddress bound = boundAddress();
        InetAddress ip = bound.getAddress();
        if (!ip.isAnyLocalAddress()) {
            return List.of(bound);
        }
        boolean v6 = ip instanceof Inet6Address;
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a.isLinkLocalAddress() || a.isMulticastAddress()) {
                        continue;
                    }
                    if (a instanceof Inet4Address || (v6 && a instanceof Inet6Address)) {
                        out.add(new InetSocketAddress(a, bound.getPort()));
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to loopback
        }
        if (out.isEmpty()) {
            out.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), bound.getPort()));
        }
        return new ArrayList<>(out);
    }

    /** Where dials look up addresses by id (see {@link Builder#addressLookup}), if anywhere. */
    public Optional<AddressLookup> addressLookup() {
        return Optional.ofNullable(addressLookup);
    }

    /** The ALPNs the server side accepts. */
    public List<String> alpns() {
        return alpns;
    }

    /** Replaces the ALPNs accepted from now on (connections in progress keep what they negotiated). */
    public void setAlpns(List<String> alpns) {
        List<String> copy = List.copyOf(alpns);
        this.alpns = copy;
        driver.setAlpns(copy);
    }

    /** Which I/O path the driver uses, e.g. {@code epoll+gso+gro} or {@code nio}. */
    public String ioMode() {
        return driver.mode.toString();
    }

    /** An incoming connection that ended before its handshake completed. */
    public record HandshakeFailure(InetSocketAddress from, ConnectionClose reason) {
    }

    /**
     * The last (up to 16) incoming connections whose handshake failed, oldest first: e.g. a peer that asked for
     * an ALPN we do not serve (we answered with TLS alert 120, no_application_protocol), for diagnostics.
     */
    public List<HandshakeFailure> recentHandshakeFailures() {
        CompletableFuture<List<HandshakeFailure>> f = new CompletableFuture<>();
        if (!driver.submit(() -> f.complete(driver.recentIncomingFailures()))) {
            return List.of();
        }
        return f.join();
    }

    /** Disco (iroh 0.35 path) counters. */
    public DiscoStats discoStats() {
        CompletableFuture<DiscoStats> f = new CompletableFuture<>();
        if (!driver.submit(() -> f.complete(driver.discoStats()))) {
            return new DiscoStats(0, 0, 0, 0, 0, 0);
        }
        return f.join();
    }

    /**
     * Incoming handshakes in progress: how many, what they hold, whether new clients must answer a Retry, and
     * what the limits turned away (see {@code docs/endpoint.md}, "Handshake floods").
     */
    public HalfOpenStats halfOpenStats() {
        CompletableFuture<HalfOpenStats> f = new CompletableFuture<>();
        if (!driver.submit(() -> f.complete(driver.halfOpenStats()))) {
            return HalfOpenStats.NONE; // closed
        }
        return f.join();
    }

    /**
     * Open connections by whether they go direct or through a relay now, and bytes by path type since the endpoint
     * started (connectors report these as metrics; per connection see {@link Connection#paths()}).
     */
    public PathTotals pathTotals() {
        CompletableFuture<PathTotals> f = new CompletableFuture<>();
        if (!driver.submit(() -> f.complete(driver.pathTotals()))) {
            return PathTotals.NONE;
        }
        return f.join();
    }

    /** I/O and disco counters, for diagnostics. */
    public String ioStats() {
        CompletableFuture<String> f = new CompletableFuture<>();
        if (!driver.submit(() -> f.complete(driver.ioStats()))) {
            return "closed";
        }
        return f.join();
    }

    // ================================================================================================
    // Connecting and accepting

    /**
     * Connects to {@code addr} for {@code alpn}, blocking until the handshake completes or the connect timeout
     * passes. The peer must prove it holds {@code addr.id()}.
     *
     * @throws ConnectionLostException the handshake failed (e.g. the peer has another id, or refused the ALPN)
     *                                 or timed out; {@link ConnectionLostException#close()} says which
     */
    public Connection connect(EndpointAddr addr, String alpn) throws IOException {
        return connect(addr, alpn, connectTimeout);
    }

    public Connection connect(EndpointAddr addr, String alpn, Duration timeout) throws IOException {
        CompletableFuture<Connection> f = connectAsync(addr, alpn, timeout);
        return Waits.await(driver, f, awaitNanos(timeout), "connect to " + addr.id().fmtShort(),
                () -> { });
    }

    public CompletableFuture<Connection> connectAsync(EndpointAddr addr, String alpn) {
        return connectAsync(addr, alpn, connectTimeout);
    }

    public CompletableFuture<Connection> connectAsync(EndpointAddr addr, String alpn, Duration timeout) {
        Objects.requireNonNull(alpn, "alpn");
        return connectAsync(addr, List.of(alpn), timeout);
    }

    /**
     * Connects offering several ALPNs, most preferred first; {@link Connection#alpn()} tells which one the peer
     * chose (a protocol with versions offers its newest first, as iroh-gossip does with {@code /1} and {@code /0}).
     */
    public Connection connect(EndpointAddr addr, List<String> alpns, Duration timeout) throws IOException {
        CompletableFuture<Connection> f = connectAsync(addr, alpns, timeout);
        return Waits.await(driver, f, awaitNanos(timeout), "connect to " + addr.id().fmtShort(),
                () -> { });
    }

    public CompletableFuture<Connection> connectAsync(EndpointAddr addr, List<String> alpns, Duration timeout) {
        CompletableFuture<Connection> direct = dialAsync(addr, alpns, timeout);
        if (addressLookup == null) {
            return direct;
        }
        // A dial still going after DISCOVERY_WAIT may be stuck on addresses the peer left (a remembered one, an old
        // ticket): as iroh 0.35's connect (endpoint.rs DISCOVERY_WAIT_PERIOD), ask the lookup meanwhile and race what
        // it finds beside the dial's own candidates. If the dial fails anyway, that same answer serves the retry below
        // (no second wait for the lookup), and addresses the dial already raced are not dialed again.
        AtomicReference<CompletableFuture<Optional<EndpointAddr>>> early = new AtomicReference<>();
        AtomicBoolean raced = new AtomicBoolean();
        if (!direct.isDone()) {
            driver.submit(() -> driver.schedule(() -> {
                if (direct.isDone()) {
                    return;
                }
                CompletableFuture<Optional<EndpointAddr>> lookup;
                try {
                    lookup = addressLookup.resolve(addr.id())
                            .orTimeout(addressLookup.maxWait().toMillis(), TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    return; // e.g. discovery closed: the dial goes on alone, and a failure still asks after it
                }
                early.set(lookup);
                lookup.thenAccept(found -> found.ifPresent(f -> driver.submit(() -> {
                    // on the loop, as the dial's end: either the running dial takes them, or the retry dials them
                    if (driver.dialer().addCandidates(direct, withFound(addr, f))) {
                        raced.set(true);
                    }
                })));
            }, DISCOVERY_WAIT_NANOS));
        }
        // Discovery (docs/discovery.md): a dial with no usable address, or whose given addresses did not answer,
        // asks the address lookup for the peer's current addresses and dials those. The first dial fails at once
        // when it has nothing to try, so a bare id costs one lookup; a dial that works costs none.
        return direct.handle((conn, err) -> {
            if (err == null) {
                return CompletableFuture.completedFuture(conn);
            }
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (!worthLookingUp(addr, cause)) {
                return CompletableFuture.<Connection>failedFuture(cause);
            }
            CompletableFuture<Optional<EndpointAddr>> asked = early.get();
            CompletableFuture<Optional<EndpointAddr>> lookup;
            try {
                lookup = asked != null ? asked : addressLookup.resolve(addr.id())
                        .orTimeout(addressLookup.maxWait().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                lookup = CompletableFuture.failedFuture(e);
            }
            return lookup
                    .handle((found, lookupErr) -> {
                        if (raced.get()) {
                            String reason = "address lookup (" + addressLookup.name() + ") found "
                                    + found.map(f -> f.ipAddrs().toString()).orElse("nothing")
                                    + ", raced beside the given addresses";
                            return CompletableFuture.<Connection>failedFuture(withReason(cause, reason));
                        }
                        EndpointAddr merged = found == null ? null : found.map(f -> withFound(addr, f)).orElse(null);
                        if (merged == null || (merged.ipAddrs().equals(addr.ipAddrs())
                                && merged.relayUrls().equals(addr.relayUrls()))) {
                            Throwable why = lookupErr instanceof CompletionException && lookupErr.getCause() != null
                                    ? lookupErr.getCause() : lookupErr;
                            String reason = why != null ? "address lookup (" + addressLookup.name() + ") failed: "
                                    + (why instanceof java.util.concurrent.TimeoutException
                                    ? "no answer within " + addressLookup.maxWait().toMillis() + " ms" : why.getMessage())
                                    : "address lookup (" + addressLookup.name() + ") found "
                                    + (merged == null ? "nothing" : "no new address");
                            return CompletableFuture.<Connection>failedFuture(withReason(cause, reason));
                        }
                        return dialAsync(merged, alpns, timeout);
                    }).thenCompose(f -> f);
        }).thenCompose(f -> f);
    }

    /** How long a dial runs on its own addresses before an address lookup is asked too (iroh 0.35's 500 ms). */
    static final long DISCOVERY_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /**
     * How long a blocking connect waits for {@link #connectAsync}: the loop enforces the dial's timeout itself (the
     * extra second covers a busy loop); with an address lookup a dial may be followed by a lookup and a second dial.
     */
    private long awaitNanos(Duration timeout) {
        Duration wait = timeout.plusSeconds(1);
        if (addressLookup != null) {
            wait = wait.plus(timeout).plus(addressLookup.maxWait());
        }
        return Waits.nanos(wait);
    }

    /** A failed dial is worth a lookup unless it failed for a reason no other address changes. */
    private static boolean worthLookingUp(EndpointAddr addr, Throwable cause) {
        if (cause instanceof PeerNotAllowedException || cause instanceof EndpointClosedException
                || cause instanceof IllegalArgumentException) {
            return false;
        }
        if (cause instanceof ConnectionLostException lost) {
            // the peer answered and refused (ALPN, another id): elsewhere it would refuse too
            return lost.close().kind() == ConnectionClose.Kind.CONNECT_TIMEOUT;
        }
        return addr.ipAddrs().isEmpty() || cause instanceof IOException;
    }

    private static EndpointAddr withFound(EndpointAddr given, EndpointAddr found) {
        EndpointAddr.Builder b = found.toBuilder();
        given.relayUrls().forEach(b::relayUrl);
        return b.build();
    }

    private static Throwable withReason(Throwable cause, String why) {
        if (cause instanceof ConnectionLostException lost) {
            ConnectionLostException e = new ConnectionLostException(lost.getMessage() + "; " + why, lost.close());
            e.initCause(lost);
            return e;
        }
        return new IOException(cause.getMessage() + "; " + why, cause);
    }

    private CompletableFuture<Connection> dialAsync(EndpointAddr addr, List<String> alpns, Duration timeout) {
        Objects.requireNonNull(addr, "addr");
        Objects.requireNonNull(alpns, "alpns");
        if (alpns.isEmpty()) {
            throw new IllegalArgumentException("at least one ALPN must be offered");
        }
        for (String alpn : alpns) {
            if (alpn == null || alpn.isEmpty() || alpn.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("ALPN must be 1..255 bytes, got '" + alpn + "'");
            }
        }
        List<String> offered = List.copyOf(alpns);
        if (addr.id().equals(id)) {
            throw new IllegalArgumentException("cannot connect to ourselves (" + id.fmtShort() + ")");
        }
        CompletableFuture<Connection> f = new CompletableFuture<>();
        if (!allows(addr.id())) {
            f.completeExceptionally(new PeerNotAllowedException(addr.id()));
            return f;
        }
        long nanos = Waits.nanos(timeout);
        if (!driver.submit(() -> driver.connect(addr, offered, nanos == Long.MAX_VALUE ? TimeUnit.DAYS.toNanos(1) : nanos, f))) {
            f.completeExceptionally(driver.closedException());
        }
        return f;
    }

    /**
     * Waits for the next incoming connection whose handshake completed, or returns null once the endpoint is
     * closed. Do not mix with a {@link Router}, which accepts on its own.
     */
    public Connection accept() throws IOException {
        CompletableFuture<Connection> f = acceptAsync();
        try {
            return Waits.await(driver, f, Long.MAX_VALUE, "accept", () -> driver.cancelAccept(f));
        } catch (EndpointClosedException e) {
            return null;
        }
    }

    /** Like {@link #accept()}; null on timeout. */
    public Connection accept(Duration timeout) throws IOException {
        CompletableFuture<Connection> f = acceptAsync();
        try {
            return Waits.await(driver, f, Waits.nanos(timeout), "accept", () -> driver.cancelAccept(f));
        } catch (EndpointClosedException e) {
            return null;
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
    }

    public CompletableFuture<Connection> acceptAsync() {
        CompletableFuture<Connection> f = new CompletableFuture<>();
        if (!driver.submit(() -> driver.accept(f))) {
            f.completeExceptionally(driver.closedException());
        }
        return f;
    }

    // ================================================================================================
    // Closing

    /**
     * Closes every connection (code 0, "endpoint closing"), waits briefly until the CONNECTION_CLOSE datagrams
     * reached the socket, then releases the socket and the thread. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<Void> f = driver.shutdown(TimeUnit.MILLISECONDS.toNanos(500));
        if (driver.inLoop()) {
            return;
        }
        try {
            f.get(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // closed as far as we could
        }
    }

    /** Whether {@link #close()} was called or the endpoint failed ({@link #failure()}). */
    public boolean isClosed() {
        return closed || driver.failure() != null;
    }

    /**
     * Completes once the endpoint is closed: normally after {@link #close()}, exceptionally with the cause if it
     * failed on its own (an {@link Error} such as {@link OutOfMemoryError} on its event loop, or a bug there). A
     * failed endpoint has closed its socket, and every connection and call on it fails with {@code endpoint failed:
     * <cause>}; an application should treat it as fatal for this endpoint (log it, make a new one or exit).
     * Completes on the loop thread: do not block in dependent actions.
     */
    public CompletableFuture<Void> closed() {
        return driver.terminated().copy();
    }

    /** What made the endpoint fail on its own, or null. */
    public Throwable failure() {
        return driver.failure();
    }

    Duration operationTimeout() {
        return operationTimeout;
    }

    Driver driver() {
        return driver;
    }

    @Override
    public String toString() {
        return "Endpoint[" + id.fmtShort() + " " + boundAddress() + "]";
    }

    // ================================================================================================

    // ================================================================================================
    // QUIC address discovery (docs/relay.md, "QUIC address discovery")

    /**
     * Probes QUIC address discovery servers (relays' QAD ports, {@link QadTarget#resolve}) from this endpoint's own
     * socket and learns our public address(es) and the NAT's mapping behaviour. Waits for every target to report
     * or fail, at most {@code timeout}; the first server per address family stays connected (its keep-alive holds
     * the NAT mapping and a rebinding is reported), the others are closed with code 1 "finished". Results also
     * land in {@link #publicAddresses()} and {@link #natMapping()}.
     *
     * @param trust which certificates the servers may present ({@link X509Trust#jdkDefault()} for public relays)
     */
    public CompletableFuture<QadReport> discoverAddressesAsync(List<QadTarget> targets, X509Trust trust,
                                                               Duration timeout) {
        Objects.requireNonNull(trust, "trust");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("discovery timeout must be positive, got " + timeout);
        }
        CompletableFuture<QadReport> f = new CompletableFuture<>();
        long nanos = timeout.toNanos();
        if (!driver.submit(() -> driver.addressDiscovery.probe(List.copyOf(targets), trust, nanos, f))) {
            f.completeExceptionally(driver.closedException());
        }
        return f;
    }

    /** {@link #discoverAddressesAsync}, waiting for the report. */
    public QadReport discoverAddresses(List<QadTarget> targets, X509Trust trust, Duration timeout) throws IOException {
        CompletableFuture<QadReport> f = discoverAddressesAsync(targets, trust, timeout);
        // the round ends itself at the timeout; the margin only covers a loop too busy to say so
        return Waits.await(driver, f, timeout.toNanos() + TimeUnit.SECONDS.toNanos(5), "discoverAddresses", () -> {
        });
    }

    /**
     * Our public addresses as QUIC address discovery servers saw them (IPv4 first, at most one per family; empty
     * before any report). Behind a NAT this is the mapping of our data socket, the address to tell peers.
     */
    public List<InetSocketAddress> publicAddresses() {
        return driver.addressDiscovery.publicAddresses();
    }

    /** The NAT mapping verdict of the last discovery round that had a report ({@link NatMapping#UNKNOWN} before). */
    public NatMapping natMapping() {
        return driver.addressDiscovery.mapping();
    }

        /** Whether the peer filter lets us talk to {@code peer} (see {@link Builder#peerFilter}). */
    public boolean allows(EndpointId peer) {
        return peerFilter.test(peer);
    }

    /**
     * {@code config} offering QUIC multipath and n0's NAT traversal with iroh's limits (paths 0..7, 32 candidates)
     * when {@code on} and the config does not set them itself; unchanged otherwise.
     */
    static TransportConfig withMultipath(TransportConfig config, boolean on) {
        if (!on || config.maxPathId() >= 0) {
            return config;
        }
        return config.copy().maxPathId(MULTIPATH_MAX_PATH_ID).natTraversalAddresses(NAT_TRAVERSAL_ADDRESSES);
    }

    /** iroh 1.x's {@code max_concurrent_multipath_paths} less one, and its NAT traversal candidate limit. */
    static final int MULTIPATH_MAX_PATH_ID = 7;
    static final int NAT_TRAVERSAL_ADDRESSES = 32;

    /** Whether {@link Builder#multipath} is on unless set: on, as iroh 1.x always offers it. */
    static final boolean MULTIPATH_DEFAULT = true;

    /** Settings for {@link Endpoint#bind()}. */
    public static final class Builder {
        private SecretKey secretKey;
        private Path dataDir;
        private InetSocketAddress bindAddr = new InetSocketAddress("0.0.0.0", 0);
        private final List<String> alpns = new ArrayList<>();
        private TransportConfig transportConfig = new TransportConfig();
        private EndpointConfig endpointConfig = new EndpointConfig();
        private Duration operationTimeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Transport transport = Transport.AUTO;
        private Predicate<EndpointId> peerFilter = peer -> true;
        private List<QadTarget> qadTargets = List.of();
        private boolean relayAddressDiscovery = true;
        private int relayQadPort;
        private X509Trust qadTrust;
        private AddressLookup addressLookup;
        private RelayMode relayMode = RelayMode.DEFAULT;
        private List<RelayUrl> relayUrls = List.of();
        private TrustManagerFactory relayTrust;
        private RelayTransport.Housekeeping relayHousekeeping = RelayTransport.Housekeeping.DEFAULT;
        private boolean multipath = MULTIPATH_DEFAULT;

        private Builder() {
        }

        /**
         * Where a dial finds a peer's addresses by its id (default: nowhere): asked when a dial has no usable
         * address, or none of its addresses answered, and the dial is then made to what it found (see
         * {@code docs/discovery.md}). The endpoint does not close it; whoever built it does.
         */
        public Builder addressLookup(AddressLookup lookup) {
            this.addressLookup = lookup;
            return this;
        }

        /**
         * The relays to choose a home relay from (default none): the endpoint keeps a connection to the fastest and
         * advertises it in {@link Endpoint#addr()}, so peers with just our id and that URL reach us. Relays of peers
         * are dialed whether or not any is set here (see {@link RelayMode#DEFAULT}).
         */
        public Builder relayUrls(List<RelayUrl> urls) {
            this.relayUrls = List.copyOf(new LinkedHashSet<>(urls));
            return this;
        }

        public Builder relayUrls(RelayUrl... urls) {
            return relayUrls(List.of(urls));
        }

        /** Whether and how relays are used (default {@link RelayMode#DEFAULT}). */
        public Builder relayMode(RelayMode mode) {
            this.relayMode = Objects.requireNonNull(mode);
            return this;
        }

        /** Tests: how often relays are checked and how long the home relay may be down before another is chosen. */
        Builder relayHousekeeping(Duration interval, Duration homeDown) {
            this.relayHousekeeping = new RelayTransport.Housekeeping(interval.toNanos(), homeDown.toNanos());
            return this;
        }

        /** Trust for {@code https} relays (default: the JDK's trust store); e.g. a test CA. */
        public Builder relayTrust(TrustManagerFactory trust) {
            this.relayTrust = trust;
            return this;
        }

        /**
         * Which peers this endpoint talks to (default: all). Dials to other ids fail at once with
         * {@link PeerNotAllowedException}; incoming connections from them are closed with
         * {@link PeerNotAllowedException#CLOSE_CODE} right after the handshake authenticated the peer, before any
         * protocol sees them. The test runs on the endpoint's event loop: keep it cheap and non-blocking.
         */
        public Builder peerFilter(Predicate<EndpointId> filter) {
            this.peerFilter = Objects.requireNonNull(filter);
            return this;
        }

        /**
         * QUIC address discovery servers (e.g. the relays', {@link QadTarget#forRelay}) to probe right after binding,
         * in the background; {@link Endpoint#publicAddresses()} and {@link Endpoint#natMapping()} fill in when they
         * answer. Default none. Later rounds: {@link Endpoint#discoverAddresses}.
         */
        public Builder addressDiscovery(List<QadTarget> targets, X509Trust trust) {
            this.qadTargets = List.copyOf(targets);
            this.qadTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * Whether an endpoint with relays (mode {@link RelayMode#DEFAULT}) and no {@link #addressDiscovery} targets
         * probes its {@code https} relays' QUIC address discovery ports right after binding, as iroh does (default
         * on): the public address it learns goes into {@link Endpoint#addr()} and tickets.
         */
        public Builder relayAddressDiscovery(boolean on) {
            this.relayAddressDiscovery = on;
            return this;
        }

        /**
         * Which certificates relays' QUIC address discovery servers may present (default: the JDK's trust store;
         * set it with a private relay's CA, as {@link #relayTrust} for its HTTPS).
         */
        public Builder relayAddressDiscoveryTrust(X509Trust trust) {
            this.qadTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * The UDP port of the relays' QUIC address discovery servers (default iroh's 7842,
         * {@link QadTarget#DEFAULT_PORT}; {@code p2p-node relay --qad-port} sets a self-hosted relay's).
         */
        public Builder relayAddressDiscoveryPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("QUIC address discovery port must be 1-65535, got " + port);
            }
            this.relayQadPort = port;
            return this;
        }

        /** The identity; default: loaded from (or created in) {@link #dataDir}, else a fresh random key. */
        public Builder secretKey(SecretKey key) {
            this.secretKey = key;
            return this;
        }

        /** A directory holding {@code secret_key} (created with a new key if missing); see SecretKeyStore. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Where to bind the UDP socket; default {@code 0.0.0.0:0} (every interface, dual-stack where possible; a free port). */
        public Builder bindAddr(InetSocketAddress addr) {
            this.bindAddr = Objects.requireNonNull(addr);
            return this;
        }

        /** ALPNs accepted from peers that connect to us (a {@link Router} sets its own). */
        public Builder alpns(String... alpns) {
            this.alpns.clear();
            this.alpns.addAll(List.of(alpns));
            return this;
        }

        public Builder alpns(List<String> alpns) {
            this.alpns.clear();
            this.alpns.addAll(alpns);
            return this;
        }

        /** QUIC settings (idle timeout, windows, buffers, congestion control); defaults follow iroh. */
        public Builder transportConfig(TransportConfig config) {
            this.transportConfig = config.copy();
            return this;
        }

        /**
         * Limits on incoming connections and handshakes in progress (byte budget, Retry under load, per-source
         * share, handshake timeouts); the defaults bound a handshake flood to 16 MiB.
         */
        public Builder endpointConfig(EndpointConfig config) {
            this.endpointConfig = Objects.requireNonNull(config);
            return this;
        }

        /** How long plain blocking stream and connection calls wait (default 60 s); zero waits forever. */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** How long {@link Endpoint#connect(EndpointAddr, String)} waits for the handshake (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /**
         * Whether connections offer QUIC multipath and n0's NAT traversal (iroh 1.x does), so a connection that
         * starts on a relay path moves to a direct one once hole punching finds it, and back to the relay when the
         * direct one dies (docs/relay.md, "Direct-path upgrade"). Peers that do not offer them get plain QUIC on one
         * path. A {@link #transportConfig} that sets {@link TransportConfig#maxPathId} itself overrides this. Default
         * on, as in iroh 1.x; off keeps each connection on the path it started on.
         */
        public Builder multipath(boolean on) {
            this.multipath = on;
            return this;
        }

        /** The I/O implementation (default AUTO); the others exist for tests and odd kernels. */
        public Builder transport(Transport transport) {
            this.transport = Objects.requireNonNull(transport);
            return this;
        }

        public Endpoint bind() throws IOException {
            SecretKey key = secretKey;
            if (key == null) {
                key = dataDir != null ? SecretKeyStore.loadOrCreate(dataDir) : SecretKey.generate();
            }
            return new Endpoint(this, key);
        }
    }
}
