package com.kafkaconnectiroh.p2p.quic.protection;

import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Header protection (RFC 9001 §5.4): a 5-byte mask from a 16-byte ciphertext sample, AES-ECB for the AES suites
 * (§5.4.3) and the ChaCha20 keystream for ChaCha20-Poly1305 (§5.4.4). Masks the first byte's low bits and the
 * packet number bytes.
 */
public final class HeaderProtection {
    public static final int SAMPLE_LENGTH = 16;

    private final boolean chacha;
    private final Cipher cipher;
    private final byte[] block = new byte[16];
    // ChaCha20 key words; the JDK's ChaCha20 Cipher refuses a repeated nonce even to decrypt, and duplicate
    // packets repeat the sample, so the one block we need is computed here (RFC 8439 §2.3)
    private final int[] chachaKey;
    private final int[] state = new int[16];
    private final int[] work = new int[16];

    public HeaderProtection(CipherSuite suite, byte[] hpKey) {
        this.chacha = suite.isChaCha();
        if (chacha) {
            if (hpKey.length != 32) {
                throw new IllegalArgumentException("ChaCha20 header protection key must be 32 bytes");
            }
            chachaKey = new int[8];
            for (int i = 0; i < 8; i++) {
                chachaKey[i] = le32(hpKey, 4 * i);
            }
            cipher = null;
            return;
        }
        chachaKey = null;
        try {
            cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(hpKey, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("header protection cipher unavailable", e);
        }
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    /** Computes the mask for the sample at {@code sample[off, off+16)} into {@code mask[0..5)}. */
    public void mask(byte[] sample, int off, byte[] mask) {
        if (chacha) {
            chachaMask(sample, off, mask);
            return;
        }
        try {
            cipher.doFinal(sample, off, 16, block, 0);
            System.arraycopy(block, 0, mask, 0, 5);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("header protection failed", e);
        }
    }

    // RFC 9001 §5.4.4: counter = first 4 sample bytes (little endian), nonce = the other 12; mask = keystream[0..5)
    private void chachaMask(byte[] sample, int off, byte[] mask) {
        int[] s = state;
        s[0] = 0x61707865;
        s[1] = 0x3320646e;
        s[2] = 0x79622d32;
        s[3] = 0x6b206574;
        System.arraycopy(chachaKey, 0, s, 4, 8);
        s[12] = le32(sample, off);
        s[13] = le32(sample, off + 4);
        s[14] = le32(sample, off + 8);
        s[15] = le32(sample, off + 12);
        int[] x = work;
        System.arraycopy(s, 0, x, 0, 16);
        for (int i = 0; i < 10; i++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        int w0 = x[0] + s[0];
        int w1 = x[1] + s[1];
        mask[0] = (byte) w0;
        mask[1] = (byte) (w0 >>> 8);
        mask[2] = (byte) (w0 >>> 16);
        mask[3] = (byte) (w0 >>> 24);
        mask[4] = (byte) w1;
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }
}
