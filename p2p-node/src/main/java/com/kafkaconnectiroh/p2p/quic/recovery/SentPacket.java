package com.kafkaconnectiroh.p2p.quic.recovery;

import java.util.Arrays;

/**
 * What we need to remember about a sent packet until it is acknowledged or declared lost (RFC 9002 §A.1.1): its
 * size and timing for recovery, and which retransmittable frames it carried so they can be queued again if it is
 * lost. Pooled and reused; the frame lists are flat arrays so recording a packet allocates nothing.
 */
public final class SentPacket {
    // control frames whose latest value is resent (flags)
    public static final int F_HANDSHAKE_DONE = 1;
    public static final int F_MAX_DATA = 1 << 1;
    public static final int F_MAX_STREAMS_BIDI = 1 << 2;
    public static final int F_MAX_STREAMS_UNI = 1 << 3;
    public static final int F_DATA_BLOCKED = 1 << 4;
    public static final int F_STREAMS_BLOCKED_BIDI = 1 << 5;
    public static final int F_STREAMS_BLOCKED_UNI = 1 << 6;
    public static final int F_PING = 1 << 7;
    public static final int F_OBSERVED_ADDR = 1 << 8;

    // control frames naming one stream or sequence number (kinds)
    public static final int K_MAX_STREAM_DATA = 1;
    public static final int K_RESET_STREAM = 2;
    public static final int K_STOP_SENDING = 3;
    public static final int K_NEW_CONNECTION_ID = 4;
    public static final int K_RETIRE_CONNECTION_ID = 5;
    public static final int K_STREAM_DATA_BLOCKED = 6;
    /** A multipath or NAT traversal frame; the argument says which (quic.Multipath). */
    public static final int K_PATH_FRAME = 7;

    public long pn;
    public long timeSent;
    public int size;
    public boolean ackEliciting;
    public boolean inFlight;
    public boolean mtuProbe;
    /** Largest packet number acknowledged by an ACK frame in this packet, or -1. */
    public long largestAckSent = -1;
    public int flags;

    public int streamCount;
    public long[] streamIds = new long[4];
    public long[] streamOffsets = new long[4];
    public int[] streamLens = new int[4];
    public boolean[] streamFins = new boolean[4];

    public int cryptoCount;
    public long[] cryptoOffsets = new long[2];
    public int[] cryptoLens = new int[2];

    public int controlCount;
    public int[] controlKinds = new int[4];
    public long[] controlArgs = new long[4];

    public void clear() {
        pn = -1;
        timeSent = 0;
        size = 0;
        ackEliciting = false;
        inFlight = false;
        mtuProbe = false;
        largestAckSent = -1;
        flags = 0;
        streamCount = 0;
        cryptoCount = 0;
        controlCount = 0;
    }

    public void addStream(long id, long offset, int len, boolean fin) {
        if (streamCount == streamIds.length) {
            int n = streamCount * 2;
            streamIds = Arrays.copyOf(streamIds, n);
            streamOffsets = Arrays.copyOf(streamOffsets, n);
            streamLens = Arrays.copyOf(streamLens, n);
            streamFins = Arrays.copyOf(streamFins, n);
        }
        streamIds[streamCount] = id;
        streamOffsets[streamCount] = offset;
        streamLens[streamCount] = len;
        streamFins[streamCount] = fin;
        streamCount++;
    }

    public void addCrypto(long offset, int len) {
        if (cryptoCount == cryptoOffsets.length) {
            cryptoOffsets = Arrays.copyOf(cryptoOffsets, cryptoCount * 2);
            cryptoLens = Arrays.copyOf(cryptoLens, cryptoCount * 2);
        }
        cryptoOffsets[cryptoCount] = offset;
        cryptoLens[cryptoCount] = len;
        cryptoCount++;
    }

    public void addControl(int kind, long arg) {
        if (controlCount == controlKinds.length) {
            controlKinds = Arrays.copyOf(controlKinds, controlCount * 2);
            controlArgs = Arrays.copyOf(controlArgs, controlCount * 2);
        }
        controlKinds[controlCount] = kind;
        controlArgs[controlCount] = arg;
        controlCount++;
    }
}
