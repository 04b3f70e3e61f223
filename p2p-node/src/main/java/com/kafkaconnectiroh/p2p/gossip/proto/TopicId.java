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
     * Hex digits beyond this many, other than 64, are refused by {@link #parseOrName}: longer than a UUID's 32
     * digits or a git hash's 40, which people may well use as names.
     */
    public static final int MAX_HEX_NAME_LENGTH = 40;

    /**
     * The rule for a topic typed by a person (the CLI's {@code --topic}, the connectors' {@code gossip.topic}):
     * <ul>
     *   <li>64 hex digits (surrounding whitespace ignored) are the raw topic id;</li>
     *   <li>only hex digits, more than {@value #MAX_HEX_NAME_LENGTH} of them but not 64, are refused: that is an id
     *       with digits missing or extra (a bad paste), and hashing it as a name would silently join another,
     *       empty topic;</li>
     *   <li>an empty or blank text is refused;</li>
     *   <li>anything else is a name for {@link #fromName}, exactly as given (whitespace included): {@code chat},
     *       {@code cafe}, {@code 2024}, a 32-digit UUID.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for the refused texts, with a hint
     */
    public static TopicId parseOrName(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a topic must not be empty: give 64 hex digits (a topic id) or a name");
        }
        String t = text.trim();
        if (isAsciiHex(t)) {
            if (t.length() == LENGTH * 2) {
                return parse(t);
            }
            if (t.length() > MAX_HEX_NAME_LENGTH) {
                throw new IllegalArgumentException("'" + abbreviate(t) + "' has " + t.length()
                        + " hex digits: a topic id has exactly 64 (digits missing or extra?); a name made only of "
                        + "hex digits may have at most " + MAX_HEX_NAME_LENGTH);
            }
        }
        return fromName(text);
    }

    private static boolean isAsciiHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 32) + "…" + s.substring(s.length() - 32);
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
