package com.kafkaconnectiroh.p2p.base;

import java.text.Normalizer;

/** Just enough RFC 3492 to tell whether an {@code xn--} label is well-formed, for {@link RelayUrl}. */
final class Punycode {
    private static final int BASE = 36;
    private static final int TMIN = 1;
    private static final int TMAX = 26;
    private static final int SKEW = 38;
    private static final int DAMP = 700;
    private static final int INITIAL_BIAS = 72;
    private static final int INITIAL_N = 128;

    private Punycode() {
    }

    /**
     * True if {@code encoded} (the part after "xn--") decodes under RFC 3492 §6.2 to a label UTS #46 could have
     * produced: non-empty, not purely ASCII, in NFC, not starting with a combining mark, and free of controls, format characters, private-use and separator code points. An approximation of the UTS #46
     * validity and bidi rules, deliberately on the accepting side: it may accept a label rust-url refuses (a code
     * point UTS #46 disallows, a bidi or combining-mark violation) but should never refuse one rust-url accepts, so
     * a ticket from a real iroh node always parses. Unassigned code points are let through because Java 17's
     * Unicode tables are older than rust-url's.
     */
    static boolean isValidEncodedLabel(String encoded) {
        String decoded = decode(encoded);
        if (decoded == null || decoded.isEmpty() || decoded.chars().allMatch(c -> c < 0x80)) {
            return false;
        }
        if (!Normalizer.isNormalized(decoded, Normalizer.Form.NFC) || isMark(decoded.codePointAt(0))) {
            return false;
        }
        return decoded.codePoints().allMatch(Punycode::isPlausiblyValid);
    }

    /** UTS #46 §4.1 criterion 5: a label must not begin with a combining mark. */
    private static boolean isMark(int cp) {
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.ENCLOSING_MARK || t == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isPlausiblyValid(int cp) {
        switch (Character.getType(cp)) {
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.PRIVATE_USE:
            case Character.SURROGATE:
            case Character.SPACE_SEPARATOR:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return false;
            default:
                return true;
        }
    }

    /** RFC 3492 §6.2 decoding, or null on any error (bad digit, overflow, code point out of range). */
    static String decode(String input) {
        int n = INITIAL_N;
        int i = 0;
        int bias = INITIAL_BIAS;
        int b = input.lastIndexOf('-');
        StringBuilder out = new StringBuilder();
        int[] output = new int[input.length()];
        int outLen = 0;
        if (b > 0) {
            for (int j = 0; j < b; j++) {
                char c = input.charAt(j);
                if (c >= 0x80) {
                    return null;
                }
                output[outLen++] = c;
            }
        }
        int in = b > 0 ? b + 1 : 0;
        while (in < input.length()) {
            int oldi = i;
            int w = 1;
            for (int k = BASE; ; k += BASE) {
                if (in >= input.length()) {
                    return null;
                }
                int digit = digit(input.charAt(in++));
                if (digit < 0) {
                    return null;
                }
                if (digit > (Integer.MAX_VALUE - i) / w) {
                    return null;
                }
                i += digit * w;
                int t = k <= bias ? TMIN : Math.min(k - bias, TMAX);
                if (digit < t) {
                    break;
                }
                if ((long) w * (BASE - t) > Integer.MAX_VALUE) {
                    return null;
                }
                w *= BASE - t;
            }
            bias = adapt(i - oldi, outLen + 1, oldi == 0);
            if (i / (outLen + 1) > Integer.MAX_VALUE - n) {
                return null;
            }
            n += i / (outLen + 1);
            i %= outLen + 1;
            if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) || outLen >= output.length) {
                return null;
            }
            System.arraycopy(output, i, output, i + 1, outLen - i);
            output[i++] = n;
            outLen++;
        }
        for (int j = 0; j < outLen; j++) {
            out.appendCodePoint(output[j]);
        }
        return out.toString();
    }

    private static int adapt(int delta, int numPoints, boolean first) {
        delta = first ? delta / DAMP : delta / 2;
        delta += delta / numPoints;
        int k = 0;
        while (delta > ((BASE - TMIN) * TMAX) / 2) {
            delta /= BASE - TMIN;
            k += BASE;
        }
        return k + (BASE - TMIN + 1) * delta / (delta + SKEW);
    }

    private static int digit(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 26;
        }
        return -1;
    }
}
