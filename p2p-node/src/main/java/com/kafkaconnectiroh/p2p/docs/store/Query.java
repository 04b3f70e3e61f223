package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.docs.proto.AuthorId;
import java.nio.charset.StandardCharsets;

/**
 * Which entries of a document to read, as iroh-docs' {@code Query} (DO@v0.35.0 {@code src/store.rs},
 * {@code store/fs/query.rs}): every entry, or only the latest entry per key (highest timestamp across authors;
 * on a tie the one of the lowest author id), filtered by author and by key (exact or prefix). Deletion markers
 * (empty entries) are left out unless {@link #includeEmpty()}; for "latest per key" this happens after choosing
 * the latest, so a key whose latest entry is a deletion is absent. Results come in ascending order: by key then
 * author ({@link SortBy#KEY_AUTHOR}, always for latest-per-key) or by author then key. Immutable; the
 * {@code with…} methods return a copy.
 */
public record Query(boolean latestPerKey, AuthorId author, byte[] keyExact, byte[] keyPrefix, SortBy sortBy,
                    boolean includeEmpty, long offset, long limit) {

    /** The order of results. */
    public enum SortBy {
        /** By key, then author. */
        KEY_AUTHOR,
        /** By author, then key (iroh's default for flat queries). */
        AUTHOR_KEY
    }

    public Query {
        if (keyExact != null && keyPrefix != null) {
            throw new IllegalArgumentException("a query filters by an exact key or by a prefix, not both");
        }
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must not be negative");
        }
        keyExact = keyExact == null ? null : keyExact.clone();
        keyPrefix = keyPrefix == null ? null : keyPrefix.clone();
    }

    /** Every entry of every author, by author then key. */
    public static Query all() {
        return new Query(false, null, null, null, SortBy.AUTHOR_KEY, false, 0, Long.MAX_VALUE);
    }

    /** The latest entry of each key, by key. */
    public static Query singleLatestPerKey() {
        return new Query(true, null, null, null, SortBy.KEY_AUTHOR, false, 0, Long.MAX_VALUE);
    }

    /** Every entry of {@code author}. */
    public static Query author(AuthorId author) {
        return all().withAuthor(author);
    }

    /** Every entry (each author's) with exactly this key. */
    public static Query keyExact(byte[] key) {
        return all().withKeyExact(key);
    }

    public static Query keyPrefix(byte[] prefix) {
        return all().withKeyPrefix(prefix);
    }

    public static Query keyPrefix(String prefix) {
        return keyPrefix(prefix.getBytes(StandardCharsets.UTF_8));
    }

    public Query withAuthor(AuthorId a) {
        return new Query(latestPerKey, a, keyExact, keyPrefix, sortBy, includeEmpty, offset, limit);
    }

    public Query withKeyExact(byte[] key) {
        return new Query(latestPerKey, author, key, null, sortBy, includeEmpty, offset, limit);
    }

    public Query withKeyPrefix(byte[] prefix) {
        return new Query(latestPerKey, author, null, prefix, sortBy, includeEmpty, offset, limit);
    }

    public Query withSortBy(SortBy s) {
        if (latestPerKey && s != SortBy.KEY_AUTHOR) {
            throw new IllegalArgumentException("latest-per-key results are always sorted by key");
        }
        return new Query(latestPerKey, author, keyExact, keyPrefix, s, includeEmpty, offset, limit);
    }

    public Query withIncludeEmpty(boolean include) {
        return new Query(latestPerKey, author, keyExact, keyPrefix, sortBy, include, offset, limit);
    }

    public Query withOffset(long n) {
        return new Query(latestPerKey, author, keyExact, keyPrefix, sortBy, includeEmpty, n, limit);
    }

    public Query withLimit(long n) {
        return new Query(latestPerKey, author, keyExact, keyPrefix, sortBy, includeEmpty, offset, n);
    }

    /** Whether an entry's key passes the key filter. */
    boolean keyMatches(byte[] key) {
        if (keyExact != null) {
            return java.util.Arrays.equals(key, keyExact);
        }
        return keyPrefix == null || KeyFilter.prefix(keyPrefix).matches(key);
    }

    @Override
    public byte[] keyExact() {
        return keyExact == null ? null : keyExact.clone();
    }

    @Override
    public byte[] keyPrefix() {
        return keyPrefix == null ? null : keyPrefix.clone();
    }
}
