package com.kafkaconnectiroh.p2p.quic.protection;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Retry Integrity Tag (RFC 9001 §5.8): AES-128-GCM with a fixed v1 key and nonce over the Retry pseudo-packet
 * (original DCID length and bytes, then the Retry packet without its tag).
 */
public final class RetryIntegrity {
    public static final int TAG_LENGTH = 16;
    private static final byte[] KEY_V1 = {
        (byte) 0xbe, 0x0c, 0x69, 0x0b, (byte) 0x9f, 0x66, 0x57, 0x5a, 0x1d, 0x76, 0x6b, 0x54, (byte) 0xe3, 0x68,
        (byte) 0xc8, 0x4e
    };
    private static final byte[] NONCE_V1 = {
        0x46, 0x15, (byte) 0x99, (byte) 0xd3, 0x5d, 0x63, 0x2b, (byte) 0xf2, 0x23, (byte) 0x98, 0x25, (byte) 0xbb
    };

    private RetryIntegrity() {
    }

    private static byte[] pseudoPacket(byte[] originalDcid, byte[] retry, int off, int lenWithoutTag) {
        byte[] p = new byte[1 + originalDcid.length + lenWithoutTag];
        p[0] = (byte) originalDcid.length;
        System.arraycopy(originalDcid, 0, p, 1, originalDcid.length);
        System.arraycopy(retry, off, p, 1 + originalDcid.length, lenWithoutTag);
        return p;
    }

    /** The tag for a Retry packet body {@code retry[off, off+lenWithoutTag)}. */
    public static byte[] computeTag(byte[] originalDcid, byte[] retry, int off, int lenWithoutTag) {
        try {
            // a fresh Cipher each time: the JDK refuses to encrypt twice with one key and nonce on one instance
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY_V1, "AES"), new GCMParameterSpec(128, NONCE_V1));
            c.updateAAD(pseudoPacket(originalDcid, retry, off, lenWithoutTag));
            return c.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** True if the Retry packet {@code retry[off, off+len)} (tag last) carries a valid tag. */
    public static boolean verify(byte[] originalDcid, byte[] retry, int off, int len) {
        if (len < TAG_LENGTH) {
            return false;
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(KEY_V1, "AES"), new GCMParameterSpec(128, NONCE_V1));
            c.updateAAD(pseudoPacket(originalDcid, retry, off, len - TAG_LENGTH));
            c.doFinal(retry, off + len - TAG_LENGTH, TAG_LENGTH);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
