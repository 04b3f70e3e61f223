package com.kafkaconnectiroh.p2p.base;

import java.util.Arrays;

/**
 * A value that is 32 bytes and names something: an endpoint id (a public key), a blob {@code Hash}, a gossip
 * {@code TopicId} or {@code MessageId}, a document's {@code NamespaceId} or {@code AuthorId}. Holds the bytes
 * immutably and gives what they all print and compare the same way: lowercase hex (iroh's {@code Display}),
 * iroh's {@code fmt_short}, unsigned byte order, equality only with the same kind of value. Parsing and what the
 * bytes must satisfy stay with each kind, as do their error messages.
 *
 * @param <T> the kind itself, so each compares only with its own kind
 */
public abstract class Bytes32<T extends Bytes32<T>> implements Comparable<T> {
    public static final int LENGTH = 32;

    private final byte[] bytes;
    private final int hash;

    /** Takes {@code bytes} over (not copied; 32 of them, as the kind's factory checked). */
    protected Bytes32(byte[] bytes) {
        this(bytes, Arrays.hashCode(bytes));
    }

    /** With a hash code of the kind's own (see {@link #leadingInt}). */
    protected Bytes32(byte[] bytes, int hash) {
        this.bytes = bytes;
        this.hash = hash;
    }

    /**
     * A copy of {@code bytes} if there are 32 of them.
     *
     * @throws IllegalArgumentException {@code "<what> must be 32 bytes, got <n>"} otherwise
     */
    protected static byte[] copyOf32(byte[] bytes, String what) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException(what + " must be 32 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return bytes.clone();
    }

    /** The first 4 bytes as a little-endian int: a good hash code for bytes that are a cryptographic hash. */
    protected static int leadingInt(byte[] bytes) {
        return (bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8 | (bytes[2] & 0xFF) << 16 | (bytes[3] & 0xFF) << 24;
    }

    /** The bytes themselves, not copied: for the kind's own encoders, never to hand out. */
    protected final byte[] internalBytes() {
        return bytes;
    }

    public final byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the 32 bytes to {@code dst[off, off+32)}. */
    public final void copyTo(byte[] dst, int off) {
        System.arraycopy(bytes, 0, dst, off, LENGTH);
    }

    /** Whether {@code other[off, off+32)} holds these bytes. */
    public final boolean equalsBytes(byte[] other, int off) {
        return Arrays.equals(bytes, 0, LENGTH, other, off, off + LENGTH);
    }

    /** 64 lowercase hex characters. */
    public final String toHex() {
        return Hex.encode(bytes);
    }

    /** Lowercase base32, 52 characters (how iroh 0.35 prints hashes). */
    public final String toBase32() {
        return Base32.STANDARD.encode(bytes);
    }

    /** The first 5 bytes in hex, as iroh's {@code fmt_short}. */
    public final String fmtShort() {
        return Hex.encode(bytes, 0, 5);
    }

    /** {@link #toHex()}. */
    @Override
    public String toString() {
        return toHex();
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && hash == ((Bytes32<?>) o).hash
                && Arrays.equals(bytes, ((Bytes32<?>) o).bytes);
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    /** Unsigned byte order. */
    @Override
    public final int compareTo(T o) {
        return Arrays.compareUnsigned(bytes, ((Bytes32<?>) o).bytes);
    }
}
