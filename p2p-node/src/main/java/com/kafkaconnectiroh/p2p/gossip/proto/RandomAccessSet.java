package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A set with O(1) add, remove, contains and uniform random pick, iterating in a deterministic order (insertion
 * order, disturbed only by swap-removal), so a seeded simulation replays exactly. Removal moves the last element
 * into the hole.
 */
final class RandomAccessSet<T> {
    private final ArrayList<T> items = new ArrayList<>();
    private final Map<T, Integer> index = new HashMap<>();

    boolean add(T t) {
        if (index.containsKey(t)) {
            return false;
        }
        index.put(t, items.size());
        items.add(t);
        return true;
    }

    boolean remove(Object t) {
        Integer i = index.remove(t);
        if (i == null) {
            return false;
        }
        T last = items.remove(items.size() - 1);
        if (i < items.size()) {
            items.set(i, last);
            index.put(last, i);
        }
        return true;
    }

    boolean contains(Object t) {
        return index.containsKey(t);
    }

    int size() {
        return items.size();
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    T get(int i) {
        return items.get(i);
    }

    /** A uniformly random element, or null when empty. */
    T pickRandom(RandomGenerator rng) {
        return items.isEmpty() ? null : items.get(rng.nextInt(items.size()));
    }

    /** A uniformly random element not rejected by {@code exclude}, or null. */
    T pickRandom(RandomGenerator rng, Predicate<? super T> exclude) {
        int candidates = 0;
        for (T t : items) {
            if (!exclude.test(t)) {
                candidates++;
            }
        }
        if (candidates == 0) {
            return null;
        }
        int k = rng.nextInt(candidates);
        for (T t : items) {
            if (!exclude.test(t) && k-- == 0) {
                return t;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Removes and returns a uniformly random element, or null when empty. */
    T removeRandom(RandomGenerator rng) {
        T t = pickRandom(rng);
        if (t != null) {
            remove(t);
        }
        return t;
    }

    /** Up to {@code max} distinct random elements not rejected by {@code exclude}, in random order. */
    List<T> sample(int max, RandomGenerator rng, Predicate<? super T> exclude) {
        List<T> out = new ArrayList<>(Math.min(max, items.size()));
        if (max <= 0) {
            return out;
        }
        for (T t : items) {
            if (!exclude.test(t)) {
                out.add(t);
            }
        }
        // Partial Fisher-Yates: only the first max positions need to be random.
        int n = out.size();
        int k = Math.min(max, n);
        for (int i = 0; i < k; i++) {
            int j = i + rng.nextInt(n - i);
            Collections.swap(out, i, j);
        }
        return k == n ? out : new ArrayList<>(out.subList(0, k));
    }

    List<T> snapshot() {
        return List.copyOf(items);
    }

    Collection<T> view() {
        return Collections.unmodifiableList(items);
    }

    void clear() {
        items.clear();
        index.clear();
    }
}
