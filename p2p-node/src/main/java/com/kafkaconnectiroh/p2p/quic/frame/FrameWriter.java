package com.kafkaconnectiroh.p2p.quic.frame;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.util.RangeSet;
import com.kafkaconnectiroh.p2p.quic.wire.VarInt;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * Encodes frames straight into a packet payload array (RFC 9000 §19). Each method writes at {@code p} and returns
 * the position after the frame; callers check space first with the matching size method.
 */
public final class FrameWriter {
    private FrameWriter() {
    }

    public static int padding(byte[] b, int p, int n) {
        java.util.Arrays.fill(b, p, p + n, (byte) 0);
        return p + n;
    }

    public static int ping(byte[] b, int p) {
        b[p] = FrameType.PING;
        return p + 1;
    }

    public static int handshakeDone(byte[] b, int p) {
        b[p] = FrameType.HANDSHAKE_DONE;
        return p + 1;
    }

    /**
     * Writes an ACK for the packet numbers in {@code received} (ascending ranges), newest ranges first, as many as
     * fit in {@code maxLen} bytes and at most {@code maxRanges} (capped at 64, so the count is one byte).
     * Returns -1 if not even the first range fits.
     */
    public static int ack(byte[] b, int p, RangeSet received, long encodedDelay, int maxLen, int maxRanges,
                          long ect0, long ect1, long ce) {
        return ack(b, p, -1, received, encodedDelay, maxLen, maxRanges, ect0, ect1, ce);
    }

    /** Like {@link #ack} as a PATH_ACK of path {@code pathId}'s packet number space (multipath). */
    public static int pathAck(byte[] b, int p, long pathId, RangeSet received, long encodedDelay, int maxLen,
                              int maxRanges) {
        return ack(b, p, pathId, received, encodedDelay, maxLen, maxRanges, -1, -1, -1);
    }

    private static int ack(byte[] b, int p, long pathId, RangeSet received, long encodedDelay, int maxLen,
                           int maxRanges, long ect0, long ect1, long ce) {
        maxRanges = Math.min(maxRanges, 64);
        int n = received.size();
        if (n == 0) {
            return -1;
        }
        boolean ecn = ect0 >= 0;
        long largest = received.end(n - 1) - 1;
        long firstRange = largest - received.start(n - 1);
        int base = 1 + (pathId >= 0 ? VarInt.size(pathId) : 0) + VarInt.size(largest) + VarInt.size(encodedDelay) + 1
                + VarInt.size(firstRange);
        int ecnLen = ecn ? VarInt.size(ect0) + VarInt.size(ect1) + VarInt.size(ce) : 0;
        if (base + ecnLen > maxLen) {
            return -1;
        }
        // count how many extra ranges fit
        int used = base + ecnLen;
        int extra = 0;
        long prevSmallest = received.start(n - 1);
        for (int i = n - 2; i >= 0 && extra < maxRanges - 1; i--) {
            long gap = prevSmallest - received.end(i) - 1;
            long len = received.end(i) - 1 - received.start(i);
            int sz = VarInt.size(gap) + VarInt.size(len);
            if (used + sz > maxLen) {
                break;
            }
            used += sz;
            extra++;
            prevSmallest = received.start(i);
        }
        if (pathId >= 0) {
            b[p++] = (byte) (ecn ? FrameType.PATH_ACK_ECN : FrameType.PATH_ACK);
            p = VarInt.write(b, p, pathId);
        } else {
            b[p++] = (byte) (ecn ? FrameType.ACK_ECN : FrameType.ACK);
        }
        p = VarInt.write(b, p, largest);
        p = VarInt.write(b, p, encodedDelay);
        p = VarInt.write(b, p, extra);
        p = VarInt.write(b, p, firstRange);
        prevSmallest = received.start(n - 1);
        for (int k = 0, i = n - 2; k < extra; k++, i--) {
            long gap = prevSmallest - received.end(i) - 1;
            long len = received.end(i) - 1 - received.start(i);
            p = VarInt.write(b, p, gap);
            p = VarInt.write(b, p, len);
            prevSmallest = received.start(i);
        }
        if (ecn) {
            p = VarInt.write(b, p, ect0);
            p = VarInt.write(b, p, ect1);
            p = VarInt.write(b, p, ce);
        }
        return p;
    }

    public static int resetStream(byte[] b, int p, long id, long code, long finalSize) {
        b[p++] = FrameType.RESET_STREAM;
        p = VarInt.write(b, p, id);
        p = VarInt.write(b, p, code);
        return VarInt.write(b, p, finalSize);
    }

    public static int resetStreamSize(long id, long code, long finalSize) {
        return 1 + VarInt.size(id) + VarInt.size(code) + VarInt.size(finalSize);
    }

    public static int stopSending(byte[] b, int p, long id, long code) {
        b[p++] = FrameType.STOP_SENDING;
        p = VarInt.write(b, p, id);
        return VarInt.write(b, p, code);
    }

    public static int stopSendingSize(long id, long code) {
        return 1 + VarInt.size(id) + VarInt.size(code);
    }

    /** CRYPTO frame header (type, offset, length); the data follows. */
    public static int cryptoHeader(byte[] b, int p, long offset, int len) {
        b[p++] = FrameType.CRYPTO;
        p = VarInt.write(b, p, offset);
        return VarInt.write(b, p, len);
    }

    public static int cryptoHeaderSize(long offset, int len) {
        return 1 + VarInt.size(offset) + VarInt.size(len);
    }

    /** STREAM frame header; with {@code withLength} false the data runs to the end of the packet. */
    public static int streamHeader(byte[] b, int p, long id, long offset, int len, boolean fin, boolean withLength) {
        int type = FrameType.STREAM | (offset != 0 ? FrameType.STREAM_OFF : 0) | (withLength ? FrameType.STREAM_LEN : 0)
                | (fin ? FrameType.STREAM_FIN : 0);
        b[p++] = (byte) type;
        p = VarInt.write(b, p, id);
        if (offset != 0) {
            p = VarInt.write(b, p, offset);
        }
        if (withLength) {
            p = VarInt.write(b, p, len);
        }
        return p;
    }

    public static int streamHeaderSize(long id, long offset, int len, boolean withLength) {
        return 1 + VarInt.size(id) + (offset != 0 ? VarInt.size(offset) : 0) + (withLength ? VarInt.size(len) : 0);
    }

    public static int maxData(byte[] b, int p, long max) {
        b[p++] = FrameType.MAX_DATA;
        return VarInt.write(b, p, max);
    }

    public static int maxStreamData(byte[] b, int p, long id, long max) {
        b[p++] = FrameType.MAX_STREAM_DATA;
        p = VarInt.write(b, p, id);
        return VarInt.write(b, p, max);
    }

    public static int maxStreams(byte[] b, int p, boolean bidi, long max) {
        b[p++] = (byte) (bidi ? FrameType.MAX_STREAMS_BIDI : FrameType.MAX_STREAMS_UNI);
        return VarInt.write(b, p, max);
    }

    public static int dataBlocked(byte[] b, int p, long limit) {
        b[p++] = FrameType.DATA_BLOCKED;
        return VarInt.write(b, p, limit);
    }

    public static int streamDataBlocked(byte[] b, int p, long id, long limit) {
        b[p++] = FrameType.STREAM_DATA_BLOCKED;
        p = VarInt.write(b, p, id);
        return VarInt.write(b, p, limit);
    }

    public static int streamsBlocked(byte[] b, int p, boolean bidi, long limit) {
        b[p++] = (byte) (bidi ? FrameType.STREAMS_BLOCKED_BIDI : FrameType.STREAMS_BLOCKED_UNI);
        return VarInt.write(b, p, limit);
    }

    public static int newConnectionId(byte[] b, int p, long seq, long retirePriorTo, ConnectionId cid, byte[] token) {
        b[p++] = FrameType.NEW_CONNECTION_ID;
        return newConnectionIdBody(b, p, seq, retirePriorTo, cid, token);
    }

    /** What NEW_CONNECTION_ID and PATH_NEW_CONNECTION_ID share after the type (and path ID). */
    private static int newConnectionIdBody(byte[] b, int p, long seq, long retirePriorTo, ConnectionId cid,
                                           byte[] token) {
        p = VarInt.write(b, p, seq);
        p = VarInt.write(b, p, retirePriorTo);
        b[p++] = (byte) cid.length();
        p = cid.writeTo(b, p);
        System.arraycopy(token, 0, b, p, 16);
        return p + 16;
    }

    public static int newConnectionIdSize(long seq, long retirePriorTo, ConnectionId cid) {
        return 1 + VarInt.size(seq) + VarInt.size(retirePriorTo) + 1 + cid.length() + 16;
    }

    public static int retireConnectionId(byte[] b, int p, long seq) {
        b[p++] = FrameType.RETIRE_CONNECTION_ID;
        return VarInt.write(b, p, seq);
    }

    public static int pathChallenge(byte[] b, int p, long data) {
        b[p++] = FrameType.PATH_CHALLENGE;
        return u64(b, p, data);
    }

    public static int pathResponse(byte[] b, int p, long data) {
        b[p++] = FrameType.PATH_RESPONSE;
        return u64(b, p, data);
    }

    private static int u64(byte[] b, int p, long v) {
        for (int i = 7; i >= 0; i--) {
            b[p++] = (byte) (v >>> (8 * i));
        }
        return p;
    }

    public static int connectionClose(byte[] b, int p, boolean application, long code, long frameType, byte[] reason,
                                      int reasonLen) {
        b[p++] = (byte) (application ? FrameType.CONNECTION_CLOSE_APP : FrameType.CONNECTION_CLOSE);
        p = VarInt.write(b, p, code);
        if (!application) {
            p = VarInt.write(b, p, frameType);
        }
        p = VarInt.write(b, p, reasonLen);
        System.arraycopy(reason, 0, b, p, reasonLen);
        return p + reasonLen;
    }

    public static int connectionCloseSize(boolean application, long code, long frameType, int reasonLen) {
        return 1 + VarInt.size(code) + (application ? 0 : VarInt.size(frameType)) + VarInt.size(reasonLen) + reasonLen;
    }

    public static int newToken(byte[] b, int p, byte[] token) {
        b[p++] = FrameType.NEW_TOKEN;
        p = VarInt.write(b, p, token.length);
        System.arraycopy(token, 0, b, p, token.length);
        return p + token.length;
    }

    public static int datagram(byte[] b, int p, byte[] data, int off, int len, boolean withLength) {
        b[p++] = (byte) (withLength ? FrameType.DATAGRAM_LEN : FrameType.DATAGRAM);
        if (withLength) {
            p = VarInt.write(b, p, len);
        }
        System.arraycopy(data, off, b, p, len);
        return p + len;
    }

    /**
     * OBSERVED_IPV4_ADDR or OBSERVED_IPV6_ADDR (by the address family; an IPv4-mapped IPv6 address goes out as
     * IPv4, the way iroh canonicalises it): {@code seq}, the address bytes, the port (IROH-WIRE-MAP-RELAY §2.2).
     */
    public static int observedAddr(byte[] b, int p, long seq, InetSocketAddress addr) {
        byte[] ip = addr.getAddress().getAddress();
        p = VarInt.write(b, p, ip.length == 4 ? FrameType.OBSERVED_IPV4_ADDR : FrameType.OBSERVED_IPV6_ADDR);
        p = VarInt.write(b, p, seq);
        System.arraycopy(ip, 0, b, p, ip.length);
        p += ip.length;
        b[p++] = (byte) (addr.getPort() >>> 8);
        b[p++] = (byte) addr.getPort();
        return p;
    }

    public static int observedAddrSize(long seq, InetSocketAddress addr) {
        return 4 + VarInt.size(seq) + addr.getAddress().getAddress().length + 2;
    }

    // ---- QUIC multipath (codepoints of noq-proto 1.0.1, see FrameType)

    public static int pathAbandon(byte[] b, int p, long pathId, long errorCode) {
        p = VarInt.write(b, p, FrameType.PATH_ABANDON);
        p = VarInt.write(b, p, pathId);
        return VarInt.write(b, p, errorCode);
    }

    public static int pathStatus(byte[] b, int p, long pathId, long sequence, boolean available) {
        p = VarInt.write(b, p, available ? FrameType.PATH_STATUS_AVAILABLE : FrameType.PATH_STATUS_BACKUP);
        p = VarInt.write(b, p, pathId);
        return VarInt.write(b, p, sequence);
    }

    public static int pathNewConnectionId(byte[] b, int p, long pathId, long seq, long retirePriorTo,
                                          ConnectionId cid, byte[] token) {
        p = VarInt.write(b, p, FrameType.PATH_NEW_CONNECTION_ID);
        p = VarInt.write(b, p, pathId);
        return newConnectionIdBody(b, p, seq, retirePriorTo, cid, token);
    }

    public static int pathNewConnectionIdSize(long pathId, long seq, long retirePriorTo, ConnectionId cid) {
        return 2 + VarInt.size(pathId) + VarInt.size(seq) + VarInt.size(retirePriorTo) + 1 + cid.length() + 16;
    }

    public static int pathRetireConnectionId(byte[] b, int p, long pathId, long seq) {
        p = VarInt.write(b, p, FrameType.PATH_RETIRE_CONNECTION_ID);
        p = VarInt.write(b, p, pathId);
        return VarInt.write(b, p, seq);
    }

    public static int maxPathId(byte[] b, int p, long pathId) {
        p = VarInt.write(b, p, FrameType.MAX_PATH_ID);
        return VarInt.write(b, p, pathId);
    }

    public static int pathsBlocked(byte[] b, int p, long maxPathId) {
        p = VarInt.write(b, p, FrameType.PATHS_BLOCKED);
        return VarInt.write(b, p, maxPathId);
    }

    public static int pathCidsBlocked(byte[] b, int p, long pathId, long nextSeq) {
        p = VarInt.write(b, p, FrameType.PATH_CIDS_BLOCKED);
        p = VarInt.write(b, p, pathId);
        return VarInt.write(b, p, nextSeq);
    }

    /** Bytes of any of the multipath frames above with up to two varint fields (at most 2 + 8 + 8). */
    public static final int MAX_PATH_CONTROL_SIZE = 18;

    // ---- n0 QUIC NAT traversal

    public static int addAddress(byte[] b, int p, long seq, InetSocketAddress address) {
        boolean v4 = address.getAddress() instanceof Inet4Address;
        p = VarInt.write(b, p, v4 ? FrameType.ADD_ADDRESS_V4 : FrameType.ADD_ADDRESS_V6);
        p = VarInt.write(b, p, seq);
        return socketAddress(b, p, address);
    }

    public static int reachOut(byte[] b, int p, long round, InetSocketAddress address) {
        boolean v4 = address.getAddress() instanceof Inet4Address;
        p = VarInt.write(b, p, v4 ? FrameType.REACH_OUT_V4 : FrameType.REACH_OUT_V6);
        p = VarInt.write(b, p, round);
        return socketAddress(b, p, address);
    }

    /** ADD_ADDRESS or REACH_OUT with this address: type (4 bytes), number, ip, port. */
    public static int addressFrameSize(long number, InetSocketAddress address) {
        return 4 + VarInt.size(number) + address.getAddress().getAddress().length + 2;
    }

    public static int removeAddress(byte[] b, int p, long seq) {
        p = VarInt.write(b, p, FrameType.REMOVE_ADDRESS);
        return VarInt.write(b, p, seq);
    }

    private static int socketAddress(byte[] b, int p, InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        System.arraycopy(ip, 0, b, p, ip.length);
        p += ip.length;
        b[p++] = (byte) (address.getPort() >>> 8);
        b[p++] = (byte) address.getPort();
        return p;
    }
}
