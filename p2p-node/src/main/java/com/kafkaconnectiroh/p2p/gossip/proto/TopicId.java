package com.kafkaconnectiroh.p2p.gossip.proto;

import com.kafkaconnectiroh.p2p.base.Bytes32;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.nio.charset.StandardCharsets;

/**
 * A gossip topic: 32 opaque bytes. Each topic is its own swarm (HyParView) and broadcast tree (PlumTree).
 * Printed as lowercase hex, like iroh's {@code TopicId}. On the wire it is 32 raw bytes (a postcard
 * {@code [u8; 32]}, no length prefix).
 */
public final class TopicId extends Bytes32<TopicId> {
    public static final int LENGTH = Bytes32.LENGTH;

    private TopicId(byte[] bytes) {
        super(bytes);
    }

    public static TopicId of(byte[] bytes) {
        return new TopicId(copyOf32(bytes, "topic id"));
    }

    public static TopicId parse(String hex) {
        return of(com.kafkaconnectiroh.p2p.base.Hex.decode(hex.trim()));
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

    /** The bytes themselves, for the wire codecs. */
    byte[] bytes() {
        return internalBytes();
    }
}
