package com.kafkaconnectiroh.p2p.relay.server;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.relay.RelayServerConnection;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of a {@link RelayServer}, fluent setters with the defaults in one place. Limits follow iroh 1.0.2's relay
 * (IR {@code iroh-relay/src/server/client.rs}, {@code defaults.rs}) where it has them: 512 queued datagram frames
 * per client, 2 s to write to a client, keep-alive pings; our additions bound each client's queue in bytes too,
 * cap connections, and make the per-client receive rate limit (off by default, as in iroh) easy to switch on.
 */
public final class RelayServerConfig {
    private static final long MAX_PEM = 1 << 20;
    private InetSocketAddress bind = new InetSocketAddress("0.0.0.0", 3340);
    private SslContext tls;
    private Set<EndpointId> allowed;
    private int queueFrames = 512;
    private long queueBytes = 4L << 20;
    private long rateBytesPerSecond;
    private long burstBytes;
    private long writeTimeoutNanos = 2_000_000_000L;
    private int maxConnections = 10_000;
    private int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private RelayServerConnection.Timings timings = RelayServerConnection.Timings.DEFAULT;
    private String serverName = "p2p-node relay";

    /** The TCP address to listen on (default 0.0.0.0:3340). */
    public RelayServerConfig bind(InetSocketAddress v) {
        bind = Objects.requireNonNull(v);
        return this;
    }

    /** Serve TLS with this context (null: plain HTTP, for local use or behind a TLS-terminating proxy). */
    public RelayServerConfig tls(SslContext v) {
        tls = v;
        return this;
    }

    /**
     * TLS from PEM files: a certificate chain and its private key (PKCS#8, {@code BEGIN PRIVATE KEY}). Each must be a
     * regular file of at most 1 MiB: a directory, a FIFO or a device is refused before it is opened (reading a FIFO
     * nobody writes to would block for ever).
     *
     * @throws IOException a missing, unreadable or unusable file, with which one and what was wrong
     */
    public RelayServerConfig tls(Path certChain, Path privateKey) throws IOException {
        byte[] cert = readPem(certChain, "TLS certificate");
        byte[] key = readPem(privateKey, "TLS key");
        try {
            tls = SslContextBuilder.forServer(new ByteArrayInputStream(cert), new ByteArrayInputStream(key)).build();
        } catch (Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root.getMessage() == null ? root.toString() : root.getMessage();
            throw new IOException("cannot use TLS certificate " + certChain + " with key " + privateKey + ": " + why, e);
        }
        return this;
    }

    private static byte[] readPem(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException(what + " " + file + ": no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(what + " " + file + ": not a regular file");
        }
        if (Files.size(file) > MAX_PEM) {
            throw new IOException(what + " " + file + ": larger than " + MAX_PEM + " bytes, not a PEM file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(what + " " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Only these endpoint ids may connect (others are denied with "not authorized"); null or empty: everyone. */
    public RelayServerConfig allowed(Collection<EndpointId> ids) {
        allowed = ids == null || ids.isEmpty() ? null : Set.copyOf(ids);
        return this;
    }

    /** Datagram frames waiting for one client, at most (default 512, iroh's); more are dropped. */
    public RelayServerConfig queueFrames(int v) {
        queueFrames = (int) positive("queueFrames", v);
        return this;
    }

    /** Bytes waiting for one client, at most (default 4 MiB); more are dropped. */
    public RelayServerConfig queueBytes(long v) {
        queueBytes = positive("queueBytes", v);
        return this;
    }

    /**
     * What each client may send, in bytes per second (0: unlimited, the default). A client over it is not read from
     * until it is back within its rate (TCP pushes back on it); {@code burstBytes} is the bucket (default a tenth of
     * a second's worth, at least 128 KiB so that whole frames fit).
     */
    public RelayServerConfig rateLimit(long bytesPerSecond, long burstBytes) {
        if (bytesPerSecond < 0 || burstBytes < 0) {
            throw new IllegalArgumentException("rate and burst must not be negative");
        }
        this.rateBytesPerSecond = bytesPerSecond;
        this.burstBytes = burstBytes;
        return this;
    }

    /** How long a client may take up nothing we write to it before it is dropped as a stalled reader (default 2 s). */
    public RelayServerConfig writeTimeoutNanos(long v) {
        writeTimeoutNanos = positive("writeTimeoutNanos", v);
        return this;
    }

    /** TCP connections at once (relay clients and HTTP probes), at most (default 10,000); more are closed at once. */
    public RelayServerConfig maxConnections(int v) {
        maxConnections = (int) positive("maxConnections", v);
        return this;
    }

    /** Event-loop threads (default: the cores, at most 4). */
    public RelayServerConfig ioThreads(int v) {
        ioThreads = (int) positive("ioThreads", v);
        return this;
    }

    public RelayServerConfig timings(RelayServerConnection.Timings v) {
        timings = Objects.requireNonNull(v);
        return this;
    }

    /** What {@code /healthz} reports as the version. */
    public RelayServerConfig serverName(String v) {
        serverName = Objects.requireNonNull(v);
        return this;
    }

    public InetSocketAddress bind() {
        return bind;
    }

    public SslContext tls() {
        return tls;
    }

    /** The allowlist, or null for everyone. */
    public Set<EndpointId> allowed() {
        return allowed;
    }

    public int queueFrames() {
        return queueFrames;
    }

    public long queueBytes() {
        return queueBytes;
    }

    public long rateBytesPerSecond() {
        return rateBytesPerSecond;
    }

    /** The rate limiter's bucket: as set, else a tenth of a second's worth but at least 128 KiB. */
    public long burstBytes() {
        return burstBytes > 0 ? burstBytes : Math.max(rateBytesPerSecond / 10, 128 << 10);
    }

    public long writeTimeoutNanos() {
        return writeTimeoutNanos;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public RelayServerConnection.Timings timings() {
        return timings;
    }

    public String serverName() {
        return serverName;
    }

    private static long positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
        return v;
    }
}
