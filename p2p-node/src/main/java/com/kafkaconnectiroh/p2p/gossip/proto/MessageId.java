package com.kafkaconnectiroh.p2p.gossip.proto;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.util.Arrays;

/**
 * Identifies a broadcast message: the BLAKE3 hash of its content (iroh-gossip {@code MessageId::from_content}).
 * On the wire, 32 raw bytes.
 */
public final class MessageId {
    public static final int LENGTH = 32;

    private final byte[] bytes;
    private final int hash;

    private MessageId(byte[] bytes) {
        this.bytes = bytes;
        // The bytes are a cryptographic hash already; any four of them make a good hash code.
        this.hash = (bytes[0] & 0xFF) | (bytes[1] & 0xFF) << 8 | (bytes[2] & 0xFF) << 16 | (bytes[3] & 0xFF) << 24;
    }

    public static MessageId ofContent(byte[] content) {
        return new MessageId(Blake3.hash(content));
    }

    public static MessageId of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("message id must be 32 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return new MessageId(bytes.clone());
    }

    /** Wraps without copying; the caller hands over ownership. */
    static MessageId wrap(byte[] bytes) {
        return new MessageId(bytes);
    }

    /** Whether this id is the hash of {@code content}. */
    public boolean matches(byte[] content) {
        return Arrays.equals(bytes, Blake3.hash(content));
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    byte[] bytes() {
        return bytes;
    }

    public String fmtShort() {
        return Hex.encode(bytes, 0, 5);
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MessageId && hash == ((MessageId) o).hash && Arrays.equals(bytes, ((MessageId) o).bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
