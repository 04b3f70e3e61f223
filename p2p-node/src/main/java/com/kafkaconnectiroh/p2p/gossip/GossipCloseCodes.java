package com.kafkaconnectiroh.p2p.gossip;

/**
 * QUIC application close codes of gossip connections. iroh-gossip itself only ever closes with 0 ("close from
 * disconnect"); the others are ours and name why we dropped a peer, which iroh logs as
 * {@code closed by peer: <reason> (code N)}.
 */
public final class GossipCloseCodes {
    /** Orderly end: both sides are done with the connection (reason "close from disconnect", as iroh). */
    public static final long NORMAL = 0;
    /** The peer sent bytes that are not a gossip frame of the negotiated version (bad postcard, unknown kind). */
    public static final long PROTOCOL_VIOLATION = 1;
    /** The peer announced a frame longer than our max message size. */
    public static final long FRAME_TOO_LARGE = 2;
    /** The peer does not take our messages (its flow control stalled us) and our bounded send queue overflowed. */
    public static final long SEND_QUEUE_OVERFLOW = 3;

    public static final String REASON_NORMAL = "close from disconnect";
    public static final String REASON_SHUTDOWN = "gossip shutting down";

    private GossipCloseCodes() {
    }
}
