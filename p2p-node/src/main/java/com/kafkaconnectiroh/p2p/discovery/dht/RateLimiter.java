package com.kafkaconnectiroh.p2p.discovery.dht;

import com.kafkaconnectiroh.p2p.base.LruMap;
import java.net.InetAddress;

/**
 * A token bucket per source IP for incoming queries. Memory is bounded by an LRU of {@code maxSources} buckets: a
 * flood from many spoofed addresses evicts old buckets (which then start full again, so the worst case is one
 * burst per evicted address, never unbounded state). Not thread-safe: the node's receive loop calls it.
 */
final class RateLimiter {
    private final double perSecond;
    private final double burst;
    private final LruMap<InetAddress, double[]> buckets;

    RateLimiter(double perSecond, int burst, int maxSources) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = new LruMap<>(maxSources);
    }

    /** Whether a query from {@code source} at {@code nowNanos} may be answered (and spends a token if so). */
    boolean allow(InetAddress source, long nowNanos) {
        double[] b = buckets.get(source); // {tokens, lastNanos}
        if (b == null) {
            b = new double[] {burst, nowNanos};
            buckets.put(source, b);
        }
        double tokens = Math.min(burst, b[0] + (nowNanos - (long) b[1]) / 1e9 * perSecond);
        b[1] = nowNanos;
        if (tokens < 1) {
            b[0] = tokens;
            return false;
        }
        b[0] = tokens - 1;
        return true;
    }

    int trackedSources() {
        return buckets.size();
    }
}
