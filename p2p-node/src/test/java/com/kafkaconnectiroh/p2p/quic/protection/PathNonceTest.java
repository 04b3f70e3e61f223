package com.kafkaconnectiroh.p2p.quic.protection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The multipath AEAD nonce (draft-ietf-quic-multipath §2.4; noq via rustls {@code Nonce::for_path}): IV XOR (path
 * ID as 32 bits ‖ packet number as 64 bits), which for path 0 is RFC 9001's nonce.
 */
class PathNonceTest {
    private static final byte[] KEY = new byte[16];
    private static final byte[] AAD = {0x40, 1, 2, 3, 4};
    private static final byte[] PLAIN = "frames of a multipath packet".getBytes();

    static {
        Arrays.fill(KEY, (byte) 7);
    }

    private static byte[] seal(byte[] iv, long pathId, long pn) {
        PacketKey k = new PacketKey(CipherSuite.TLS_AES_128_GCM_SHA256, KEY, iv);
        byte[] out = new byte[PLAIN.length + PacketKey.TAG_LENGTH];
        k.seal(pathId, pn, AAD, 0, AAD.length, PLAIN, 0, PLAIN.length, out, 0);
        return out;
    }

    @Test
    void pathZeroIsTheRfc9001NonceAndThePathIdFillsTheFirstFourBytes() {
        byte[] iv = new byte[12];
        for (int i = 0; i < 12; i++) {
            iv[i] = (byte) (0x10 + i);
        }
        long pn = 0x0102_0304_0506L;
        PacketKey plain = new PacketKey(CipherSuite.TLS_AES_128_GCM_SHA256, KEY, iv);
        byte[] rfc = new byte[PLAIN.length + PacketKey.TAG_LENGTH];
        plain.seal(pn, AAD, 0, AAD.length, PLAIN, 0, PLAIN.length, rfc, 0);
        assertArrayEquals(rfc, seal(iv, 0, pn), "path 0: the RFC 9001 nonce");

        // path 0x0a0b0c0d with IV is path 0 with the path ID XORed into the IV's first four bytes
        byte[] shifted = iv.clone();
        shifted[0] ^= 0x0a;
        shifted[1] ^= 0x0b;
        shifted[2] ^= 0x0c;
        shifted[3] ^= 0x0d;
        assertArrayEquals(seal(shifted, 0, pn), seal(iv, 0x0a0b0c0dL, pn));
        assertFalse(Arrays.equals(rfc, seal(iv, 1, pn)), "another path, another nonce");
    }

    @Test
    void aPacketOpensOnlyWithItsOwnPathId() {
        byte[] iv = new byte[12];
        byte[] sealed = seal(iv, 3, 42);
        PacketKey k = new PacketKey(CipherSuite.TLS_AES_128_GCM_SHA256, KEY, iv);
        byte[] out = new byte[PLAIN.length];
        assertEquals(PLAIN.length, k.open(3, 42, AAD, 0, AAD.length, sealed, 0, sealed.length, out, 0));
        assertArrayEquals(PLAIN, out);
        assertEquals(-1, k.open(0, 42, AAD, 0, AAD.length, sealed, 0, sealed.length, out, 0));
        assertEquals(-1, k.open(2, 42, AAD, 0, AAD.length, sealed, 0, sealed.length, out, 0));
    }
}
