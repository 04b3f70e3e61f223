package com.kafkaconnectiroh.p2p.base;

/**
 * Base32 without padding, MSB-first 5-bit groups, in the three alphabets iroh uses: RFC 4648's standard one
 * (tickets, lowercase when printed; also accepted for 52-character ids, and the mDNS instance label),
 * "base32hex" (lowercase, for the TLS server name {@code <id>.iroh.invalid}) and z-base-32 (pkarr and DNS names,
 * {@code _iroh.<z32>}; IR@v1.0.2 {@code iroh-base/src/key.rs::to_z32}).
 */
public final class Base32 {
    public static final Base32 STANDARD = new Base32("abcdefghijklmnopqrstuvwxyz234567", true);
    public static final Base32 HEX = new Base32("0123456789abcdefghijklmnopqrstuv", true);
    /** z-base-32: lowercase only, as iroh's decoder ({@code data_encoding}) accepts it. */
    public static final Base32 Z_BASE_32 = new Base32("ybndrfg8ejkmcpqxot1uwisza345h769", false);

    private final char[] alphabet;
    private final int[] lookup = new int[128];

    private Base32(String lowercaseAlphabet, boolean eitherCase) {
        alphabet = lowercaseAlphabet.toCharArray();
        java.util.Arrays.fill(lookup, -1);
        for (int i = 0; i < alphabet.length; i++) {
            char c = alphabet[i];
            lookup[c] = i;
            if (eitherCase) {
                lookup[Character.toUpperCase(c)] = i;
            }
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
     * Decodes, no padding (either case, except z-base-32: lowercase only). Rejects characters outside the alphabet, impossible lengths and
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
