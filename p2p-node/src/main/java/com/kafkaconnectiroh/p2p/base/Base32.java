package com.kafkaconnectiroh.p2p.base;

/**
 * RFC 4648 base32 without padding, in the two alphabets iroh uses: the standard one (tickets, lowercase when
 * printed; also accepted for 52-character ids) and "base32hex" (lowercase, for the TLS server name
 * {@code <id>.iroh.invalid}).
 */
public final class Base32 {
    public static final Base32 STANDARD = new Base32("abcdefghijklmnopqrstuvwxyz234567");
    public static final Base32 HEX = new Base32("0123456789abcdefghijklmnopqrstuv");

    private final char[] alphabet;
    private final int[] lookup = new int[128];

    private Base32(String lowercaseAlphabet) {
        alphabet = lowercaseAlphabet.toCharArray();
        java.util.Arrays.fill(lookup, -1);
        for (int i = 0; i < alphabet.length; i++) {
            char c = alphabet[i];
            lookup[c] = i;
            lookup[Character.toUpperCase(c)] = i;
        }
    }

    /** Lowercase, no padding. */
    public String encode(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(alphabet[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(alphabet[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    /**
     * Decodes either case, no padding. Rejects characters outside the alphabet, impossible lengths and
     * non-zero trailing bits (so every byte string has exactly one accepted text form).
     */
    public byte[] decode(CharSequence text) {
        int n = text.length();
        int rem = n % 8;
        if (rem == 1 || rem == 3 || rem == 6) {
            throw new IllegalArgumentException("invalid base32 length " + n);
        }
        byte[] out = new byte[n * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            int v = c < 128 ? lookup[c] : -1;
            if (v < 0) {
                throw new IllegalArgumentException("invalid base32 character '" + c + "' at position " + i);
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out[o++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if ((buffer & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("base32 has non-zero trailing bits");
        }
        return out;
    }
}
