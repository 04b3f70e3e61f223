package com.kafkaconnectiroh.p2p.base;

/**
 * A token bucket: holds at most {@code capacity} tokens and refills at {@code perSecond}. Every limit in the node
 * (disco Pings, relay bytes, mDNS packets, DNS and DHT queries) is one of these, alone or per source in a
 * {@link RateLimiter}. The caller passes the time ({@link System#nanoTime()}), so tests need no clock. Not
 * thread-safe: its owner serialises access.
 */
public final class TokenBucket {
    private final double capacity;
    private final double perSecond;
    private double tokens;
    private long refilledAt;

    /** A full bucket at {@code nowNanos}. */
    public TokenBucket(double capacity, double perSecond, long nowNanos) {
        if (!(capacity > 0) || !(perSecond > 0)) {
            throw new IllegalArgumentException("capacity and rate must be positive: " + capacity + ", " + perSecond);
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.tokens = capacity;
        this.refilledAt = nowNanos;
    }

    /** Takes one token if there is one. */
    public boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Whether a whole token is there now (takes nothing). */
    public boolean hasToken(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1;
    }

    /**
     * Takes {@code n} tokens even if that overdraws the bucket (for costs known only after the fact, like bytes
     * already read); returns the nanoseconds until it is back at zero, 0 if it is not overdrawn.
     */
    public long spend(double n, long nowNanos) {
        refill(nowNanos);
        tokens -= n;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perSecond * 1e9);
    }

    private void refill(long now) {
        if (now > refilledAt) { // nanoTime is monotonic, but a caller may pass an older reading
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perSecond / 1e9);
            refilledAt = now;
        }
    }
}
