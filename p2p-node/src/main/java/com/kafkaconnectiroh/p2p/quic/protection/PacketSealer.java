package com.kafkaconnectiroh.p2p.quic.protection;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.packet.PacketNumber;
import com.kafkaconnectiroh.p2p.quic.wire.VarInt;

/**
 * Writes a protected QUIC v1 packet: header (RFC 9000 §17.2 long, §17.3 short; the fixed bit always set, as iroh
 * requires), AEAD-sealed payload (RFC 9001 §5.3), then header protection (§5.4). One reusable instance per
 * connection; the long header's Length field is always two bytes, so payloads stay below 16 KiB.
 */
public final class PacketSealer {
    /** v1 long header packet types. */
    public static final int INITIAL = 0;
    public static final int HANDSHAKE = 2;

    private final byte[] mask = new byte[5];

    /** Header bytes of a long-header packet. */
    public static int longHeaderSize(int dcidLen, int scidLen, int tokenLen, boolean initial, int pnLen) {
        return 1 + 4 + 1 + dcidLen + 1 + scidLen + (initial ? VarInt.size(tokenLen) + tokenLen : 0) + 2 + pnLen;
    }

    public static int shortHeaderSize(int dcidLen, int pnLen) {
        return 1 + dcidLen + pnLen;
    }

    /**
     * Writes an Initial or Handshake packet at {@code out[pos]} carrying {@code payload[0, len)} (at least
     * {@code 4 - pnLen} bytes, for the header protection sample). Returns the position after it.
     */
    public int sealLong(byte[] out, int pos, int type, ConnectionId dcid, ConnectionId scid, byte[] token, long pn,
                        int pnLen, byte[] payload, int len, DirectionalKeys keys) {
        int start = pos;
        out[pos++] = (byte) (0xC0 | (type << 4) | (pnLen - 1));
        out[pos++] = 0;
        out[pos++] = 0;
        out[pos++] = 0;
        out[pos++] = 1;
        out[pos++] = (byte) dcid.length();
        pos = dcid.writeTo(out, pos);
        out[pos++] = (byte) scid.length();
        pos = scid.writeTo(out, pos);
        if (type == INITIAL) {
            pos = VarInt.write(out, pos, token.length);
            System.arraycopy(token, 0, out, pos, token.length);
            pos += token.length;
        }
        pos = VarInt.writeWithSize(out, pos, pnLen + len + PacketKey.TAG_LENGTH, 2);
        return finish(out, start, pos, pn, pnLen, payload, len, keys.packet(), keys.header(), 0x0f);
    }

    /** Writes a 1-RTT packet with the given Key Phase bit. Returns the position after it. */
    public int sealShort(byte[] out, int pos, ConnectionId dcid, int keyPhase, long pn, int pnLen, byte[] payload,
                         int len, PacketKey key, HeaderProtection hp) {
        return sealShort(out, pos, 0, dcid, keyPhase, pn, pnLen, payload, len, key, hp);
    }

    /** A 1-RTT packet of multipath path {@code pathId}: the path ID goes into the AEAD nonce (path 0 as RFC 9001). */
    public int sealShort(byte[] out, int pos, long pathId, ConnectionId dcid, int keyPhase, long pn, int pnLen,
                         byte[] payload, int len, PacketKey key, HeaderProtection hp) {
        int start = pos;
        out[pos++] = (byte) (0x40 | (keyPhase << 2) | (pnLen - 1));
        pos = dcid.writeTo(out, pos);
        return finish(out, start, pos, pathId, pn, pnLen, payload, len, key, hp, 0x1f);
    }

    private int finish(byte[] out, int start, int pnOff, long pn, int pnLen, byte[] payload, int len, PacketKey key,
                       HeaderProtection hp, int firstByteMask) {
        return finish(out, start, pnOff, 0, pn, pnLen, payload, len, key, hp, firstByteMask);
    }

    private int finish(byte[] out, int start, int pnOff, long pathId, long pn, int pnLen, byte[] payload, int len,
                       PacketKey key, HeaderProtection hp, int firstByteMask) {
        int pos = PacketNumber.write(out, pnOff, pn, pnLen);
        pos += key.seal(pathId, pn, out, start, pos - start, payload, 0, len, out, pos);
        // RFC 9001 §5.4.2: the sample starts 4 bytes after the packet number field begins
        hp.mask(out, pnOff + 4, mask);
        out[start] ^= (byte) (mask[0] & firstByteMask);
        for (int i = 0; i < pnLen; i++) {
            out[pnOff + i] ^= mask[1 + i];
        }
        return pos;
    }
}
