package com.kafkaconnectiroh.p2p.crypto;

import java.util.Arrays;
import org.bouncycastle.crypto.engines.ChaChaEngine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * libsodium's {@code crypto_box_curve25519xchacha20poly1305} (crypto_box 0.9 {@code ChaChaBox}, used by iroh
 * 0.35 disco), for one pair of keys:
 * <ol>
 * <li>key = HChaCha20(X25519(ourSecret, theirPublic), 0¹⁶), computed once here;</li>
 * <li>per message, subkey = HChaCha20(key, nonce[0..16]) and the original (djb) ChaCha20 stream with that subkey,
 * the 8-byte nonce[16..24] and block counter 0;</li>
 * <li>keystream bytes 0–31 are the one-time Poly1305 key; the message is XORed with the stream from byte 32;</li>
 * <li>the tag is Poly1305 over the ciphertext alone (no associated data, no padding) and goes in front.</li>
 * </ol>
 * Follows NC@crypto_box-v0.9.1 {@code CryptoBox::new} and NC@crypto_secretbox-v0.1.1
 * {@code init_cipher_and_mac}. Immutable and thread-safe; each call allocates its own cipher state.
 */
public final class CryptoBox {
    public static final int NONCE_LEN = 24;
    public static final int TAG_LEN = 16;

    private static final byte[] ZERO16 = new byte[16];

    private final byte[] key;

    private CryptoBox(byte[] key) {
        this.key = key;
    }

    /**
     * Precomputes the box key for our X25519 secret and the peer's X25519 public key. Returns null when the
     * peer's key has small order, so no secret can be agreed (a legitimate peer never sends such a key).
     */
    public static CryptoBox between(byte[] ourX25519Secret, byte[] theirX25519Public) {
        byte[] shared = X25519.sharedSecret(ourX25519Secret, theirX25519Public);
        if (shared == null) {
            return null;
        }
        byte[] k = new byte[32];
        HChaCha20.derive(shared, ZERO16, 0, k, 0);
        Arrays.fill(shared, (byte) 0);
        return new CryptoBox(k);
    }

    /** A box straight from a 32-byte secretbox key (crypto_secretbox_xchacha20poly1305), for tests and vectors. */
    public static CryptoBox fromSecretboxKey(byte[] key32) {
        if (key32.length != 32) {
            throw new IllegalArgumentException("secretbox key must be 32 bytes, got " + key32.length);
        }
        return new CryptoBox(key32.clone());
    }

    /** Writes {@code tag ‖ ciphertext} ({@code len + 16} bytes) to {@code out[outOff..]}, which must not overlap the input. */
    public void seal(byte[] nonce, byte[] in, int off, int len, byte[] out, int outOff) {
        checkNonce(nonce);
        ChaChaEngine stream = streamFor(nonce);
        Poly1305 mac = macFor(stream);
        stream.processBytes(in, off, len, out, outOff + TAG_LEN);
        mac.update(out, outOff + TAG_LEN, len);
        mac.doFinal(out, outOff);
    }

    public byte[] seal(byte[] nonce, byte[] plaintext) {
        byte[] out = new byte[plaintext.length + TAG_LEN];
        seal(nonce, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /**
     * Checks the tag over {@code in[off..off+len]} ({@code tag ‖ ciphertext}) and, only if it is right, writes the
     * {@code len − 16} plaintext bytes to {@code out[outOff..]}. False for a wrong tag or a box shorter than a tag.
     */
    public boolean open(byte[] nonce, byte[] in, int off, int len, byte[] out, int outOff) {
        checkNonce(nonce);
        if (len < TAG_LEN) {
            return false;
        }
        ChaChaEngine stream = streamFor(nonce);
        Poly1305 mac = macFor(stream);
        mac.update(in, off + TAG_LEN, len - TAG_LEN);
        byte[] expected = new byte[TAG_LEN];
        mac.doFinal(expected, 0);
        if (!org.bouncycastle.util.Arrays.constantTimeAreEqual(TAG_LEN, expected, 0, in, off)) {
            return false;
        }
        stream.processBytes(in, off + TAG_LEN, len - TAG_LEN, out, outOff);
        return true;
    }

    /** The plaintext, or null if the tag does not verify. */
    public byte[] open(byte[] nonce, byte[] box) {
        if (box.length < TAG_LEN) {
            return null;
        }
        byte[] out = new byte[box.length - TAG_LEN];
        return open(nonce, box, 0, box.length, out, 0) ? out : null;
    }

    private ChaChaEngine streamFor(byte[] nonce) {
        byte[] subkey = new byte[32];
        HChaCha20.derive(key, nonce, 0, subkey, 0);
        ChaChaEngine stream = new ChaChaEngine(20);
        stream.init(true, new ParametersWithIV(new KeyParameter(subkey), nonce, 16, 8));
        Arrays.fill(subkey, (byte) 0);
        return stream;
    }

    /** Consumes keystream bytes 0–31 as the Poly1305 key, leaving the stream at byte 32 for the message. */
    private static Poly1305 macFor(ChaChaEngine stream) {
        byte[] macKey = new byte[32];
        stream.processBytes(macKey, 0, 32, macKey, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        Arrays.fill(macKey, (byte) 0);
        return mac;
    }

    private static void checkNonce(byte[] nonce) {
        if (nonce == null || nonce.length != NONCE_LEN) {
            throw new IllegalArgumentException("crypto_box nonce must be 24 bytes");
        }
    }
}
