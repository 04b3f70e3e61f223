package com.kafkaconnectiroh.p2p.relay.ws;

import io.netty.buffer.ByteBuf;

/**
 * Writing RFC 6455 frames (§5.2): a 2-byte header, a 16- or 64-bit extended length when the payload needs it, and
 * for client frames a 4-byte masking key with the payload XORed by it (§5.3). We never fragment what we send: one
 * message is one frame.
 */
public final class WebSocketFrames {
    public static final int OP_CONTINUATION = 0x0;
    public static final int OP_TEXT = 0x1;
    public static final int OP_BINARY = 0x2;
    public static final int OP_CLOSE = 0x8;
    public static final int OP_PING = 0x9;
    public static final int OP_PONG = 0xA;
    /** Control frames carry at most this much (RFC 6455 §5.5). */
    public static final int MAX_CONTROL_PAYLOAD = 125;
    /** The largest header: 2 bytes, a 64-bit length, a masking key. */
    public static final int MAX_HEADER = 14;

    private WebSocketFrames() {
    }

    /** Header bytes for a final frame of {@code payloadLength} bytes. */
    public static int headerLength(int payloadLength, boolean masked) {
        int n = payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
        return masked ? n + 4 : n;
    }

    /**
     * Writes the header of a final (FIN) frame. With {@code masked}, {@code maskKey} follows the length; the caller
     * then writes the payload and masks it with {@link #mask}.
     */
    public static void writeHeader(ByteBuf out, int opcode, int payloadLength, boolean masked, int maskKey) {
        out.writeByte(0x80 | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength < 126) {
            out.writeByte(maskBit | payloadLength);
        } else if (payloadLength < 65536) {
            out.writeByte(maskBit | 126);
            out.writeShort(payloadLength);
        } else {
            out.writeByte(maskBit | 127);
            out.writeLong(payloadLength);
        }
        if (masked) {
            out.writeInt(maskKey);
        }
    }

    /**
     * XORs {@code length} bytes at {@code index} with the masking key (RFC 6455 §5.3: byte i with key byte i mod 4,
     * the key's first byte being its most significant). Masking and unmasking are the same operation.
     */
    public static void mask(ByteBuf buf, int index, int length, int maskKey) {
        int i = 0;
        for (; i + 4 <= length; i += 4) {
            buf.setInt(index + i, buf.getInt(index + i) ^ maskKey);
        }
        for (; i < length; i++) {
            buf.setByte(index + i, buf.getByte(index + i) ^ (maskKey >>> (24 - 8 * (i & 3))));
        }
    }

    /** A whole control or data frame with {@code payload} (a copy), masked if {@code masked}. */
    public static void writeFrame(ByteBuf out, int opcode, byte[] payload, boolean masked, int maskKey) {
        writeHeader(out, opcode, payload.length, masked, maskKey);
        int at = out.writerIndex();
        out.writeBytes(payload);
        if (masked) {
            mask(out, at, payload.length, maskKey);
        }
    }

    /** A close frame's payload: the status code (RFC 6455 §5.5.1) and a UTF-8 reason, cut to fit 125 bytes. */
    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = Math.min(r.length, MAX_CONTROL_PAYLOAD - 2);
        while (n > 0 && n < r.length && (r[n] & 0xC0) == 0x80) {
            n--; // do not cut a UTF-8 sequence in half
        }
        byte[] p = new byte[2 + n];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, n);
        return p;
    }
}
