package com.kafkaconnectiroh.p2p.quic.params;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.wire.ByteReader;
import com.kafkaconnectiroh.p2p.quic.wire.ByteWriter;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import com.kafkaconnectiroh.p2p.quic.wire.VarInt;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The quic_transport_parameters extension body (RFC 9000 §18). Fields hold the RFC defaults until set or decoded;
 * {@code null} CIDs/tokens mean absent. Unknown parameters are skipped on decode (iroh sends min_ack_delay, a
 * greasing id and, in 1.x, its multipath/NAT-traversal ids).
 */
public final class TransportParameters {
    public static final int ORIGINAL_DESTINATION_CONNECTION_ID = 0x00;
    public static final int MAX_IDLE_TIMEOUT = 0x01;
    public static final int STATELESS_RESET_TOKEN = 0x02;
    public static final int MAX_UDP_PAYLOAD_SIZE = 0x03;
    public static final int INITIAL_MAX_DATA = 0x04;
    public static final int INITIAL_MAX_STREAM_DATA_BIDI_LOCAL = 0x05;
    public static final int INITIAL_MAX_STREAM_DATA_BIDI_REMOTE = 0x06;
    public static final int INITIAL_MAX_STREAM_DATA_UNI = 0x07;
    public static final int INITIAL_MAX_STREAMS_BIDI = 0x08;
    public static final int INITIAL_MAX_STREAMS_UNI = 0x09;
    public static final int ACK_DELAY_EXPONENT = 0x0a;
    public static final int MAX_ACK_DELAY = 0x0b;
    public static final int DISABLE_ACTIVE_MIGRATION = 0x0c;
    public static final int PREFERRED_ADDRESS = 0x0d;
    public static final int ACTIVE_CONNECTION_ID_LIMIT = 0x0e;
    public static final int INITIAL_SOURCE_CONNECTION_ID = 0x0f;
    public static final int RETRY_SOURCE_CONNECTION_ID = 0x10;
    /** RFC 9221. */
    public static final int MAX_DATAGRAM_FRAME_SIZE = 0x20;
    /** draft-ietf-quic-address-discovery, as noq-proto 1.x and iroh's 0.35 fork use it (IROH-WIRE-MAP-RELAY §2.2). */
    public static final long OBSERVED_ADDR = 0x9f81a176L;
    /** draft-ietf-quic-multipath {@code initial_max_path_id}, at noq-proto 1.0.1's codepoint. */
    public static final int INITIAL_MAX_PATH_ID = 0x3e;
    /** n0's QUIC NAT traversal: a one-byte count of addresses the sender accepts (noq-proto 1.0.1). */
    public static final long N0_NAT_TRAVERSAL = 0x3d7f91120401L;

    public ConnectionId originalDestinationConnectionId;
    /** Milliseconds; 0 means no idle timeout. */
    public long maxIdleTimeout;
    public byte[] statelessResetToken;
    public long maxUdpPayloadSize = 65527;
    public long initialMaxData;
    public long initialMaxStreamDataBidiLocal;
    public long initialMaxStreamDataBidiRemote;
    public long initialMaxStreamDataUni;
    public long initialMaxStreamsBidi;
    public long initialMaxStreamsUni;
    public long ackDelayExponent = 3;
    /** Milliseconds. */
    public long maxAckDelay = 25;
    public boolean disableActiveMigration;
    public PreferredAddress preferredAddress;
    public long activeConnectionIdLimit = 2;
    public ConnectionId initialSourceConnectionId;
    public ConnectionId retrySourceConnectionId;
    /** 0 means DATAGRAM frames are not supported. */
    public long maxDatagramFrameSize;
    /** Absent (null) means the peer takes no part in address discovery. */
    public ObservedAddrRole observedAddr;
    /** The highest path ID the sender accepts at first (multipath); -1 means absent: no multipath. */
    public long initialMaxPathId = -1;
    /** How many NAT traversal addresses the sender accepts from its peer, 1..255; 0 means absent. */
    public int natTraversalMaxAddresses;

    public byte[] encode() {
        ByteWriter w = new ByteWriter(512);
        if (originalDestinationConnectionId != null) {
            cid(w, ORIGINAL_DESTINATION_CONNECTION_ID, originalDestinationConnectionId);
        }
        if (maxIdleTimeout != 0) {
            num(w, MAX_IDLE_TIMEOUT, maxIdleTimeout);
        }
        if (statelessResetToken != null) {
            w.varint(STATELESS_RESET_TOKEN).varint(16).bytes(statelessResetToken);
        }
        if (maxUdpPayloadSize != 65527) {
            num(w, MAX_UDP_PAYLOAD_SIZE, maxUdpPayloadSize);
        }
        nonZero(w, INITIAL_MAX_DATA, initialMaxData);
        nonZero(w, INITIAL_MAX_STREAM_DATA_BIDI_LOCAL, initialMaxStreamDataBidiLocal);
        nonZero(w, INITIAL_MAX_STREAM_DATA_BIDI_REMOTE, initialMaxStreamDataBidiRemote);
        nonZero(w, INITIAL_MAX_STREAM_DATA_UNI, initialMaxStreamDataUni);
        nonZero(w, INITIAL_MAX_STREAMS_BIDI, initialMaxStreamsBidi);
        nonZero(w, INITIAL_MAX_STREAMS_UNI, initialMaxStreamsUni);
        if (ackDelayExponent != 3) {
            num(w, ACK_DELAY_EXPONENT, ackDelayExponent);
        }
        if (maxAckDelay != 25) {
            num(w, MAX_ACK_DELAY, maxAckDelay);
        }
        if (disableActiveMigration) {
            w.varint(DISABLE_ACTIVE_MIGRATION).varint(0);
        }
        if (preferredAddress != null) {
            encodePreferredAddress(w, preferredAddress);
        }
        if (activeConnectionIdLimit != 2) {
            num(w, ACTIVE_CONNECTION_ID_LIMIT, activeConnectionIdLimit);
        }
        if (initialSourceConnectionId != null) {
            cid(w, INITIAL_SOURCE_CONNECTION_ID, initialSourceConnectionId);
        }
        if (retrySourceConnectionId != null) {
            cid(w, RETRY_SOURCE_CONNECTION_ID, retrySourceConnectionId);
        }
        nonZero(w, MAX_DATAGRAM_FRAME_SIZE, maxDatagramFrameSize);
        if (observedAddr != null) {
            w.varint(OBSERVED_ADDR).varint(VarInt.size(observedAddr.code)).varint(observedAddr.code);
        }
        if (initialMaxPathId >= 0) {
            num(w, INITIAL_MAX_PATH_ID, initialMaxPathId);
        }
        if (natTraversalMaxAddresses != 0) {
            // a raw byte, not a varint (noq-proto transport_parameters.rs)
            w.varint(N0_NAT_TRAVERSAL).varint(1).u8(natTraversalMaxAddresses);
        }
        // a reserved id (31 * N + 27, RFC 9000 §18.1) so peers keep skipping unknown parameters
        w.varint(31 * 5 + 27).varint(0);
        return w.toByteArray();
    }

    private static void num(ByteWriter w, int id, long v) {
        w.varint(id).varint(VarInt.size(v)).varint(v);
    }

    private static void nonZero(ByteWriter w, int id, long v) {
        if (v != 0) {
            num(w, id, v);
        }
    }

    private static void cid(ByteWriter w, int id, ConnectionId c) {
        w.varint(id).varint(c.length());
        byte[] b = c.toBytes();
        w.bytes(b);
    }

    private static void encodePreferredAddress(ByteWriter w, PreferredAddress a) {
        ConnectionId c = a.connectionId();
        w.varint(PREFERRED_ADDRESS).varint(4 + 2 + 16 + 2 + 1 + c.length() + 16);
        if (a.ipv4() != null) {
            w.bytes(a.ipv4().getAddress().getAddress()).u16(a.ipv4().getPort());
        } else {
            w.zeros(6);
        }
        if (a.ipv6() != null) {
            w.bytes(a.ipv6().getAddress().getAddress()).u16(a.ipv6().getPort());
        } else {
            w.zeros(18);
        }
        w.u8(c.length()).bytes(c.toBytes()).bytes(a.statelessResetToken());
    }

    /**
     * Decodes a peer's parameters. {@code fromServer} tells which side sent them: a client must not send the
     * server-only ones (RFC 9000 §18.2). All violations are TRANSPORT_PARAMETER_ERROR.
     */
    public static TransportParameters decode(byte[] body, boolean fromServer) throws TransportException {
        TransportParameters tp = new TransportParameters();
        ByteReader r = new ByteReader(body);
        long seen = 0; // bitmask of ids 0..0x20 already decoded
        boolean seenMultipath = false;
        boolean seenNatTraversal = false;
        try {
            while (r.hasRemaining()) {
                long id = r.varint();
                int len = r.length();
                int end = r.position() + len;
                if (id <= 0x20) {
                    long bit = 1L << id;
                    if ((seen & bit) != 0) {
                        throw error("duplicate transport parameter 0x" + Long.toHexString(id));
                    }
                    seen |= bit;
                }
                ByteReader v = new ByteReader(body, r.position(), end);
                if (id == INITIAL_MAX_PATH_ID || id == N0_NAT_TRAVERSAL) {
                    boolean mp = id == INITIAL_MAX_PATH_ID;
                    if (mp ? seenMultipath : seenNatTraversal) {
                        throw error("duplicate transport parameter 0x" + Long.toHexString(id));
                    }
                    if (mp) {
                        seenMultipath = true;
                        tp.initialMaxPathId = readNum(v);
                        if (tp.initialMaxPathId > 0xffff_ffffL) {
                            throw error("initial_max_path_id " + tp.initialMaxPathId + " above 2^32-1");
                        }
                    } else {
                        seenNatTraversal = true;
                        if (len != 1) {
                            throw error("n0 NAT traversal parameter must be 1 byte, got " + len);
                        }
                        tp.natTraversalMaxAddresses = v.u8();
                        if (tp.natTraversalMaxAddresses == 0) {
                            throw error("n0 NAT traversal parameter allows 0 addresses");
                        }
                    }
                    r.position(end);
                    continue;
                }
                if (id == OBSERVED_ADDR) {
                    if (tp.observedAddr != null) {
                        throw error("duplicate transport parameter 0x" + Long.toHexString(id));
                    }
                    long role = readNum(v);
                    tp.observedAddr = ObservedAddrRole.of(role);
                    if (tp.observedAddr == null) {
                        throw error("observed_addr role " + role + " is not 0 (send), 1 (receive) or 2 (both)");
                    }
                } else switch ((int) Math.min(id, Integer.MAX_VALUE)) {
                    case ORIGINAL_DESTINATION_CONNECTION_ID -> {
                        serverOnly(fromServer, id);
                        tp.originalDestinationConnectionId = readCid(v, len);
                    }
                    case MAX_IDLE_TIMEOUT -> tp.maxIdleTimeout = readNum(v);
                    case STATELESS_RESET_TOKEN -> {
                        serverOnly(fromServer, id);
                        if (len != 16) {
                            throw error("stateless_reset_token must be 16 bytes, got " + len);
                        }
                        tp.statelessResetToken = v.bytes(16);
                    }
                    case MAX_UDP_PAYLOAD_SIZE -> {
                        tp.maxUdpPayloadSize = readNum(v);
                        if (tp.maxUdpPayloadSize < 1200) {
                            throw error("max_udp_payload_size " + tp.maxUdpPayloadSize + " below 1200");
                        }
                    }
                    case INITIAL_MAX_DATA -> tp.initialMaxData = readNum(v);
                    case INITIAL_MAX_STREAM_DATA_BIDI_LOCAL -> tp.initialMaxStreamDataBidiLocal = readNum(v);
                    case INITIAL_MAX_STREAM_DATA_BIDI_REMOTE -> tp.initialMaxStreamDataBidiRemote = readNum(v);
                    case INITIAL_MAX_STREAM_DATA_UNI -> tp.initialMaxStreamDataUni = readNum(v);
                    case INITIAL_MAX_STREAMS_BIDI -> tp.initialMaxStreamsBidi = streams(readNum(v), "bidi");
                    case INITIAL_MAX_STREAMS_UNI -> tp.initialMaxStreamsUni = streams(readNum(v), "uni");
                    case ACK_DELAY_EXPONENT -> {
                        tp.ackDelayExponent = readNum(v);
                        if (tp.ackDelayExponent > 20) {
                            throw error("ack_delay_exponent " + tp.ackDelayExponent + " above 20");
                        }
                    }
                    case MAX_ACK_DELAY -> {
                        tp.maxAckDelay = readNum(v);
                        if (tp.maxAckDelay >= (1 << 14)) {
                            throw error("max_ack_delay " + tp.maxAckDelay + " ms not below 2^14");
                        }
                    }
                    case DISABLE_ACTIVE_MIGRATION -> {
                        if (len != 0) {
                            throw error("disable_active_migration must be empty, got " + len + " bytes");
                        }
                        tp.disableActiveMigration = true;
                    }
                    case PREFERRED_ADDRESS -> {
                        serverOnly(fromServer, id);
                        tp.preferredAddress = readPreferredAddress(v);
                    }
                    case ACTIVE_CONNECTION_ID_LIMIT -> {
                        tp.activeConnectionIdLimit = readNum(v);
                        if (tp.activeConnectionIdLimit < 2) {
                            throw error("active_connection_id_limit " + tp.activeConnectionIdLimit + " below 2");
                        }
                    }
                    case INITIAL_SOURCE_CONNECTION_ID -> tp.initialSourceConnectionId = readCid(v, len);
                    case RETRY_SOURCE_CONNECTION_ID -> {
                        serverOnly(fromServer, id);
                        tp.retrySourceConnectionId = readCid(v, len);
                    }
                    case MAX_DATAGRAM_FRAME_SIZE -> tp.maxDatagramFrameSize = readNum(v);
                    default -> v.skip(len);
                }
                if (v.hasRemaining()) {
                    throw error("transport parameter 0x" + Long.toHexString(id) + " has " + v.remaining()
                            + " trailing bytes");
                }
                r.position(end);
            }
        } catch (TransportException e) {
            if (e.error() == TransportError.TRANSPORT_PARAMETER_ERROR) {
                throw e;
            }
            throw error("malformed transport parameters: " + e.getMessage());
        }
        return tp;
    }

    private static void serverOnly(boolean fromServer, long id) throws TransportException {
        if (!fromServer) {
            throw error("client sent server-only transport parameter 0x" + Long.toHexString(id));
        }
    }

    private static long readNum(ByteReader v) throws TransportException {
        return v.varint();
    }

    private static long streams(long v, String dir) throws TransportException {
        if (v > (1L << 60)) {
            throw error("initial_max_streams_" + dir + " " + v + " above 2^60");
        }
        return v;
    }

    private static ConnectionId readCid(ByteReader v, int len) throws TransportException {
        if (len > ConnectionId.MAX_LENGTH) {
            throw error("connection ID of " + len + " bytes");
        }
        return ConnectionId.of(v.bytes(len));
    }

    private static PreferredAddress readPreferredAddress(ByteReader v) throws TransportException {
        try {
            byte[] v4 = v.bytes(4);
            int p4 = v.u16();
            byte[] v6 = v.bytes(16);
            int p6 = v.u16();
            int cidLen = v.u8();
            if (cidLen == 0 || cidLen > ConnectionId.MAX_LENGTH) {
                throw error("preferred_address connection ID length " + cidLen);
            }
            ConnectionId cid = ConnectionId.of(v.bytes(cidLen));
            byte[] token = v.bytes(16);
            InetSocketAddress a4 = isZero(v4) && p4 == 0 ? null : new InetSocketAddress(InetAddress.getByAddress(v4), p4);
            InetSocketAddress a6 = isZero(v6) && p6 == 0 ? null : new InetSocketAddress(InetAddress.getByAddress(v6), p6);
            return new PreferredAddress(a4, a6, cid, token);
        } catch (UnknownHostException e) {
            throw error("bad preferred_address: " + e.getMessage());
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static TransportException error(String msg) {
        return new TransportException(TransportError.TRANSPORT_PARAMETER_ERROR, msg);
    }

    @Override
    public String toString() {
        return "TransportParameters{odcid=" + originalDestinationConnectionId + ", idle=" + maxIdleTimeout
                + "ms, maxUdp=" + maxUdpPayloadSize + ", maxData=" + initialMaxData + ", streamData(bl="
                + initialMaxStreamDataBidiLocal + ", br=" + initialMaxStreamDataBidiRemote + ", u="
                + initialMaxStreamDataUni + "), streams(b=" + initialMaxStreamsBidi + ", u=" + initialMaxStreamsUni
                + "), ackExp=" + ackDelayExponent + ", maxAckDelay=" + maxAckDelay + "ms, cidLimit="
                + activeConnectionIdLimit + ", iscid=" + initialSourceConnectionId + ", rscid="
                + retrySourceConnectionId + ", token=" + (statelessResetToken != null) + ", dgram="
                + maxDatagramFrameSize + ", pref=" + (preferredAddress != null) + ", maxPathId=" + initialMaxPathId
                + ", natAddrs=" + natTraversalMaxAddresses + (observedAddr != null ? ", observedAddr=" + observedAddr : "") + "}";
    }

    /** Equality of the encoded forms, for tests. */
    public boolean sameAs(TransportParameters o) {
        return Arrays.equals(encode(), o.encode());
    }
}
