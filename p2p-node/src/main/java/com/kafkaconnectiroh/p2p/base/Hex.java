package com.kafkaconnectiroh.p2p.base;

/** Lowercase hex, the form iroh prints ids, topics and hashes in. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    public static String encode(byte[] b) {
        return encode(b, 0, b.length);
    }

    public static String encode(byte[] b, int off, int len) {
        char[] out = new char[len * 2];
        for (int i = 0; i < len; i++) {
            int v = b[off + i] & 0xFF;
            out[2 * i] = DIGITS[v >>> 4];
            out[2 * i + 1] = DIGITS[v & 0xF];
        }
        return new String(out);
    }

    /** Decodes hex of either case; throws {@link IllegalArgumentException} naming the problem. */
    public static byte[] decode(CharSequence s) {
        if (s.length() % 2 != 0) {
            throw new IllegalArgumentException("hex string has odd length " + s.length());
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((digit(s, 2 * i) << 4) | digit(s, 2 * i + 1));
        }
        return out;
    }

    public static boolean isHex(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int digit(CharSequence s, int i) {
        int d = Character.digit(s.charAt(i), 16);
        if (d < 0) {
            throw new IllegalArgumentException("invalid hex character '" + s.charAt(i) + "' at position " + i);
        }
        return d;
    }
}
