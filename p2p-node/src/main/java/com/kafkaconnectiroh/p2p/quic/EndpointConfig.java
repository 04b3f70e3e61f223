package com.kafkaconnectiroh.p2p.quic;

/**
 * Settings of a {@link QuicEndpoint}: the length of the connection IDs we issue (8 by default, as iroh), limits
 * on connections and on handshakes in progress (see {@link HalfOpenLimits}), the stateless reset secret and rate.
 * Fluent setters.
 */
public final class EndpointConfig {
    private int localCidLength = 8;
    private int maxConnections = 10_000;
    private byte[] statelessResetKey;
    private int statelessResetsPerSecond = 20;
    private int retryThreshold = 64;
    private long retryTokenLifetimeNanos = 10_000_000_000L;
    private long halfOpenBudgetBytes = 16L << 20;
    private int maxHalfOpenPerSource = 16;
    private long handshakeTimeoutNanos = 10_000_000_000L;
    private long loadedHandshakeTimeoutNanos = 3_000_000_000L;

    /** An independent copy (an endpoint fills in what is unset without touching the caller's settings). */
    public EndpointConfig copy() {
        EndpointConfig c = new EndpointConfig();
        c.localCidLength = localCidLength;
        c.maxConnections = maxConnections;
        c.statelessResetKey = statelessResetKey == null ? null : statelessResetKey.clone();
        c.statelessResetsPerSecond = statelessResetsPerSecond;
        c.retryThreshold = retryThreshold;
        c.retryTokenLifetimeNanos = retryTokenLifetimeNanos;
        c.halfOpenBudgetBytes = halfOpenBudgetBytes;
        c.maxHalfOpenPerSource = maxHalfOpenPerSource;
        c.handshakeTimeoutNanos = handshakeTimeoutNanos;
        c.loadedHandshakeTimeoutNanos = loadedHandshakeTimeoutNanos;
        return c;
    }

    /** Length of our connection IDs, 4..20 (non-empty: iroh rejects zero-length IDs). */
    public EndpointConfig localCidLength(int v) {
        if (v < 4 || v > 20) {
            throw new IllegalArgumentException("localCidLength must be 4..20, got " + v);
        }
        localCidLength = v;
        return this;
    }

    /** Incoming connections beyond this are ignored. */
    public EndpointConfig maxConnections(int v) {
        maxConnections = (int) positive("maxConnections", v);
        return this;
    }

    /**
     * Secret from which stateless reset tokens are derived (at least 32 bytes). Keep it across restarts of the
     * same endpoint so peers of a crashed instance get reset quickly; random if unset.
     */
    public EndpointConfig statelessResetKey(byte[] key) {
        if (key.length < 32) {
            throw new IllegalArgumentException("stateless reset key must be at least 32 bytes, got " + key.length);
        }
        statelessResetKey = key.clone();
        return this;
    }

    /** Rate limit for stateless resets we send for unknown connections. */
    public EndpointConfig statelessResetsPerSecond(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("statelessResetsPerSecond must not be negative, got " + v);
        }
        statelessResetsPerSecond = v;
        return this;
    }

    /**
     * Validate every client's address with a Retry before keeping any state for it (RFC 9000 §8.1.2): true is
     * {@code retryThreshold(0)}, false {@code retryThreshold(Integer.MAX_VALUE)} (never, not even under load).
     */
    public EndpointConfig retry(boolean v) {
        retryThreshold = v ? 0 : Integer.MAX_VALUE;
        return this;
    }

    /**
     * From this many half-open connections, or half of {@link #halfOpenBudgetBytes}, on (until they fall to half
     * of it and a quarter of the budget), clients must answer a Retry before we keep state for them (default 64;
     * 0: always; {@code Integer.MAX_VALUE}: never). Neither iroh nor a real client needs more than one
     * extra round trip for it; spoofed sources never get past it.
     */
    public EndpointConfig retryThreshold(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("retryThreshold must not be negative, got " + v);
        }
        retryThreshold = v;
        return this;
    }

    public EndpointConfig retryTokenLifetimeNanos(long v) {
        retryTokenLifetimeNanos = positive("retryTokenLifetimeNanos", v);
        return this;
    }

    /** What all half-open connections together may hold on the heap (default 16 MiB). */
    public EndpointConfig halfOpenBudgetBytes(long v) {
        if (v < QuicConnection.HANDSHAKE_BASE_BYTES) {
            throw new IllegalArgumentException("halfOpenBudgetBytes must hold one handshake ("
                    + QuicConnection.HANDSHAKE_BASE_BYTES + " bytes), got " + v);
        }
        halfOpenBudgetBytes = v;
        return this;
    }

    /**
     * Half-open connections one source (an IPv4 address, an IPv6 /64) may have (default 16); from half of it on,
     * that source must answer a Retry first.
     */
    public EndpointConfig maxHalfOpenPerSource(int v) {
        maxHalfOpenPerSource = (int) positive("maxHalfOpenPerSource", v);
        return this;
    }

    /** How long a client may take to complete its handshake with us (default 10 s). */
    public EndpointConfig handshakeTimeoutNanos(long v) {
        handshakeTimeoutNanos = positive("handshakeTimeoutNanos", v);
        return this;
    }

    /** {@link #handshakeTimeoutNanos} while under load (default 3 s). */
    public EndpointConfig loadedHandshakeTimeoutNanos(long v) {
        loadedHandshakeTimeoutNanos = positive("loadedHandshakeTimeoutNanos", v);
        return this;
    }

    public int retryThreshold() {
        return retryThreshold;
    }

    public long retryTokenLifetimeNanos() {
        return retryTokenLifetimeNanos;
    }

    public long halfOpenBudgetBytes() {
        return halfOpenBudgetBytes;
    }

    public int maxHalfOpenPerSource() {
        return maxHalfOpenPerSource;
    }

    public long handshakeTimeoutNanos() {
        return handshakeTimeoutNanos;
    }

    public long loadedHandshakeTimeoutNanos() {
        return loadedHandshakeTimeoutNanos;
    }

    public int localCidLength() {
        return localCidLength;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public byte[] statelessResetKey() {
        return statelessResetKey == null ? null : statelessResetKey.clone();
    }

    public int statelessResetsPerSecond() {
        return statelessResetsPerSecond;
    }

    private static long positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
        return v;
    }
}
