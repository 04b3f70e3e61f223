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
        int[] x = new int[16];
        // "expand 32-byte k"
        x[0] = 0x61707865;
        x[1] = 0x3320646e;
        x[2] = 0x79622d32;
        x[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) {
            x[4 + i] = le32(key, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            x[12 + i] = le32(input, inOff + 4 * i);
        }
        for (int round = 0; round < 10; round++) {
            quarterRound(x, 0, 4, 8, 12);
            quarterRound(x, 1, 5, 9, 13);
            quarterRound(x, 2, 6, 10, 14);
            quarterRound(x, 3, 7, 11, 15);
            quarterRound(x, 0, 5, 10, 15);
            quarterRound(x, 1, 6, 11, 12);
            quarterRound(x, 2, 7, 8, 13);
            quarterRound(x, 3, 4, 9, 14);
        }
        for (int i = 0; i < 4; i++) {
            putLe32(x[i], out, outOff + 4 * i);
            putLe32(x[12 + i], out, outOff + 16 + 4 * i);
        }
        java.util.Arrays.fill(x, 0);
    }

    public static byte[] derive(byte[] key, byte[] input16) {
        if (input16.length != INPUT_LEN) {
            throw new IllegalArgumentException("HChaCha20 input must be 16 bytes, got " + input16.length);
        }
        byte[] out = new byte[OUTPUT_LEN];
        derive(key, input16, 0, out, 0);
        return out;
    }

    private static void quarterRound(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    private static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    private static void putLe32(int v, byte[] b, int off) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
