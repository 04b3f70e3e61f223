package com.kafkaconnectiroh.p2p.gossip.proto;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A gossip topic: 32 opaque bytes. Each topic is its own swarm (HyParView) and broadcast tree (PlumTree).
 * Printed as lowercase hex, like iroh's {@code TopicId}. On the wire it is 32 raw bytes (a postcard
 * {@code [u8; 32]}, no length prefix).
 */
public final class TopicId implements Comparable<TopicId> {
    public static final int LENGTH = 32;

    private final byte[] bytes;
    private final int hash;

    private TopicId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static TopicId of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("topic id must be 32 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return new TopicId(bytes.clone());
    }

    public static TopicId parse(String hex) {
        return of(Hex.decode(hex.trim()));
    }

    /**
     * A topic named by text: the 32-byte BLAKE3 hash (unkeyed, default 32-byte output) of the name's UTF-8 bytes,
     * no normalisation, no terminator. The same topic in a shell: {@code printf %s 'name' | b3sum}; in Rust
     * {@code TopicId::from_bytes(*blake3::hash(b"name").as_bytes())}. iroh has no such convention of its own, so
     * peers agree on a name only if they derive it this way.
     */
    public static TopicId fromName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("topic name must not be null");
        }
        return new TopicId(Blake3.hash(name.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code text} as 64 hex characters is that raw topic id; anything else is a name for {@link #fromName}. The
     * CLI's {@code --topic} reads topics this way.
     */
    public static TopicId parseOrName(String text) {
        String t = text.trim();
        if (t.length() == LENGTH * 2 && Hex.isHex(t)) {
            return parse(t);
        }
        return fromName(text);
    }

    /** Wraps without copying; the caller hands over ownership. */
    static TopicId wrap(byte[] bytes) {
        return new TopicId(bytes);
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    byte[] bytes() {
        return bytes;
    }

    /** First 5 bytes in hex, as iroh's {@code fmt_short}. */
    public String fmtShort() {
        return Hex.encode(bytes, 0, 5);
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicId && hash == ((TopicId) o).hash && Arrays.equals(bytes, ((TopicId) o).bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(TopicId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}
