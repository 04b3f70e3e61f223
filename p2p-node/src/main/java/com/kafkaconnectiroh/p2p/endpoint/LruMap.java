package com.kafkaconnectiroh.p2p.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map that forgets its least recently used entry beyond {@code max} entries (reads count as use). */
final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int max;

    LruMap(int max) {
        super(64, 0.75f, true);
        this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
    }
}
