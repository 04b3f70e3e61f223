package com.kafkaconnectiroh.p2p.quic.packet;

/**
 * The invariant and v1 header fields of one packet in a datagram, parsed before header protection is removed
 * (RFC 9000 §17). Mutable and reusable: {@link #parse} fills it in place. Offsets index into the datagram.
 */
public final class PacketHeader {
    public static final int VERSION_1 = 0x00000001;
    public static final int FORM_LONG = 0x80;
    public static final int FIXED_BIT = 0x40;

    public PacketType type;
    public int first;
    public int version;
    public int dcidOff;
    public int dcidLen;
    public int scidOff;
    public int scidLen;
    public int tokenOff;
    public int tokenLen;
    /** Where the (protected) packet number starts; for Retry/VN where the type-specific body starts. */
    public int pnOffset;
    /** One past the packet's last byte (the next coalesced packet starts here). */
    public int end;
    public int start;

    public boolean isLong() {
        return (first & FORM_LONG) != 0;
    }

    /**
     * Parses the packet at {@code b[off..limit)}. Short headers take a DCID of {@code shortDcidLen} bytes.
     * Returns false for anything that is not a well-formed packet start (the rest of the datagram is dropped).
     * Packets without the fixed bit are rejected: we never negotiate grease_quic_bit.
     */
    public boolean parse(byte[] b, int off, int limit, int shortDcidLen) {
        start = off;
        if (off >= limit) {
            return false;
        }
        first = b[off] & 0xFF;
        tokenOff = 0;
        tokenLen = 0;
        scidOff = 0;
        scidLen = 0;
        if ((first & FORM_LONG) == 0) {
            type = PacketType.ONE_RTT;
            version = VERSION_1;
            if ((first & FIXED_BIT) == 0) {
                return false;
            }
            dcidOff = off + 1;
            dcidLen = shortDcidLen;
            pnOffset = dcidOff + dcidLen;
            end = limit;
            // room for the longest packet number sample: pn offset + 4 + 16
            return pnOffset + 4 + 16 <= limit;
        }
        int p = off + 1;
        if (limit - p < 5) {
            return false;
        }
        version = ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
        p += 4;
        dcidLen = b[p++] & 0xFF;
        if (dcidLen > ConnectionId.MAX_LENGTH && version == VERSION_1 || p + dcidLen >= limit) {
            return false;
        }
        dcidOff = p;
        p += dcidLen;
        scidLen = b[p++] & 0xFF;
        if (scidLen > ConnectionId.MAX_LENGTH && version == VERSION_1 || p + scidLen > limit) {
            return false;
        }
        scidOff = p;
        p += scidLen;
        if (version == 0) {
            type = PacketType.VERSION_NEGOTIATION;
            pnOffset = p;
            end = limit;
            return true;
        }
        if (version != VERSION_1) {
            // unknown version: only the invariant fields are meaningful
            type = null;
            pnOffset = p;
            end = limit;
            return true;
        }
        if ((first & FIXED_BIT) == 0) {
            return false;
        }
        type = PacketType.fromLongTypeBits((first >>> 4) & 0x3);
        if (type == PacketType.RETRY) {
            tokenOff = p;
            tokenLen = limit - p - 16;
            pnOffset = p;
            end = limit;
            return tokenLen >= 0;
        }
        if (type == PacketType.INITIAL) {
            long[] v = new long[1];
            int q = readVarint(b, p, limit, v);
            if (q < 0 || v[0] > limit - q) {
                return false;
            }
            tokenOff = q;
            tokenLen = (int) v[0];
            p = q + tokenLen;
        }
        long[] len = new long[1];
        int q = readVarint(b, p, limit, len);
        if (q < 0 || len[0] > limit - q || len[0] < 20) {
            // too short to carry a packet number and a header protection sample
            return false;
        }
        pnOffset = q;
        end = q + (int) len[0];
        return true;
    }

    private static int readVarint(byte[] b, int p, int limit, long[] out) {
        if (p >= limit) {
            return -1;
        }
        int n = 1 << ((b[p] & 0xFF) >>> 6);
        if (p + n > limit) {
            return -1;
        }
        long v = b[p] & 0x3F;
        for (int i = 1; i < n; i++) {
            v = (v << 8) | (b[p + i] & 0xFF);
        }
        out[0] = v;
        return p + n;
    }

    /** Reads just the version and DCID of a long header without validating the rest, for endpoint routing. */
    public static int peekVersion(byte[] b, int off) {
        return ((b[off + 1] & 0xFF) << 24) | ((b[off + 2] & 0xFF) << 16) | ((b[off + 3] & 0xFF) << 8) | (b[off + 4] & 0xFF);
    }
}
