package com.kafkaconnectiroh.p2p.gossip.proto;

import java.nio.charset.StandardCharsets;

/**
 * Transport constants and length-prefix framing of iroh-gossip (iroh-gossip {@code net/util.rs}): every frame is
 * a u32 big-endian length followed by that many postcard bytes. A writer refuses frames whose body is
 * {@code >= maxMessageSize}; a reader refuses bodies {@code > maxMessageSize} (the asymmetry is iroh's).
 */
public final class GossipWire {
    /** iroh-gossip 0.35: one bidirectional stream per connection; frames carry {@code {topic, message}}. */
    public static final String ALPN_V0 = "/iroh-gossip/0";
    /** iroh-gossip 0.90+: one unidirectional stream per topic and direction, opened by a StreamHeader frame. */
    public static final String ALPN_V1 = "/iroh-gossip/1";

    public static final byte[] ALPN_V0_BYTES = ALPN_V0.getBytes(StandardCharsets.US_ASCII);
    public static final byte[] ALPN_V1_BYTES = ALPN_V1.getBytes(StandardCharsets.US_ASCII);

    /** iroh-gossip {@code DEFAULT_MAX_MESSAGE_SIZE}. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 4096;
    /** iroh-gossip {@code MIN_MAX_MESSAGE_SIZE}. */
    public static final int MIN_MAX_MESSAGE_SIZE = 512;

    public static final int LENGTH_PREFIX = 4;

    private GossipWire() {}

    /** Prepends the u32 BE length to {@code body}. */
    public static byte[] frame(byte[] body, int maxMessageSize) throws MessageTooLargeException {
        if (body.length >= maxMessageSize) {
            throw new MessageTooLargeException(body.length, maxMessageSize);
        }
        byte[] out = new byte[LENGTH_PREFIX + body.length];
        int n = body.length;
        out[0] = (byte) (n >>> 24);
        out[1] = (byte) (n >>> 16);
        out[2] = (byte) (n >>> 8);
        out[3] = (byte) n;
        System.arraycopy(body, 0, out, LENGTH_PREFIX, n);
        return out;
    }

    /** The first frame of a {@code /iroh-gossip/1} stream: {@code StreamHeader{topic_id}}, i.e. {@code 00000020 ‖ topic}. */
    public static byte[] streamHeaderFrame(TopicId topic) {
        byte[] out = new byte[LENGTH_PREFIX + TopicId.LENGTH];
        out[3] = TopicId.LENGTH;
        System.arraycopy(topic.bytes(), 0, out, LENGTH_PREFIX, TopicId.LENGTH);
        return out;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }
}
