package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The newest timestamp seen per author (iroh-docs {@code AuthorHeads}, DO@v0.35.0 {@code src/heads.rs}). Peers
 * gossip them after a sync ({@code SyncReport}) so that neighbors with older heads sync too; a connector can keep
 * them as a replayable position. Timestamps are unsigned microseconds. Not thread-safe.
 */
public final class AuthorHeads {
    private final TreeMap<AuthorId, Long> heads = new TreeMap<>();

    /** Raises {@code author}'s head to {@code timestamp} if that is newer. */
    public void insert(AuthorId author, long timestamp) {
        heads.merge(author, timestamp, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }

    public void merge(AuthorHeads other) {
        other.heads.forEach(this::insert);
    }

    /** The author's head, or empty if we have seen nothing of the author. */
    public java.util.OptionalLong get(AuthorId author) {
        Long t = heads.get(author);
        return t == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t);
    }

    public int size() {
        return heads.size();
    }

    public boolean isEmpty() {
        return heads.isEmpty();
    }

    /** Authors in id order with their heads (read-only). */
    public Map<AuthorId, Long> asMap() {
        return Collections.unmodifiableMap(heads);
    }

    /** How many authors here are newer than in {@code other} (or unknown there): 0 means no news for it. */
    public int newsFor(AuthorHeads other) {
        int n = 0;
        for (Map.Entry<AuthorId, Long> e : heads.entrySet()) {
            Long theirs = other.heads.get(e.getKey());
            if (theirs == null || Long.compareUnsigned(e.getValue(), theirs) > 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Postcard {@code Vec<(u64 timestamp, AuthorId)>}, newest first, cut so the encoding fits {@code sizeLimit}
     * bytes (no limit if negative). As iroh, authors sharing one timestamp are listed once (the greatest id);
     * the receiver only uses the list to decide whether to sync, which one such author suffices for.
     */
    public byte[] encode(int sizeLimit) {
        TreeMap<Long, AuthorId> byTime = new TreeMap<>(Long::compareUnsigned);
        heads.forEach((a, t) -> byTime.put(t, a));
        List<Map.Entry<Long, AuthorId>> items = new ArrayList<>(byTime.descendingMap().entrySet());
        int size = 0;
        int count = 0;
        for (Map.Entry<Long, AuthorId> e : items) {
            int itemSize = PostcardWriter.varintSize(e.getKey()) + KeyBytes.LENGTH;
            if (sizeLimit >= 0 && PostcardWriter.varintSize(count + 1) + size + itemSize > sizeLimit) {
                break;
            }
            size += itemSize;
            count++;
        }
        PostcardWriter w = new PostcardWriter(PostcardWriter.varintSize(count) + size);
        w.length(count);
        for (int i = 0; i < count; i++) {
            w.varint(items.get(i).getKey()).raw(items.get(i).getValue().bytes());
        }
        return w.toByteArray();
    }

    public static AuthorHeads decode(byte[] bytes) throws PostcardException {
        PostcardReader r = new PostcardReader(bytes);
        int n = r.length(1 + KeyBytes.LENGTH);
        AuthorHeads h = new AuthorHeads();
        for (int i = 0; i < n; i++) {
            long ts = r.u64();
            h.insert(AuthorId.wrap(r.raw(KeyBytes.LENGTH)), ts);
        }
        r.expectEnd();
        return h;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthorHeads h && heads.equals(h.heads);
    }

    @Override
    public int hashCode() {
        return heads.hashCode();
    }

    @Override
    public String toString() {
        return "AuthorHeads" + heads;
    }
}
