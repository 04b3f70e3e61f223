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
    private final java.util.function.BiConsumer<K, V> onEvict;

    public LruMap(int max) {
        this(max, (k, v) -> { });
    }

    /** @param onEvict told of each entry forgotten for the bound (a second index over the same entries follows it) */
    public LruMap(int max, java.util.function.BiConsumer<K, V> onEvict) {
        super(64, 0.75f, true);
        this.max = max;
        this.onEvict = onEvict;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        if (size() > max) {
            onEvict.accept(eldest.getKey(), eldest.getValue());
            return true;
        }
        return false;
    }
}
