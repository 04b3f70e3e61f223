package com.kafkaconnectiroh.p2p.quic.packet;

import java.util.random.RandomGenerator;

/** Version Negotiation packets (RFC 9000 §17.2.1). */
public final class VersionNegotiation {
    private VersionNegotiation() {
    }

    /**
     * Builds a VN packet answering a client packet whose DCID/SCID were {@code clientDcid}/{@code clientScid}:
     * the CIDs are echoed swapped. Lists v1 and one reserved greasing version (§15). Returns the length.
     */
    public static int write(byte[] out, int off, byte[] b, int clientDcidOff, int clientDcidLen, int clientScidOff,
                            int clientScidLen, RandomGenerator random) {
        int p = off;
        out[p++] = (byte) (0x80 | (random.nextInt() & 0x7F));
        p = putInt(out, p, 0);
        out[p++] = (byte) clientScidLen;
        System.arraycopy(b, clientScidOff, out, p, clientScidLen);
        p += clientScidLen;
        out[p++] = (byte) clientDcidLen;
        System.arraycopy(b, clientDcidOff, out, p, clientDcidLen);
        p += clientDcidLen;
        p = putInt(out, p, PacketHeader.VERSION_1);
        // reserved versions look like 0x?a?a?a?a
        int grease = (random.nextInt() & 0xF0F0F0F0) | 0x0A0A0A0A;
        p = putInt(out, p, grease);
        return p - off;
    }

    private static int putInt(byte[] out, int p, int v) {
        out[p] = (byte) (v >>> 24);
        out[p + 1] = (byte) (v >>> 16);
        out[p + 2] = (byte) (v >>> 8);
        out[p + 3] = (byte) v;
        return p + 4;
    }

    /** True if the VN body {@code b[off..end)} lists {@code version}. */
    public static boolean lists(byte[] b, int off, int end, int version) {
        for (int p = off; p + 4 <= end; p += 4) {
            int v = ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
            if (v == version) {
                return true;
            }
        }
        return false;
    }
}
