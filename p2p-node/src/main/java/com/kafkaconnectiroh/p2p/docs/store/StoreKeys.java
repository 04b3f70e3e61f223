package com.kafkaconnectiroh.p2p.docs.store;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * How composite keys are laid out in the store's maps so that plain unsigned byte order is the order we need.
 * Fixed-width parts (ids, big-endian numbers) are concatenated as they are. A variable-length part that is
 * followed by another is escaped: each {@code 00} becomes {@code 00 FF} and the part ends with {@code 00 00},
 * which keeps tuple order ("a" before "a\0" before "ab") and keeps a key's escaped prefix a byte prefix of it.
 */
final class StoreKeys {
    private StoreKeys() {
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** {@code key} escaped, with the terminator when {@code terminate} (a prefix to scan leaves it off). */
    static byte[] escape(byte[] key, boolean terminate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(key.length + 2);
        for (byte b : key) {
            out.write(b);
            if (b == 0) {
                out.write(0xFF);
            }
        }
        if (terminate) {
            out.write(0);
            out.write(0);
        }
        return out.toByteArray();
    }

    /**
     * Reads an escaped part starting at {@code off}; returns the raw bytes and sets {@code end[0]} to the offset
     * after its terminator.
     */
    static byte[] unescape(byte[] src, int off, int[] end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(src.length - off);
        int i = off;
        while (i < src.length) {
            byte b = src[i];
            if (b == 0) {
                if (i + 1 >= src.length) {
                    throw new IllegalStateException("unterminated escaped key");
                }
                if (src[i + 1] == 0) {
                    end[0] = i + 2;
                    return out.toByteArray();
                }
                out.write(0);
                i += 2;
            } else {
                out.write(b);
                i++;
            }
        }
        throw new IllegalStateException("unterminated escaped key");
    }

    /**
     * The smallest byte string greater than every string starting with {@code prefix}, or null if there is none
     * (the prefix is all {@code FF}): the exclusive end of a prefix scan.
     */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    static byte[] longBE(long v) {
        byte[] b = new byte[8];
        putLong(b, 0, v);
        return b;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }
}
