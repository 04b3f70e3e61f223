package com.kafkaconnectiroh.p2p.quic;

/**
 * Settings of a {@link QuicEndpoint}: the length of the connection IDs we issue (8 by default, as iroh), limits
 * on connections, the stateless reset secret and rate. Fluent setters.
 */
public final class EndpointConfig {
    private int localCidLength = 8;
    private int maxConnections = 10_000;
    private byte[] statelessResetKey;
    private int statelessResetsPerSecond = 20;
    private boolean retry;
    private long retryTokenLifetimeNanos = 10_000_000_000L;

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
        if (v < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + v);
        }
        maxConnections = v;
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
     * Validate client addresses with a Retry before accepting (RFC 9000 §8.1.2). Off by default: iroh does not
     * do it either, and it costs a round trip.
     */
    public EndpointConfig retry(boolean v) {
        retry = v;
        return this;
    }

    public EndpointConfig retryTokenLifetimeNanos(long v) {
        if (v <= 0) {
            throw new IllegalArgumentException("retryTokenLifetimeNanos must be positive, got " + v);
        }
        retryTokenLifetimeNanos = v;
        return this;
    }

    public boolean retry() {
        return retry;
    }

    public long retryTokenLifetimeNanos() {
        return retryTokenLifetimeNanos;
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
}
