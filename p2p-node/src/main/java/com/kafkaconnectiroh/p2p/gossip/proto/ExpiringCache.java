package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A map whose entries expire a fixed time after their last insertion, with hard caps on entry count and on a
 * caller-defined weight (e.g. content bytes). Because every entry lives for the same duration and time only moves
 * forward, insertion order is expiry order: expiring and evicting both pop from the oldest end, in O(1) each.
 */
final class ExpiringCache<K, V> {
    private record Entry<V>(V value, long expiresAt, long weight) {}

    private final LinkedHashMap<K, Entry<V>> map = new LinkedHashMap<>();
    private final long retentionNanos;
    private final int maxEntries;
    private final long maxWeight;
    private final ToLongFunction<V> weigher;
    private long weight;
    private long evictedEarly;

    ExpiringCache(long retentionNanos, int maxEntries, long maxWeight, ToLongFunction<V> weigher) {
        this.retentionNanos = retentionNanos;
        this.maxEntries = maxEntries;
        this.maxWeight = maxWeight;
        this.weigher = weigher;
    }

    /** Inserts or refreshes {@code key}, evicting the oldest entries while a cap is exceeded. */
    void put(K key, V value, long now) {
        Entry<V> old = map.remove(key);
        if (old != null) {
            weight -= old.weight;
        }
        long w = weigher.applyAsLong(value);
        map.put(key, new Entry<>(value, now + retentionNanos, w));
        weight += w;
        Iterator<Entry<V>> it = map.values().iterator();
        while ((map.size() > maxEntries || weight > maxWeight) && it.hasNext()) {
            Entry<V> e = it.next();
            it.remove();
            weight -= e.weight;
            evictedEarly++;
        }
    }

    V get(K key) {
        Entry<V> e = map.get(key);
        return e == null ? null : e.value;
    }

    boolean contains(K key) {
        return map.containsKey(key);
    }

    /** Drops every entry that expired at or before {@code now}. */
    void expire(long now) {
        Iterator<Map.Entry<K, Entry<V>>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Entry<V> e = it.next().getValue();
            if (e.expiresAt - now > 0) {
                break;
            }
            it.remove();
            weight -= e.weight;
        }
    }

    int size() {
        return map.size();
    }

    long weight() {
        return weight;
    }

    /** Entries pushed out by a cap before their time. */
    long evictedEarly() {
        return evictedEarly;
    }
}
