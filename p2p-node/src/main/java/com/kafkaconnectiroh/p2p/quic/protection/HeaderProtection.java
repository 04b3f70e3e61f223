package com.kafkaconnectiroh.p2p.quic.protection;

import com.kafkaconnectiroh.p2p.crypto.ChaChaCore;
import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Header protection (RFC 9001 §5.4): a 5-byte mask from a 16-byte ciphertext sample, AES-ECB for the AES suites
 * (§5.4.3) and the ChaCha20 keystream for ChaCha20-Poly1305 (§5.4.4). Masks the first byte's low bits and the
 * packet number bytes.
 *
 * <p>The cipher and its key schedule are made on first use: a server connection derives keys for levels a
 * spoofed or abandoned handshake never reaches (Handshake receive, 1-RTT), and each costs about 0.9 KB of heap
 * (RFC 9000 §21.1.1, see {@code HalfOpenLimits}).
 */
public final class HeaderProtection {
    public static final int SAMPLE_LENGTH = 16;

    private final boolean chacha;
    private final byte[] aesKey;
    private Cipher cipher;
    private byte[] block;
    // ChaCha20 key words; the JDK's ChaCha20 Cipher refuses a repeated nonce even to decrypt, and duplicate
    // packets repeat the sample, so the one block we need is computed here (RFC 8439 §2.3)
    private final int[] chachaKey;
    private final int[] state;
    private final int[] work;

    public HeaderProtection(CipherSuite suite, byte[] hpKey) {
        this.chacha = suite.isChaCha();
        if (chacha) {
            if (hpKey.length != 32) {
                throw new IllegalArgumentException("ChaCha20 header protection key must be 32 bytes");
            }
            chachaKey = ChaChaCore.keyWords(hpKey);
            state = new int[16];
            work = new int[16];
            aesKey = null;
            return;
        }
        chachaKey = null;
        state = null;
        work = null;
        aesKey = hpKey.clone();
    }

    private Cipher aes() {
        if (cipher == null) {
            try {
                Cipher c = Cipher.getInstance("AES/ECB/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"));
                block = new byte[16];
                cipher = c;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("header protection cipher unavailable", e);
            }
        }
        return cipher;
    }

    /** Computes the mask for the sample at {@code sample[off, off+16)} into {@code mask[0..5)}. */
    public void mask(byte[] sample, int off, byte[] mask) {
        if (chacha) {
            chachaMask(sample, off, mask);
            return;
        }
        try {
            aes().doFinal(sample, off, 16, block, 0);
            System.arraycopy(block, 0, mask, 0, 5);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("header protection failed", e);
        }
    }

    // RFC 9001 §5.4.4: counter = first 4 sample bytes (little endian), nonce = the other 12; mask = keystream[0..5)
    private void chachaMask(byte[] sample, int off, byte[] mask) {
        int[] s = state;
        ChaChaCore.initState(s, chachaKey, sample, off);
        int[] x = work;
        System.arraycopy(s, 0, x, 0, 16);
        ChaChaCore.rounds(x);
        int w0 = x[0] + s[0];
        int w1 = x[1] + s[1];
        mask[0] = (byte) w0;
        mask[1] = (byte) (w0 >>> 8);
        mask[2] = (byte) (w0 >>> 16);
        mask[3] = (byte) (w0 >>> 24);
        mask[4] = (byte) w1;
    }
}
