package com.kafkaconnectiroh.p2p.quic.frame;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;

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
}
