package com.kafkaconnectiroh.p2p.base;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its least recently used entry beyond {@code max} entries (reads count as use): the bound on
 * every per-peer or per-key cache a hostile peer could otherwise grow. Not thread-safe.
 */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int max;

    public LruMap(int max) {
        super(64, 0.75f, true);
        this.max = max;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > max;
    }
}
