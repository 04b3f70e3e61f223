package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPacket;

/**
 * Running frame counts of one direction, by frame type: a {@code long[]} bumped per frame, turned into a {@link
 * ConnectionStats.FrameStats} only when stats are asked for. Variants of one frame (STREAM's flag bits, ACK with
 * ECN, the two MAX_STREAMS, STREAMS_BLOCKED and CONNECTION_CLOSE types, DATAGRAM with length) count as one.
 */
final class FrameCounts {
    /** Frame types up to HANDSHAKE_DONE index themselves; 0x1f (unassigned) holds DATAGRAM. */
    private static final int DATAGRAM_SLOT = 0x1f;
    /** Extension frames (address discovery, multipath, NAT traversal) other than PATH_ACK, which counts as an ACK; not in the stats. */
    private static final int EXTENSION_SLOT = 0x20;
    private final long[] byType = new long[0x21];

    void count(long type) {
        byType[slot(type)]++;
    }

    void count(long type, int frames) {
        byType[slot(type)] += frames;
    }

    private static int slot(long type) {
        if (type >= FrameType.STREAM && type <= 0x0f) {
            return FrameType.STREAM;
        }
        if (type == FrameType.ACK_ECN || type == FrameType.PATH_ACK || type == FrameType.PATH_ACK_ECN) {
            return FrameType.ACK;
        }
        if (type == FrameType.MAX_STREAMS_UNI) {
            return FrameType.MAX_STREAMS_BIDI;
        }
        if (type == FrameType.STREAMS_BLOCKED_UNI) {
            return FrameType.STREAMS_BLOCKED_BIDI;
        }
        if (type == FrameType.CONNECTION_CLOSE_APP) {
            return FrameType.CONNECTION_CLOSE;
        }
        if (type == FrameType.DATAGRAM || type == FrameType.DATAGRAM_LEN) {
            return DATAGRAM_SLOT;
        }
        return type < DATAGRAM_SLOT ? (int) type : EXTENSION_SLOT;
    }

    /**
     * The frames a packet's record says it carried: its ACK, CRYPTO and STREAM frames, the control frames kept
     * for retransmission and the one-bit ones (PING, HANDSHAKE_DONE, MAX_DATA, ...). Frames sent without a record
     * (path probes, DATAGRAM, CONNECTION_CLOSE) are counted where they are written.
     */
    void countSent(SentPacket p) {
        if (p.largestAckSent >= 0) {
            byType[FrameType.ACK]++;
        }
        byType[FrameType.CRYPTO] += p.cryptoCount;
        byType[FrameType.STREAM] += p.streamCount;
        for (int i = 0; i < p.controlCount; i++) {
            byType[switch (p.controlKinds[i]) {
                case SentPacket.K_MAX_STREAM_DATA -> FrameType.MAX_STREAM_DATA;
                case SentPacket.K_RESET_STREAM -> FrameType.RESET_STREAM;
                case SentPacket.K_STOP_SENDING -> FrameType.STOP_SENDING;
                case SentPacket.K_NEW_CONNECTION_ID -> FrameType.NEW_CONNECTION_ID;
                case SentPacket.K_RETIRE_CONNECTION_ID -> FrameType.RETIRE_CONNECTION_ID;
                case SentPacket.K_PATH_FRAME -> EXTENSION_SLOT;
                default -> FrameType.STREAM_DATA_BLOCKED;
            }]++;
        }
        int f = p.flags;
        if (f == 0) {
            return;
        }
        countFlag(f, SentPacket.F_PING, FrameType.PING);
        countFlag(f, SentPacket.F_HANDSHAKE_DONE, FrameType.HANDSHAKE_DONE);
        countFlag(f, SentPacket.F_MAX_DATA, FrameType.MAX_DATA);
        countFlag(f, SentPacket.F_MAX_STREAMS_BIDI, FrameType.MAX_STREAMS_BIDI);
        countFlag(f, SentPacket.F_MAX_STREAMS_UNI, FrameType.MAX_STREAMS_BIDI);
        countFlag(f, SentPacket.F_DATA_BLOCKED, FrameType.DATA_BLOCKED);
        countFlag(f, SentPacket.F_STREAMS_BLOCKED_BIDI, FrameType.STREAMS_BLOCKED_BIDI);
        countFlag(f, SentPacket.F_STREAMS_BLOCKED_UNI, FrameType.STREAMS_BLOCKED_BIDI);
    }

    private void countFlag(int flags, int flag, int type) {
        if ((flags & flag) != 0) {
            byType[type]++;
        }
    }

    ConnectionStats.FrameStats snapshot() {
        long[] c = byType;
        return new ConnectionStats.FrameStats(c[FrameType.ACK], c[FrameType.CRYPTO], c[FrameType.STREAM],
                c[FrameType.PING], c[FrameType.RESET_STREAM], c[FrameType.STOP_SENDING], c[FrameType.NEW_TOKEN],
                c[FrameType.MAX_DATA], c[FrameType.MAX_STREAM_DATA], c[FrameType.MAX_STREAMS_BIDI],
                c[FrameType.DATA_BLOCKED], c[FrameType.STREAM_DATA_BLOCKED], c[FrameType.STREAMS_BLOCKED_BIDI],
                c[FrameType.NEW_CONNECTION_ID], c[FrameType.RETIRE_CONNECTION_ID], c[FrameType.PATH_CHALLENGE],
                c[FrameType.PATH_RESPONSE], c[FrameType.CONNECTION_CLOSE], c[FrameType.HANDSHAKE_DONE],
                c[DATAGRAM_SLOT]);
    }
}
