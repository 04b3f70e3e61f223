package com.kafkaconnectiroh.p2p.discovery.dht;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencode (BEP 3 "bencoding"), the encoding of every KRPC message. Values map onto Java types as: integer ↔
 * {@link Long}, byte string ↔ {@code byte[]}, list ↔ {@link List}, dictionary ↔ {@link TreeMap} keyed by the key
 * bytes read as ISO-8859-1 (one char per byte, so the {@code String} order is the raw byte order bencode sorts by).
 *
 * <p>The decoder reads untrusted datagrams: it bounds nesting ({@link #MAX_DEPTH}) and element count
 * ({@link #MAX_ELEMENTS}), checks every length against the bytes left before allocating, accepts only canonical
 * integers (no leading zeros, no {@code -0}, fits a {@code long}) and refuses duplicate dictionary keys and trailing
 * bytes. It accepts dictionaries whose keys are out of order (some clients write them so); the encoder always sorts.
 */
public final class Bencode {
    public static final int MAX_DEPTH = 16;
    public static final int MAX_ELEMENTS = 512;

    private final byte[] in;
    private int pos;
    private int elements;

    private Bencode(byte[] in) {
        this.in = in;
    }

    /** Decodes exactly one value filling {@code data}. */
    public static Object decode(byte[] data) throws BencodeException {
        Bencode d = new Bencode(data);
        Object v = d.value(0);
        if (d.pos != data.length) {
            throw new BencodeException("expected the end after one value, got " + (data.length - d.pos) + " more bytes");
        }
        return v;
    }

    private Object value(int depth) throws BencodeException {
        if (depth > MAX_DEPTH) {
            throw new BencodeException("nesting deeper than " + MAX_DEPTH);
        }
        if (++elements > MAX_ELEMENTS) {
            throw new BencodeException("more than " + MAX_ELEMENTS + " values");
        }
        int c = next();
        switch (c) {
            case 'i': {
                long v = integer('e');
                return v;
            }
            case 'l': {
                List<Object> list = new ArrayList<>();
                while (peek() != 'e') {
                    list.add(value(depth + 1));
                }
                pos++;
                return list;
            }
            case 'd': {
                TreeMap<String, Object> map = new TreeMap<>();
                while (peek() != 'e') {
                    if (peek() < '0' || peek() > '9') {
                        throw new BencodeException("expected a byte-string dictionary key at " + pos + ", got '" + (char) peek() + "'");
                    }
                    String key = new String(bytes(), StandardCharsets.ISO_8859_1);
                    Object v = value(depth + 1);
                    if (map.put(key, v) != null) {
                        throw new BencodeException("duplicate dictionary key '" + key + "'");
                    }
                }
                pos++;
                return map;
            }
            default:
                if (c >= '0' && c <= '9') {
                    pos--;
                    return bytes();
                }
                throw new BencodeException("expected i, l, d or a digit at " + (pos - 1) + ", got 0x" + Integer.toHexString(c));
        }
    }

    private byte[] bytes() throws BencodeException {
        long len = integer(':');
        if (len < 0 || len > in.length - pos) {
            throw new BencodeException("byte string of " + len + " bytes, only " + (in.length - pos) + " left");
        }
        byte[] b = new byte[(int) len];
        System.arraycopy(in, pos, b, 0, b.length);
        pos += b.length;
        return b;
    }

    /** A canonical decimal integer ended by {@code end}. */
    private long integer(char end) throws BencodeException {
        int start = pos;
        boolean negative = peek() == '-';
        if (negative) {
            pos++;
        }
        int digitsStart = pos;
        long v = 0;
        while (peek() != end) {
            int c = next();
            if (c < '0' || c > '9') {
                throw new BencodeException("expected a digit or '" + end + "' at " + (pos - 1) + ", got 0x" + Integer.toHexString(c));
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                throw new BencodeException("integer at " + start + " does not fit 64 bits");
            }
            v = v * 10 + (c - '0');
        }
        int digits = pos - digitsStart;
        pos++;
        if (digits == 0 || (digits > 1 && in[digitsStart] == '0') || (negative && v == 0)) {
            throw new BencodeException("integer at " + start + " is not canonical");
        }
        return negative ? -v : v;
    }

    private int peek() throws BencodeException {
        if (pos >= in.length) {
            throw new BencodeException("truncated at " + pos);
        }
        return in[pos] & 0xff;
    }

    private int next() throws BencodeException {
        int c = peek();
        pos++;
        return c;
    }

    /** Encodes {@code value} (Long/Integer, byte[], String as UTF-8, List, Map with String keys, {@link Raw}). */
    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        encode(value, out);
        return out.toByteArray();
    }

    private static void encode(Object value, ByteArrayOutputStream out) {
        if (value instanceof Raw r) {
            out.writeBytes(r.encoded());
        } else if (value instanceof byte[] b) {
            ascii(out, Integer.toString(b.length));
            out.write(':');
            out.writeBytes(b);
        } else if (value instanceof String s) {
            encode(s.getBytes(StandardCharsets.UTF_8), out);
        } else if (value instanceof Long || value instanceof Integer) {
            out.write('i');
            ascii(out, value.toString());
            out.write('e');
        } else if (value instanceof List<?> list) {
            out.write('l');
            for (Object o : list) {
                encode(o, out);
            }
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sorted.put((String) e.getKey(), e.getValue());
            }
            out.write('d');
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                encode(e.getKey().getBytes(StandardCharsets.ISO_8859_1), out);
                encode(e.getValue(), out);
            }
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass().getName()));
        }
    }

    /** An already-encoded value, written through verbatim (a stored BEP 44 item's {@code v}). */
    public record Raw(byte[] encoded) {
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }
}
