package com.kafkaconnectiroh.p2p.quic;

/**
 * Stream ID arithmetic (RFC 9000 §2.1): bit 0 is the initiator (0 client, 1 server), bit 1 the direction
 * (0 bidirectional, 1 unidirectional); the rest counts streams of that type.
 */
public final class StreamId {
    private StreamId() {
    }

    public static boolean isClientInitiated(long id) {
        return (id & 1) == 0;
    }

    public static boolean isBidi(long id) {
        return (id & 2) == 0;
    }

    public static boolean isUni(long id) {
        return (id & 2) != 0;
    }

    /** The n-th stream (0-based) of a type. */
    public static long of(boolean clientInitiated, boolean bidi, long index) {
        return (index << 2) | (clientInitiated ? 0 : 1) | (bidi ? 0 : 2);
    }

    public static long index(long id) {
        return id >>> 2;
    }

    public static boolean isLocal(long id, boolean weAreClient) {
        return isClientInitiated(id) == weAreClient;
    }
}
