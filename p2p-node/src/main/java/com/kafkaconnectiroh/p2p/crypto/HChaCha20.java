package com.kafkaconnectiroh.p2p.crypto;

/**
 * HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): twenty ChaCha rounds over key and a 16-byte input, without the
 * final feed-forward addition, keeping state words 0–3 and 12–15 as a 32-byte derived key. It turns a shared
 * secret into a uniform key (crypto_box) and a 24-byte nonce into a per-message subkey (XChaCha20).
 */
public final class HChaCha20 {
    public static final int KEY_LEN = 32;
    public static final int INPUT_LEN = 16;
    public static final int OUTPUT_LEN = 32;

    private HChaCha20() {
    }

    /** Derives 32 bytes into {@code out[outOff..]} from {@code key} and {@code input[inOff..inOff+16]}. */
    public static void derive(byte[] key, byte[] input, int inOff, byte[] out, int outOff) {
        if (key.length != KEY_LEN) {
            throw new IllegalArgumentException("HChaCha20 key must be 32 bytes, got " + key.length);
        }
        int[] keyWords = ChaChaCore.keyWords(key);
        int[] x = new int[16];
        ChaChaCore.initState(x, keyWords, input, inOff);
        ChaChaCore.rounds(x);
        for (int i = 0; i < 4; i++) {
            putLe32(x[i], out, outOff + 4 * i);
            putLe32(x[12 + i], out, outOff + 16 + 4 * i);
        }
        java.util.Arrays.fill(x, 0);
        java.util.Arrays.fill(keyWords, 0);
    }

    public static byte[] derive(byte[] key, byte[] input16) {
        if (input16.length != INPUT_LEN) {
            throw new IllegalArgumentException("HChaCha20 input must be 16 bytes, got " + input16.length);
        }
        byte[] out = new byte[OUTPUT_LEN];
        derive(key, input16, 0, out, 0);
        return out;
    }

    private static void putLe32(int v, byte[] b, int off) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
