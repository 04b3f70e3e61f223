package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Named blobs, iroh's way of sending files (iroh-blobs v0.35.0 {@code src/format/collection.rs}): stored as two
 * blobs, a {@link HashSeq} {@code [meta, child 0, child 1, ...]} (the collection's hash, format
 * {@link BlobFormat#HASH_SEQ}) and the meta blob, postcard {@code {header: [u8; 13] = "CollectionV0.", names:
 * Vec<String>}} with one name per child.
 */
public final class Collection {
    /** The meta blob's fixed header ({@code Collection::HEADER}); a fixed-size array, so no length prefix. */
    static final byte[] HEADER = "CollectionV0.".getBytes(StandardCharsets.US_ASCII);
    /** Refuse metas naming more entries than this before allocating for them. */
    static final int MAX_ENTRIES = 1 << 20;

    public record Entry(String name, Hash hash) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(hash, "hash");
        }
    }

    private final List<Entry> entries;

    public Collection(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    public int size() {
        return entries.size();
    }

    /** The meta blob's bytes. */
    public byte[] metaBytes() {
        PostcardWriter w = new PostcardWriter(64);
        w.raw(HEADER);
        w.length(entries.size());
        for (Entry e : entries) {
            w.string(e.name());
        }
        return w.toByteArray();
    }

    /** The hash sequence {@code [hash(meta), children...]}, whose hash is the collection's. */
    public HashSeq hashSeq() {
        List<Hash> hashes = new ArrayList<>(entries.size() + 1);
        hashes.add(Hash.of(metaBytes()));
        for (Entry e : entries) {
            hashes.add(e.hash());
        }
        return HashSeq.of(hashes);
    }

    public Hash hash() {
        return hashSeq().hash();
    }

    /**
     * Rebuilds a collection from its hash sequence and meta blob; fails with a message saying what does not
     * fit (meta hash, header, name count).
     */
    public static Collection parse(HashSeq seq, byte[] meta) throws PostcardException {
        if (seq.isEmpty()) {
            throw new PostcardException("a collection's hash sequence starts with its meta blob; this one is empty");
        }
        if (!seq.get(0).equals(Hash.of(meta))) {
            throw new PostcardException("meta blob hashes to " + Hash.of(meta) + ", the collection names " + seq.get(0));
        }
        PostcardReader r = new PostcardReader(meta);
        byte[] header = r.raw(HEADER.length);
        if (!Arrays.equals(header, HEADER)) {
            throw new PostcardException("collection meta header is '" + new String(header, StandardCharsets.ISO_8859_1)
                    + "', expected 'CollectionV0.'");
        }
        int n = r.length(1);
        if (n > MAX_ENTRIES) {
            throw new PostcardException("collection with " + n + " names, at most " + MAX_ENTRIES + " accepted");
        }
        if (n != seq.size() - 1) {
            throw new PostcardException("collection meta has " + n + " names for " + (seq.size() - 1) + " blobs");
        }
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Entry(r.string(), seq.get(i + 1)));
        }
        r.expectEnd();
        return new Collection(entries);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Collection c && entries.equals(c.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "Collection" + entries;
    }
}
