package com.kafkaconnectiroh.p2p.quic.protection;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.packet.PacketHeader;
import com.kafkaconnectiroh.p2p.quic.packet.PacketNumber;
import java.util.Arrays;

/**
 * Opens protected long-header packets in tests, by RFC 9001 §5.4 and §5.3 step by step (not the connection's
 * code).
 */
public final class PacketOpener {
    private PacketOpener() {
    }

    /** Removes protection from a long-header packet; returns the payload. */
    public static byte[] unprotect(DirectionalKeys keys, byte[] pkt, long largestPn, long[] pnOut) {
        PacketHeader h = new PacketHeader();
        assertTrue(h.parse(pkt, 0, pkt.length, 0));
        byte[] b = pkt.clone();
        byte[] mask = new byte[5];
        keys.header().mask(b, h.pnOffset + 4, mask);
        b[0] ^= (byte) (mask[0] & 0x0f);
        int pnLen = (b[0] & 3) + 1;
        for (int i = 0; i < pnLen; i++) {
            b[h.pnOffset + i] ^= mask[1 + i];
        }
        long pn = PacketNumber.decode(largestPn, PacketNumber.read(b, h.pnOffset, pnLen), pnLen * 8);
        pnOut[0] = pn;
        int hdrLen = h.pnOffset + pnLen;
        byte[] plain = new byte[h.end - hdrLen];
        int n = keys.packet().open(pn, b, 0, hdrLen, b, hdrLen, h.end - hdrLen, plain, 0);
        assertTrue(n >= 0, "authentication failed");
        return Arrays.copyOf(plain, n);
    }
}
