package com.kafkaconnectiroh.p2p.base;

import java.util.Map;

/**
 * Token buckets per key (a source address) plus one for all keys together, for anything that answers strangers: a
 * key may spend {@code burst} at once and {@code perSecond} after that; all keys together {@code globalBurst} and
 * {@code globalPerSecond}. Remembers at most {@code maxKeys} keys, forgetting the least recently seen: a forgotten
 * key starts again with a full bucket, which the global bucket still bounds, so spoofed sources cost bounded memory
 * and bounded work. Thread-safe; the time comes from the caller.
 */
public final class RateLimiter {
    private final double burst;
    private final double perSecond;
    private final double globalBurst;
    private final double globalPerSecond;
    private TokenBucket global; // made at the first call: its time is the caller's, as every bucket's
    private final Map<Object, TokenBucket> buckets;
    private long refused;

    public RateLimiter(double burst, double perSecond, double globalBurst, double globalPerSecond, int maxKeys) {
        this.burst = burst;
        this.perSecond = perSecond;
        this.globalBurst = globalBurst;
        this.globalPerSecond = globalPerSecond;
        this.buckets = new LruMap<>(maxKeys);
    }

    /** Per-key limits only: no bound on all keys together. */
    public static RateLimiter perKey(double burst, double perSecond, int maxKeys) {
        return new RateLimiter(burst, perSecond, Double.MAX_VALUE, Double.MAX_VALUE, maxKeys);
    }

    /** Takes one token for {@code key} and one globally, or none (and counts a refusal) if either is empty. */
    public synchronized boolean tryAcquire(Object key, long nowNanos) {
        TokenBucket b = buckets.get(key);
        if (b == null) {
            b = new TokenBucket(burst, perSecond, nowNanos);
            buckets.put(key, b);
        }
        if (global == null) {
            global = new TokenBucket(globalBurst, globalPerSecond, nowNanos);
        }
        if (!b.hasToken(nowNanos) || !global.hasToken(nowNanos)) {
            refused++;
            return false;
        }
        b.tryTake(nowNanos);
        global.tryTake(nowNanos);
        return true;
    }

    /** Requests refused so far. */
    public synchronized long refused() {
        return refused;
    }

    /** Keys remembered now (at most {@code maxKeys}). */
    public synchronized int trackedKeys() {
        return buckets.size();
    }
}
