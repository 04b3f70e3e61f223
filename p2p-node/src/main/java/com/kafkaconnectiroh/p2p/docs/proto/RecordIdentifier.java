package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What identifies an entry: {@code namespace[32] ‖ author[32] ‖ key} as one byte string (iroh-docs
 * {@code RecordIdentifier}, DO@v0.35.0 {@code src/sync.rs}). Identifiers order by these bytes (unsigned,
 * lexicographic): the order range-based reconciliation splits sets by. On the postcard wire they are
 * {@code bytes} (varint length, then the bytes).
 */
public final class RecordIdentifier implements Comparable<RecordIdentifier> {
    static final int KEY_OFFSET = 2 * KeyBytes.LENGTH;

    /** The identifier of an empty store's first element: 64 zero bytes, an empty key (iroh's {@code default()}). */
    public static final RecordIdentifier ZERO = new RecordIdentifier(new byte[KEY_OFFSET]);

    private final byte[] bytes;
    private int hash;

    private RecordIdentifier(byte[] bytes) {
        this.bytes = bytes;
    }

    public static RecordIdentifier of(NamespaceId namespace, AuthorId author, byte[] key) {
        byte[] b = new byte[KEY_OFFSET + key.length];
        System.arraycopy(namespace.bytes(), 0, b, 0, KeyBytes.LENGTH);
        System.arraycopy(author.bytes(), 0, b, KeyBytes.LENGTH, KeyBytes.LENGTH);
        System.arraycopy(key, 0, b, KEY_OFFSET, key.length);
        return new RecordIdentifier(b);
    }

    /**
     * Wraps identifier bytes as they came (a range bound may be any byte string; an entry's has at least 64 bytes,
     * which {@link SignedEntry} checks). The array is taken over, not copied.
     */
    static RecordIdentifier wrap(byte[] bytes) {
        return new RecordIdentifier(bytes);
    }

    /** True if these bytes can name an entry: a namespace and an author, then the key. */
    boolean isEntryId() {
        return bytes.length >= KEY_OFFSET;
    }

    /** True if this identifier lies in {@code namespace} (its first 32 bytes are the namespace id). */
    public boolean isIn(NamespaceId namespace) {
        return bytes.length >= KeyBytes.LENGTH && Arrays.equals(bytes, 0, KeyBytes.LENGTH, namespace.bytes(), 0, KeyBytes.LENGTH);
    }

    /** True if this is an entry of {@code author} (bytes 32..64). */
    public boolean isBy(AuthorId author) {
        return isEntryId() && Arrays.equals(bytes, KeyBytes.LENGTH, KEY_OFFSET, author.bytes(), 0, KeyBytes.LENGTH);
    }

    /** A copy of the raw bytes given (a range bound or an identifier read from storage). */
    public static RecordIdentifier fromBytes(byte[] bytes) {
        return new RecordIdentifier(bytes.clone());
    }

    public NamespaceId namespace() {
        return NamespaceId.wrap(Arrays.copyOfRange(bytes, 0, KeyBytes.LENGTH));
    }

    public AuthorId author() {
        return AuthorId.wrap(Arrays.copyOfRange(bytes, KeyBytes.LENGTH, KEY_OFFSET));
    }

    public byte[] key() {
        return Arrays.copyOfRange(bytes, KEY_OFFSET, bytes.length);
    }

    public int keyLength() {
        return bytes.length - KEY_OFFSET;
    }

    /** The raw bytes; never modify. */
    byte[] bytes() {
        return bytes;
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    @Override
    public int compareTo(RecordIdentifier o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordIdentifier r && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(bytes);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        if (!isEntryId()) {
            return "RecordIdentifier[" + Hex.encode(bytes) + "]";
        }
        return "RecordIdentifier[" + Hex.encode(bytes, 0, 5) + "/" + Hex.encode(bytes, KeyBytes.LENGTH, 5) + "/"
                + new String(bytes, KEY_OFFSET, bytes.length - KEY_OFFSET, StandardCharsets.UTF_8) + "]";
    }
}
