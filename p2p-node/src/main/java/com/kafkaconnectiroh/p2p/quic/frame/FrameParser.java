package com.kafkaconnectiroh.p2p.quic.frame;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.wire.ByteReader;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import com.kafkaconnectiroh.p2p.quic.wire.VarInt;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Decodes the frames of one decrypted packet payload in order. Malformed frames are a {@link TransportException}
 * with FRAME_ENCODING_ERROR and the frame type; unknown types too (RFC 9000 §12.4); non-minimal type
 * encodings are a PROTOCOL_VIOLATION.
 */
public final class FrameParser {
    private static final Frame.Ping PING = new Frame.Ping();
    private static final Frame.HandshakeDone HANDSHAKE_DONE = new Frame.HandshakeDone();
    /** Bound on ACK ranges decoded from one frame; a packet cannot carry more than this many anyway. */
    private static final int MAX_ACK_RANGES = 1024;
    /** Path IDs are u32 (draft-ietf-quic-multipath §2). */
    public static final long MAX_PATH_ID = 0xffff_ffffL;

    private final ByteReader in = new ByteReader();

    public FrameParser reset(byte[] buf, int off, int end) {
        in.reset(buf, off, end);
        return this;
    }

    public boolean hasNext() {
        return in.hasRemaining();
    }

    public Frame next() throws TransportException {
        int start = in.position();
        long type = in.varint();
        if (in.position() - start != VarInt.size(type)) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, type,
                    "frame type 0x" + Long.toHexString(type) + " not minimally encoded");
        }
        try {
            return decode(type);
        } catch (TransportException e) {
            throw e.frameType() == TransportException.NO_FRAME ? e.withFrameType(type) : e;
        }
    }

    private Frame decode(long type) throws TransportException {
        if (type >= FrameType.STREAM && type <= 0x0f) {
            return stream((int) type);
        }
        switch ((int) Math.min(type, Integer.MAX_VALUE)) {
            case FrameType.PADDING: {
                int n = 1;
                byte[] b = in.array();
                int p = in.position();
                int lim = in.limit();
                while (p < lim && b[p] == 0) {
                    p++;
                    n++;
                }
                in.position(p);
                return new Frame.Padding(n);
            }
            case FrameType.PING:
                return PING;
            case FrameType.ACK:
            case FrameType.ACK_ECN:
                return ack(type == FrameType.ACK_ECN);
            case FrameType.RESET_STREAM:
                return new Frame.ResetStream(in.varint(), in.varint(), in.varint());
            case FrameType.STOP_SENDING:
                return new Frame.StopSending(in.varint(), in.varint());
            case FrameType.CRYPTO: {
                long offset = in.varint();
                int len = in.length();
                if (offset + len > VarInt.MAX) {
                    throw encoding("CRYPTO frame ends beyond 2^62-1");
                }
                Frame f = new Frame.Crypto(offset, in.array(), in.position(), len);
                in.skip(len);
                return f;
            }
            case FrameType.NEW_TOKEN: {
                int len = in.length();
                if (len == 0) {
                    throw encoding("NEW_TOKEN with an empty token");
                }
                in.skip(len);
                return new Frame.NewToken(len);
            }
            case FrameType.MAX_DATA:
                return new Frame.MaxData(in.varint());
            case FrameType.MAX_STREAM_DATA:
                return new Frame.MaxStreamData(in.varint(), in.varint());
            case FrameType.MAX_STREAMS_BIDI:
            case FrameType.MAX_STREAMS_UNI:
                return new Frame.MaxStreams(type == FrameType.MAX_STREAMS_BIDI, streamCount());
            case FrameType.DATA_BLOCKED:
                return new Frame.DataBlocked(in.varint());
            case FrameType.STREAM_DATA_BLOCKED:
                return new Frame.StreamDataBlocked(in.varint(), in.varint());
            case FrameType.STREAMS_BLOCKED_BIDI:
            case FrameType.STREAMS_BLOCKED_UNI:
                return new Frame.StreamsBlocked(type == FrameType.STREAMS_BLOCKED_BIDI, streamCount());
            case FrameType.NEW_CONNECTION_ID:
                return newConnectionId("NEW_CONNECTION_ID");
            case FrameType.RETIRE_CONNECTION_ID:
                return new Frame.RetireConnectionId(in.varint());
            case FrameType.PATH_CHALLENGE:
                return new Frame.PathChallenge(u64());
            case FrameType.PATH_RESPONSE:
                return new Frame.PathResponse(u64());
            case FrameType.CONNECTION_CLOSE:
            case FrameType.CONNECTION_CLOSE_APP: {
                boolean app = type == FrameType.CONNECTION_CLOSE_APP;
                long code = in.varint();
                long frameType = app ? 0 : in.varint();
                int len = in.length();
                return new Frame.ConnectionClose(app, code, frameType, in.bytes(len));
            }
            case FrameType.HANDSHAKE_DONE:
                return HANDSHAKE_DONE;
            case FrameType.DATAGRAM:
            case FrameType.DATAGRAM_LEN: {
                int len = type == FrameType.DATAGRAM_LEN ? in.length() : in.remaining();
                Frame f = new Frame.Datagram(in.array(), in.position(), len);
                in.skip(len);
                return f;
            }
            case FrameType.OBSERVED_IPV4_ADDR:
            case FrameType.OBSERVED_IPV6_ADDR:
                return observedAddr(type == FrameType.OBSERVED_IPV4_ADDR ? 4 : 16);
            case FrameType.PATH_ACK:
            case FrameType.PATH_ACK_ECN: {
                long pathId = pathId();
                return new Frame.PathAck(pathId, ack(type == FrameType.PATH_ACK_ECN));
            }
            case FrameType.PATH_ABANDON:
                return new Frame.PathAbandon(pathId(), in.varint());
            case FrameType.PATH_STATUS_BACKUP:
            case FrameType.PATH_STATUS_AVAILABLE:
                return new Frame.PathStatus(pathId(), in.varint(), type == FrameType.PATH_STATUS_AVAILABLE);
            case FrameType.PATH_NEW_CONNECTION_ID: {
                long pathId = pathId();
                Frame.NewConnectionId n = newConnectionId("PATH_NEW_CONNECTION_ID");
                return new Frame.PathNewConnectionId(pathId, n.sequence(), n.retirePriorTo(), n.id(), n.resetToken());
            }
            case FrameType.PATH_RETIRE_CONNECTION_ID:
                return new Frame.PathRetireConnectionId(pathId(), in.varint());
            case FrameType.MAX_PATH_ID:
                return new Frame.MaxPathId(pathId());
            case FrameType.PATHS_BLOCKED:
                return new Frame.PathsBlocked(pathId());
            case FrameType.PATH_CIDS_BLOCKED:
                return new Frame.PathCidsBlocked(pathId(), in.varint());
            case FrameType.ADD_ADDRESS_V4:
            case FrameType.ADD_ADDRESS_V6: {
                long seq = in.varint();
                return new Frame.AddAddress(seq, address(type == FrameType.ADD_ADDRESS_V6));
            }
            case FrameType.REACH_OUT_V4:
            case FrameType.REACH_OUT_V6: {
                long round = in.varint();
                return new Frame.ReachOut(round, address(type == FrameType.REACH_OUT_V6));
            }
            case FrameType.REMOVE_ADDRESS:
                return new Frame.RemoveAddress(in.varint());
            default:
                throw new TransportException(TransportError.FRAME_ENCODING_ERROR, type,
                        "unknown frame type 0x" + Long.toHexString(type));
        }
    }

    /** The fields NEW_CONNECTION_ID and PATH_NEW_CONNECTION_ID share (RFC 9000 §19.15). */
    private Frame.NewConnectionId newConnectionId(String name) throws TransportException {
        long seq = in.varint();
        long retirePriorTo = in.varint();
        if (retirePriorTo > seq) {
            throw encoding(name + " retire_prior_to " + retirePriorTo + " > sequence " + seq);
        }
        int len = in.u8();
        if (len < 1 || len > ConnectionId.MAX_LENGTH) {
            throw encoding(name + " length must be 1..20, got " + len);
        }
        ConnectionId cid = ConnectionId.of(in.bytes(len));
        byte[] token = in.bytes(16);
        return new Frame.NewConnectionId(seq, retirePriorTo, cid, token);
    }

    /** A path ID: a u32 carried as a varint (noq-proto {@code PathId}). */
    private long pathId() throws TransportException {
        long id = in.varint();
        if (id > MAX_PATH_ID) {
            throw encoding("path ID " + id + " above 2^32-1");
        }
        return id;
    }

    /** The address of ADD_ADDRESS / REACH_OUT: 4 or 16 address bytes, then the port (u16, network order). */
    private InetSocketAddress address(boolean v6) throws TransportException {
        byte[] ip = in.bytes(v6 ? 16 : 4);
        int port = in.u16();
        try {
            // getByAddress turns a v4-mapped v6 address into an Inet4Address; keep what the wire said
            InetAddress a = v6 ? Inet6Address.getByAddress(null, ip, null) : InetAddress.getByAddress(ip);
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw encoding("bad address: " + e.getMessage());
        }
    }

    private Frame stream(int type) throws TransportException {
        long id = in.varint();
        long offset = (type & FrameType.STREAM_OFF) != 0 ? in.varint() : 0;
        int len = (type & FrameType.STREAM_LEN) != 0 ? in.length() : in.remaining();
        if (offset + len > VarInt.MAX) {
            throw encoding("STREAM frame ends beyond 2^62-1");
        }
        Frame f = new Frame.Stream(id, offset, in.array(), in.position(), len, (type & FrameType.STREAM_FIN) != 0);
        in.skip(len);
        return f;
    }

    private Frame.Ack ack(boolean ecn) throws TransportException {
        long largest = in.varint();
        long delay = in.varint();
        long count = in.varint();
        long first = in.varint();
        if (first > largest) {
            throw encoding("ACK first range " + first + " exceeds largest acknowledged " + largest);
        }
        if (count > MAX_ACK_RANGES || count > in.remaining()) {
            throw encoding("ACK range count " + count + " exceeds what the frame can hold");
        }
        long[] ranges = new long[2 * (int) (count + 1)];
        ranges[0] = largest;
        long smallest = largest - first;
        ranges[1] = smallest;
        for (int i = 1; i <= count; i++) {
            long gap = in.varint();
            long len = in.varint();
            long hi = smallest - gap - 2;
            long lo = hi - len;
            if (hi < 0 || lo < 0) {
                throw encoding("ACK range goes below packet number 0");
            }
            ranges[2 * i] = hi;
            ranges[2 * i + 1] = lo;
            smallest = lo;
        }
        long ect0 = -1;
        long ect1 = -1;
        long ce = -1;
        if (ecn) {
            ect0 = in.varint();
            ect1 = in.varint();
            ce = in.varint();
        }
        return new Frame.Ack(largest, delay, ranges, ect0, ect1, ce);
    }

    private Frame observedAddr(int ipLength) throws TransportException {
        long seq = in.varint();
        byte[] ip = in.bytes(ipLength);
        int port = in.u16();
        try {
            return new Frame.ObservedAddr(seq, new InetSocketAddress(InetAddress.getByAddress(ip), port));
        } catch (UnknownHostException e) {
            throw encoding("OBSERVED_ADDR address of " + ipLength + " bytes: " + e.getMessage()); // cannot happen
        }
    }

    private long streamCount() throws TransportException {
        long v = in.varint();
        if (v > (1L << 60)) {
            throw encoding("stream count " + v + " exceeds 2^60");
        }
        return v;
    }

    private long u64() throws TransportException {
        long hi = in.u32();
        long lo = in.u32();
        return (hi << 32) | lo;
    }

    private static TransportException encoding(String msg) {
        return new TransportException(TransportError.FRAME_ENCODING_ERROR, msg);
    }
}
