package com.kafkaconnectiroh.p2p.quic.frame;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import java.net.InetSocketAddress;

/**
 * A decoded frame (RFC 9000 §19). Data-carrying frames ({@link Stream}, {@link Crypto}, {@link Datagram}) point
 * into the decrypted packet buffer rather than copying; they are valid only until the next packet is decoded.
 */
public sealed interface Frame {

    /** The frame's wire type (for STREAM the base 0x08, flags dropped). */
    long type();

    /** One or more PADDING bytes, merged. */
    record Padding(int length) implements Frame {
        public long type() {
            return FrameType.PADDING;
        }
    }

    record Ping() implements Frame {
        public long type() {
            return FrameType.PING;
        }
    }

    /**
     * ACK (RFC 9000 §19.3). {@code ranges} holds {@code [largest0, smallest0, largest1, smallest1, ...]},
     * inclusive, in descending order; the first pair starts at {@code largest}. ECN counts are -1 if absent.
     */
    record Ack(long largest, long ackDelay, long[] ranges, long ect0, long ect1, long ce) implements Frame {
        public long type() {
            return ect0 < 0 ? FrameType.ACK : FrameType.ACK_ECN;
        }

        public int rangeCount() {
            return ranges.length / 2;
        }
    }

    record ResetStream(long streamId, long errorCode, long finalSize) implements Frame {
        public long type() {
            return FrameType.RESET_STREAM;
        }
    }

    record StopSending(long streamId, long errorCode) implements Frame {
        public long type() {
            return FrameType.STOP_SENDING;
        }
    }

    record Crypto(long offset, byte[] buf, int off, int len) implements Frame {
        public long type() {
            return FrameType.CRYPTO;
        }
    }

    record NewToken(int length) implements Frame {
        public long type() {
            return FrameType.NEW_TOKEN;
        }
    }

    record Stream(long streamId, long offset, byte[] buf, int off, int len, boolean fin) implements Frame {
        public long type() {
            return FrameType.STREAM;
        }
    }

    record MaxData(long max) implements Frame {
        public long type() {
            return FrameType.MAX_DATA;
        }
    }

    record MaxStreamData(long streamId, long max) implements Frame {
        public long type() {
            return FrameType.MAX_STREAM_DATA;
        }
    }

    record MaxStreams(boolean bidi, long max) implements Frame {
        public long type() {
            return bidi ? FrameType.MAX_STREAMS_BIDI : FrameType.MAX_STREAMS_UNI;
        }
    }

    record DataBlocked(long limit) implements Frame {
        public long type() {
            return FrameType.DATA_BLOCKED;
        }
    }

    record StreamDataBlocked(long streamId, long limit) implements Frame {
        public long type() {
            return FrameType.STREAM_DATA_BLOCKED;
        }
    }

    record StreamsBlocked(boolean bidi, long limit) implements Frame {
        public long type() {
            return bidi ? FrameType.STREAMS_BLOCKED_BIDI : FrameType.STREAMS_BLOCKED_UNI;
        }
    }

    record NewConnectionId(long sequence, long retirePriorTo, ConnectionId id, byte[] resetToken) implements Frame {
        public long type() {
            return FrameType.NEW_CONNECTION_ID;
        }
    }

    record RetireConnectionId(long sequence) implements Frame {
        public long type() {
            return FrameType.RETIRE_CONNECTION_ID;
        }
    }

    record PathChallenge(long data) implements Frame {
        public long type() {
            return FrameType.PATH_CHALLENGE;
        }
    }

    record PathResponse(long data) implements Frame {
        public long type() {
            return FrameType.PATH_RESPONSE;
        }
    }

    /** CONNECTION_CLOSE; {@code application} for type 0x1d, whose {@code frameType} is always 0. */
    record ConnectionClose(boolean application, long errorCode, long frameType, byte[] reason) implements Frame {
        public long type() {
            return application ? FrameType.CONNECTION_CLOSE_APP : FrameType.CONNECTION_CLOSE;
        }
    }

    record HandshakeDone() implements Frame {
        public long type() {
            return FrameType.HANDSHAKE_DONE;
        }
    }

    record Datagram(byte[] buf, int off, int len) implements Frame {
        public long type() {
            return FrameType.DATAGRAM;
        }
    }

    /**
     * OBSERVED_IPV4_ADDR / OBSERVED_IPV6_ADDR: the sender saw us at {@code address}; {@code sequence} orders reports
     * (a receiver ignores any not above the last one).
     */
    record ObservedAddr(long sequence, java.net.InetSocketAddress address) implements Frame {
        public long type() {
            return address.getAddress() instanceof java.net.Inet4Address ? FrameType.OBSERVED_IPV4_ADDR
                    : FrameType.OBSERVED_IPV6_ADDR;
        }
    }

    // ---- QUIC multipath (draft-ietf-quic-multipath as noq-proto 1.0.1 implements it)

    /** PATH_ACK: an {@link Ack} of the packet number space of {@code pathId}. */
    record PathAck(long pathId, Ack ack) implements Frame {
        public long type() {
            return ack.ect0() < 0 ? FrameType.PATH_ACK : FrameType.PATH_ACK_ECN;
        }
    }

    record PathAbandon(long pathId, long errorCode) implements Frame {
        public long type() {
            return FrameType.PATH_ABANDON;
        }
    }

    /** PATH_STATUS_AVAILABLE ({@code available}) or PATH_STATUS_BACKUP, with its per-path sequence number. */
    record PathStatus(long pathId, long sequence, boolean available) implements Frame {
        public long type() {
            return available ? FrameType.PATH_STATUS_AVAILABLE : FrameType.PATH_STATUS_BACKUP;
        }
    }

    record PathNewConnectionId(long pathId, long sequence, long retirePriorTo, ConnectionId id, byte[] resetToken)
            implements Frame {
        public long type() {
            return FrameType.PATH_NEW_CONNECTION_ID;
        }
    }

    record PathRetireConnectionId(long pathId, long sequence) implements Frame {
        public long type() {
            return FrameType.PATH_RETIRE_CONNECTION_ID;
        }
    }

    record MaxPathId(long pathId) implements Frame {
        public long type() {
            return FrameType.MAX_PATH_ID;
        }
    }

    record PathsBlocked(long maxPathId) implements Frame {
        public long type() {
            return FrameType.PATHS_BLOCKED;
        }
    }

    record PathCidsBlocked(long pathId, long nextSequence) implements Frame {
        public long type() {
            return FrameType.PATH_CIDS_BLOCKED;
        }
    }

    // ---- n0 QUIC NAT traversal (noq-proto 1.0.1 n0_nat_traversal.rs)

    /** Server to client: a candidate address of the server, numbered. */
    record AddAddress(long sequence, InetSocketAddress address) implements Frame {
        public long type() {
            return address.getAddress() instanceof java.net.Inet4Address ? FrameType.ADD_ADDRESS_V4
                    : FrameType.ADD_ADDRESS_V6;
        }
    }

    /** Client to server: probe this client candidate in round {@code round}. */
    record ReachOut(long round, InetSocketAddress address) implements Frame {
        public long type() {
            return address.getAddress() instanceof java.net.Inet4Address ? FrameType.REACH_OUT_V4
                    : FrameType.REACH_OUT_V6;
        }
    }

    record RemoveAddress(long sequence) implements Frame {
        public long type() {
            return FrameType.REMOVE_ADDRESS;
        }
    }
}
