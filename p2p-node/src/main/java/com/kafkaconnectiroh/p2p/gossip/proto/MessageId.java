package com.kafkaconnectiroh.p2p.gossip.proto;

import com.kafkaconnectiroh.p2p.base.Bytes32;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.util.Arrays;

/**
 * Identifies a broadcast message: the BLAKE3 hash of its content (iroh-gossip {@code MessageId::from_content}).
 * On the wire, 32 raw bytes.
 */
public final class MessageId extends Bytes32<MessageId> {
    public static final int LENGTH = Bytes32.LENGTH;

    private MessageId(byte[] bytes) {
        // The bytes are a cryptographic hash already; any four of them make a good hash code.
        super(bytes, leadingInt(bytes));
    }

    public static MessageId ofContent(byte[] content) {
        return new MessageId(Blake3.hash(content));
    }

    public static MessageId of(byte[] bytes) {
        return new MessageId(copyOf32(bytes, "message id"));
    }

    /** Wraps without copying; the caller hands over ownership. */
    static MessageId wrap(byte[] bytes) {
        return new MessageId(bytes);
    }

    /** Whether this id is the hash of {@code content}. */
    public boolean matches(byte[] content) {
        return Arrays.equals(internalBytes(), Blake3.hash(content));
    }

    /** The bytes themselves, for the wire codecs. */
    byte[] bytes() {
        return internalBytes();
    }
}
