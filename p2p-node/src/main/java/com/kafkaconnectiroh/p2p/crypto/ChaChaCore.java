package com.kafkaconnectiroh.p2p.crypto;

/**
 * The ChaCha20 core both of our ChaCha uses share (RFC 8439 §2.3): the initial state and the twenty rounds,
 * without the final feed-forward, which each caller does (or, for HChaCha20, does not do) itself.
 */
public final class ChaChaCore {
    private ChaChaCore() {
    }

    /**
     * Fills the 16-word {@code state} with the constants, the key words {@code key[0..8)} and the 4 input words
     * read little-endian from {@code input[inOff, inOff+16)} (counter and nonce, or HChaCha20's input).
     */
    public static void initState(int[] state, int[] key, byte[] input, int inOff) {
        // "expand 32-byte k"
        state[0] = 0x61707865;
        state[1] = 0x3320646e;
        state[2] = 0x79622d32;
        state[3] = 0x6b206574;
        System.arraycopy(key, 0, state, 4, 8);
        for (int i = 0; i < 4; i++) {
            state[12 + i] = le32(input, inOff + 4 * i);
        }
    }

    /** The twenty rounds (ten column + diagonal double rounds) over {@code x}, in place. */
    public static void rounds(int[] x) {
        for (int i = 0; i < 10; i++) {
            quarterRound(x, 0, 4, 8, 12);
            quarterRound(x, 1, 5, 9, 13);
            quarterRound(x, 2, 6, 10, 14);
            quarterRound(x, 3, 7, 11, 15);
            quarterRound(x, 0, 5, 10, 15);
            quarterRound(x, 1, 6, 11, 12);
            quarterRound(x, 2, 7, 8, 13);
            quarterRound(x, 3, 4, 9, 14);
        }
    }

    /** The 8 little-endian words of a 32-byte key. */
    public static int[] keyWords(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("ChaCha20 key must be 32 bytes, got " + key.length);
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = le32(key, 4 * i);
        }
        return words;
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
}
