package com.kafkaconnectiroh.p2p.relay;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * iroh 1.x relay frames (IR {@code iroh-relay/src/protos/common.rs} {@code FrameType}, {@code protos/relay.rs}): each
 * is one binary WebSocket message, the frame type as a QUIC varint (every type fits one byte) followed by its body.
 *
 * <pre>
 *  0 ServerChallenge        S→C  challenge[16]
 *  1 ClientAuth             C→S  public_key[32] ‖ 0x40 ‖ signature[64]
 *  2 ServerConfirmsAuth     S→C  (empty)
 *  3 ServerDeniesAuth       S→C  varint len ‖ UTF-8 reason            (postcard String)
 *  4 ClientToRelayDatagram  C→S  dst[32] ‖ ecn ‖ datagram
 *  5  … Batch               C→S  dst[32] ‖ ecn ‖ segment_size u16 ‖ datagrams, each segment_size (the last may be shorter)
 *  6 RelayToClientDatagram  S→C  src[32] ‖ ecn ‖ datagram
 *  7  … Batch               S→C  src[32] ‖ ecn ‖ segment_size u16 ‖ datagrams
 *  8 EndpointGone           S→C  id[32]
 *  9 Ping / 10 Pong         both data[8]
 * 11 Health                 S→C  UTF-8 text (v1 only)
 * 12 Restarting             S→C  reconnect_in_ms u32 ‖ try_for_ms u32
 * 13 Status                 S→C  u8: 0 healthy, 1 same endpoint id connected elsewhere (v2 only)
 * </pre>
 *
 * The body after the type is at most {@link #MAX_PACKET_SIZE} bytes; a datagram frame must hold at least the id and
 * the ECN byte (a batch also its segment size). Anything else ends the connection, as in iroh.
 */
public final class RelayFrames {
    public static final int SERVER_CHALLENGE = 0;
    public static final int CLIENT_AUTH = 1;
    public static final int SERVER_CONFIRMS_AUTH = 2;
    public static final int SERVER_DENIES_AUTH = 3;
    public static final int CLIENT_TO_RELAY_DATAGRAM = 4;
    public static final int CLIENT_TO_RELAY_DATAGRAM_BATCH = 5;
    public static final int RELAY_TO_CLIENT_DATAGRAM = 6;
    public static final int RELAY_TO_CLIENT_DATAGRAM_BATCH = 7;
    public static final int ENDPOINT_GONE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;
    public static final int HEALTH = 11;
    public static final int RESTARTING = 12;
    public static final int STATUS = 13;

    /** The largest frame body after the type (IR {@code MAX_PACKET_SIZE}). */
    public static final int MAX_PACKET_SIZE = 64 * 1024;
    /** The largest WebSocket message a relay frame makes. */
    public static final int MAX_MESSAGE = 1 + MAX_PACKET_SIZE;
    /** Type, id and ECN byte before a single datagram. */
    public static final int DATAGRAM_HEADER = 1 + PeerKey.LENGTH + 1;
    /** Type, id, ECN byte and segment size before a batch. */
    public static final int BATCH_HEADER = DATAGRAM_HEADER + 2;
    /** The most datagram bytes one frame can carry. */
    public static final int MAX_DATAGRAM_BYTES = MAX_PACKET_SIZE - PeerKey.LENGTH - 1 - 2;

    /** Status codes of the Status frame (v2). */
    public static final int STATUS_HEALTHY = 0;
    public static final int STATUS_SAME_ENDPOINT_ID_CONNECTED = 1;
    /** What a v1 client gets instead of Status(SameEndpointIdConnected), as Health text. */
    public static final String SAME_ENDPOINT_ID_TEXT = "a newer connection with the same endpoint id took over; this one receives nothing more";

    private RelayFrames() {
    }

    /**
     * The frame type of a message of {@code length} bytes at {@code index}, checking the body's size.
     *
     * @throws RelayException empty, a type that needs more than one varint byte (none exists), or a body too large
     */
    public static int type(ByteBuf buf, int index, int length) throws RelayException {
        if (length < 1) {
            throw new RelayException("empty relay frame");
        }
        int type = buf.getUnsignedByte(index);
        if (type >= 0x40) {
            throw new RelayException("unknown relay frame type (varint first byte 0x" + Integer.toHexString(type) + ")");
        }
        if (length - 1 > MAX_PACKET_SIZE) {
            throw new RelayException("relay frame body of " + (length - 1) + " bytes (at most " + MAX_PACKET_SIZE + ")");
        }
        return type;
    }

    /**
     * Checks a datagram frame's size: the id and ECN byte, and for a batch the segment size. Returns the index of
     * the datagram bytes.
     */
    public static int datagramPayload(int type, int index, int length, boolean batch) throws RelayException {
        int header = batch ? BATCH_HEADER : DATAGRAM_HEADER;
        if (length < header) {
            throw new RelayException("relay frame type " + type + " of " + length + " bytes (at least " + header + ")");
        }
        return index + header;
    }

    /** Checks a fixed-size body. */
    public static void expectBody(int type, int length, int body) throws RelayException {
        if (length - 1 != body) {
            throw new RelayException("relay frame type " + type + " with a body of " + (length - 1) + " bytes (expected " + body + ")");
        }
    }

    /** Writes the type, id, ECN byte and (for a batch, {@code segmentSize > 0}) the segment size of a datagram frame. */
    public static void writeDatagramHeader(ByteBuf out, int singleType, PeerKey key, int ecn, int segmentSize) {
        out.writeByte(segmentSize > 0 ? singleType + 1 : singleType);
        key.write(out);
        out.writeByte(ecn);
        if (segmentSize > 0) {
            out.writeShort(segmentSize);
        }
    }

    /** The size of a datagram frame's header: with a segment size for batches. */
    public static int datagramHeaderLength(int segmentSize) {
        return segmentSize > 0 ? BATCH_HEADER : DATAGRAM_HEADER;
    }

    public static void writePing(ByteBuf out, int type, long data) {
        out.writeByte(type);
        out.writeLong(data);
    }

    public static void writeEndpointGone(ByteBuf out, PeerKey key) {
        out.writeByte(ENDPOINT_GONE);
        key.write(out);
    }

    public static void writeStatus(ByteBuf out, int status) {
        out.writeByte(STATUS);
        out.writeByte(status);
    }

    public static void writeHealth(ByteBuf out, String text) {
        out.writeByte(HEALTH);
        out.writeCharSequence(text, StandardCharsets.UTF_8);
    }

    public static void writeRestarting(ByteBuf out, long reconnectInMillis, long tryForMillis) {
        out.writeByte(RESTARTING);
        out.writeInt((int) reconnectInMillis);
        out.writeInt((int) tryForMillis);
    }

    /** A frame type's name, for messages. */
    public static String name(int type) {
        return switch (type) {
            case SERVER_CHALLENGE -> "ServerChallenge";
            case CLIENT_AUTH -> "ClientAuth";
            case SERVER_CONFIRMS_AUTH -> "ServerConfirmsAuth";
            case SERVER_DENIES_AUTH -> "ServerDeniesAuth";
            case CLIENT_TO_RELAY_DATAGRAM -> "ClientToRelayDatagram";
            case CLIENT_TO_RELAY_DATAGRAM_BATCH -> "ClientToRelayDatagramBatch";
            case RELAY_TO_CLIENT_DATAGRAM -> "RelayToClientDatagram";
            case RELAY_TO_CLIENT_DATAGRAM_BATCH -> "RelayToClientDatagramBatch";
            case ENDPOINT_GONE -> "EndpointGone";
            case PING -> "Ping";
            case PONG -> "Pong";
            case HEALTH -> "Health";
            case RESTARTING -> "Restarting";
            case STATUS -> "Status";
            default -> "type " + type;
        };
    }
}
