package com.kafkaconnectiroh.p2p.quic.protection;

import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction's AEAD for packet payloads (RFC 9001 §5.3): the nonce is the IV XORed with the packet number,
 * the associated data is the unprotected header. Holds one reusable {@link Cipher}; the JDK wants a fresh
 * {@code init} per nonce, which is cheap when the key object stays the same. The cipher is made on first use (keys
 * of levels a handshake never reaches cost no cipher; see {@link HeaderProtection}).
 */
public final class PacketKey {
    public static final int TAG_LENGTH = 16;

    private final CipherSuite suite;
    private final SecretKeySpec key;
    private final byte[] iv;
    private final byte[] nonce = new byte[12];
    private final byte[] lastNonce = new byte[12];
    private boolean initialized;
    private Cipher cipher;

    public PacketKey(CipherSuite suite, byte[] key, byte[] iv) {
        if (iv.length != 12) {
            throw new IllegalArgumentException("QUIC AEAD IV must be 12 bytes, got " + iv.length);
        }
        if (key.length != suite.keyLength) {
            throw new IllegalArgumentException(suite + " key must be " + suite.keyLength + " bytes, got " + key.length);
        }
        this.suite = suite;
        this.key = new SecretKeySpec(key, suite.isChaCha() ? "ChaCha20" : "AES");
        this.iv = iv.clone();
    }

    public CipherSuite suite() {
        return suite;
    }

    private void init(int mode, long pathId, long pn) throws GeneralSecurityException {
        if (cipher == null) {
            try {
                cipher = Cipher.getInstance(suite.aeadTransformation);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(suite.aeadTransformation + " unavailable", e);
            }
        }
        System.arraycopy(iv, 0, nonce, 0, 12);
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] ^= (byte) (pn >>> (8 * i));
        }
        // multipath (draft-ietf-quic-multipath §2.4, noq via rustls Nonce::for_path): the path ID as a 32-bit
        // big-endian number fills the first four bytes, so path 0 is exactly RFC 9001's nonce
        for (int i = 0; i < 4; i++) {
            nonce[3 - i] ^= (byte) (pathId >>> (8 * i));
        }
        if (suite.isChaCha() && initialized && java.util.Arrays.equals(nonce, lastNonce)) {
            // the JDK refuses to re-init ChaCha20-Poly1305 with the previous nonce even to decrypt, which a
            // duplicated or replayed packet does; step through another nonce first (nothing is encrypted with it)
            nonce[0] ^= 1;
            cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonce));
            nonce[0] ^= 1;
        }
        AlgorithmParameterSpec spec = suite.isChaCha() ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce);
        cipher.init(mode, key, spec);
        System.arraycopy(nonce, 0, lastNonce, 0, 12);
        initialized = true;
    }

    /**
     * Encrypts {@code in[inOff, inOff+inLen)} into {@code out} at {@code outOff} (regions must not overlap),
     * authenticating {@code aad}. Returns the ciphertext length: {@code inLen + 16}.
     */
    public int seal(long pn, byte[] aad, int aadOff, int aadLen, byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        return seal(0, pn, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
    }

    /** Like {@link #seal(long, byte[], int, int, byte[], int, int, byte[], int)} for a packet of path {@code pathId}. */
    public int seal(long pathId, long pn, byte[] aad, int aadOff, int aadLen, byte[] in, int inOff, int inLen,
                    byte[] out, int outOff) {
        try {
            init(Cipher.ENCRYPT_MODE, pathId, pn);
            cipher.updateAAD(aad, aadOff, aadLen);
            return cipher.doFinal(in, inOff, inLen, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD seal failed for packet " + pn, e);
        }
    }

    /**
     * Decrypts and authenticates {@code in[inOff, inOff+inLen)} (ciphertext plus tag) into {@code out}. Returns
     * the plaintext length, or -1 if authentication failed.
     */
    public int open(long pn, byte[] aad, int aadOff, int aadLen, byte[] in, int inOff, int inLen, byte[] out, int outOff) {
        return open(0, pn, aad, aadOff, aadLen, in, inOff, inLen, out, outOff);
    }

    /** Like {@link #open(long, byte[], int, int, byte[], int, int, byte[], int)} for a packet of path {@code pathId}. */
    public int open(long pathId, long pn, byte[] aad, int aadOff, int aadLen, byte[] in, int inOff, int inLen,
                    byte[] out, int outOff) {
        if (inLen < TAG_LENGTH) {
            return -1;
        }
        try {
            init(Cipher.DECRYPT_MODE, pathId, pn);
            cipher.updateAAD(aad, aadOff, aadLen);
            return cipher.doFinal(in, inOff, inLen, out, outOff);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD open failed for packet " + pn, e);
        }
    }

    /** Packets one key may protect before it must be updated (RFC 9001 §6.6). */
    public long confidentialityLimit() {
        return suite.isChaCha() ? Long.MAX_VALUE : 1L << 23;
    }

    /** Failed decryptions tolerated across the connection for this suite (RFC 9001 §6.6). */
    public long integrityLimit() {
        return suite.isChaCha() ? 1L << 36 : 1L << 52;
    }
}
