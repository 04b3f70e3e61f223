package com.kafkaconnectiroh.p2p.quic.frame;

/** Frame type values (RFC 9000 §19, §12.4; RFC 9221 for DATAGRAM; extensions iroh 1.x negotiates). */
public final class FrameType {
    public static final int PADDING = 0x00;
    public static final int PING = 0x01;
    public static final int ACK = 0x02;
    public static final int ACK_ECN = 0x03;
    public static final int RESET_STREAM = 0x04;
    public static final int STOP_SENDING = 0x05;
    public static final int CRYPTO = 0x06;
    public static final int NEW_TOKEN = 0x07;
    /** STREAM is 0x08..0x0f with these flag bits. */
    public static final int STREAM = 0x08;
    public static final int STREAM_FIN = 0x01;
    public static final int STREAM_LEN = 0x02;
    public static final int STREAM_OFF = 0x04;
    public static final int MAX_DATA = 0x10;
    public static final int MAX_STREAM_DATA = 0x11;
    public static final int MAX_STREAMS_BIDI = 0x12;
    public static final int MAX_STREAMS_UNI = 0x13;
    public static final int DATA_BLOCKED = 0x14;
    public static final int STREAM_DATA_BLOCKED = 0x15;
    public static final int STREAMS_BLOCKED_BIDI = 0x16;
    public static final int STREAMS_BLOCKED_UNI = 0x17;
    public static final int NEW_CONNECTION_ID = 0x18;
    public static final int RETIRE_CONNECTION_ID = 0x19;
    public static final int PATH_CHALLENGE = 0x1a;
    public static final int PATH_RESPONSE = 0x1b;
    public static final int CONNECTION_CLOSE = 0x1c;
    public static final int CONNECTION_CLOSE_APP = 0x1d;
    public static final int HANDSHAKE_DONE = 0x1e;
    public static final int DATAGRAM = 0x30;
    public static final int DATAGRAM_LEN = 0x31;
    /** draft-ietf-quic-address-discovery as noq-proto 1.x sends it (IROH-WIRE-MAP-RELAY §2.2): seq, IPv4, port. */
    public static final int OBSERVED_IPV4_ADDR = 0x9f81a6;
    /** The same with an IPv6 address. */
    public static final int OBSERVED_IPV6_ADDR = 0x9f81a7;

    // QUIC multipath (draft-ietf-quic-multipath, with the codepoints noq-proto 1.0.1 uses: its frame.rs
    // FrameType; the final RFC may differ, see IROH-WIRE-MAP-RELAY.md §8.1)
    public static final int PATH_ACK = 0x3e;
    public static final int PATH_ACK_ECN = 0x3f;
    public static final int PATH_ABANDON = 0x3e75;
    public static final int PATH_STATUS_BACKUP = 0x3e76;
    public static final int PATH_STATUS_AVAILABLE = 0x3e77;
    public static final int PATH_NEW_CONNECTION_ID = 0x3e78;
    public static final int PATH_RETIRE_CONNECTION_ID = 0x3e79;
    public static final int MAX_PATH_ID = 0x3e7a;
    public static final int PATHS_BLOCKED = 0x3e7b;
    public static final int PATH_CIDS_BLOCKED = 0x3e7c;

    // n0's QUIC NAT traversal (noq-proto 1.0.1 frame.rs; "inspired by draft-seemann-quic-nat-traversal-02")
    public static final int ADD_ADDRESS_V4 = 0x3d7f90;
    public static final int ADD_ADDRESS_V6 = 0x3d7f91;
    public static final int REACH_OUT_V4 = 0x3d7f92;
    public static final int REACH_OUT_V6 = 0x3d7f93;
    public static final int REMOVE_ADDRESS = 0x3d7f94;

    private FrameType() {
    }

    /**
     * Frames allowed in Initial and Handshake packets (RFC 9000 §12.4, Table 3): PADDING, PING, ACK, CRYPTO and
     * the transport CONNECTION_CLOSE.
     */
    public static boolean allowedInHandshakeSpaces(long type) {
        return type == PADDING || type == PING || type == ACK || type == ACK_ECN || type == CRYPTO
                || type == CONNECTION_CLOSE;
    }

    /** Frames that do not make a packet ack-eliciting (RFC 9002 §2). */
    public static boolean isAckEliciting(long type) {
        return type != PADDING && type != ACK && type != ACK_ECN && type != CONNECTION_CLOSE
                && type != CONNECTION_CLOSE_APP && type != PATH_ACK && type != PATH_ACK_ECN;
    }

    /** The multipath frames: only valid once both sides negotiated multipath (draft-ietf-quic-multipath §4). */
    public static boolean isMultipath(long type) {
        return type == PATH_ACK || type == PATH_ACK_ECN || type >= PATH_ABANDON && type <= PATH_CIDS_BLOCKED;
    }

    /** The n0 NAT traversal frames: only valid once both sides negotiated it (and multipath). */
    public static boolean isNatTraversal(long type) {
        return type >= ADD_ADDRESS_V4 && type <= REMOVE_ADDRESS;
    }
}
