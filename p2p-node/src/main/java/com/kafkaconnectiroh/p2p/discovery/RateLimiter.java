package com.kafkaconnectiroh.p2p.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per key (a source IP) plus one for everything, for servers that answer strangers: a key may spend
 * {@code burst} at once and {@code perSecond} after that; all keys together {@code globalBurst} and
 * {@code globalPerSecond}. Remembers at most {@code maxKeys} keys, forgetting the least recently seen (a forgotten
 * key starts with a full bucket, which the global bucket still bounds). Thread-safe; time in nanoseconds from the
 * caller, so tests need no clock.
 */
public final class RateLimiter {
    private final double burst;
    private final double perSecond;
    private Bucket global;
    private final double globalBurst;
    private final double globalPerSecond;
    private final Map<Object, Bucket> buckets;
    private long refused;

    public RateLimiter(double burst, double perSecond, double globalBurst, double globalPerSecond, int maxKeys) {
        this.burst = burst;
        this.perSecond = perSecond;
        this.globalBurst = globalBurst;
        this.globalPerSecond = globalPerSecond;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Bucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one token for {@code key} (and one globally); false if either bucket is empty. */
    public synchronized boolean tryAcquire(Object key, long nowNanos) {
        Bucket b = buckets.get(key);
        if (b == null) {
            b = new Bucket(burst, nowNanos);
            buckets.put(key, b);
        }
        if (global == null) {
            global = new Bucket(globalBurst, nowNanos);
        }
        b.refill(nowNanos, burst, perSecond);
        global.refill(nowNanos, globalBurst, globalPerSecond);
        if (b.tokens < 1 || global.tokens < 1) {
            refused++;
            return false;
        }
        b.tokens--;
        global.tokens--;
        return true;
    }

    /** Requests refused so far. */
    public synchronized long refused() {
        return refused;
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        void refill(long now, double burst, double perSecond) {
            if (now > refilledAt) {
                tokens = Math.min(burst, tokens + (now - refilledAt) * perSecond / 1e9);
                refilledAt = now;
            }
        }
    }
}
