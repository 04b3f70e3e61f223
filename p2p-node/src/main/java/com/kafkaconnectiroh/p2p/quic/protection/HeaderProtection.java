package com.kafkaconnectiroh.p2p.quic.protection;

import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Header protection (RFC 9001 §5.4): a 5-byte mask from a 16-byte ciphertext sample, AES-ECB for the AES suites
 * (§5.4.3) and the ChaCha20 keystream for ChaCha20-Poly1305 (§5.4.4). Masks the first byte's low bits and the
 * packet number bytes.
 */
public final class HeaderProtection {
    public static final int SAMPLE_LENGTH = 16;

    private final boolean chacha;
    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] block = new byte[16];
    private final byte[] chachaNonce = new byte[12];
    private final byte[] zeros = new byte[5];

    public HeaderProtection(CipherSuite suite, byte[] hpKey) {
        this.chacha = suite.isChaCha();
        try {
            if (chacha) {
                key = new SecretKeySpec(hpKey, "ChaCha20");
                cipher = Cipher.getInstance("ChaCha20");
            } else {
                key = new SecretKeySpec(hpKey, "AES");
                cipher = Cipher.getInstance("AES/ECB/NoPadding");
                cipher.init(Cipher.ENCRYPT_MODE, key);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("header protection cipher unavailable", e);
        }
    }

    /** Computes the mask for the sample at {@code sample[off, off+16)} into {@code mask[0..5)}. */
    public void mask(byte[] sample, int off, byte[] mask) {
        try {
            if (chacha) {
                int counter = (sample[off] & 0xFF) | (sample[off + 1] & 0xFF) << 8 | (sample[off + 2] & 0xFF) << 16
                        | (sample[off + 3] & 0xFF) << 24;
                System.arraycopy(sample, off + 4, chachaNonce, 0, 12);
                // decrypt mode: the keystream is the same, and the JDK's nonce-reuse guard (encrypt only) must
                // not trip on duplicate packets that share a sample
                cipher.init(Cipher.DECRYPT_MODE, key, new ChaCha20ParameterSpec(chachaNonce, counter));
                cipher.doFinal(zeros, 0, 5, mask, 0);
            } else {
                cipher.doFinal(sample, off, 16, block, 0);
                System.arraycopy(block, 0, mask, 0, 5);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("header protection failed", e);
        }
    }
}
