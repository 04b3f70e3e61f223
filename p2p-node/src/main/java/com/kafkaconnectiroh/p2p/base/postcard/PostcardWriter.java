package com.kafkaconnectiroh.p2p.base.postcard;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes values in the postcard wire format (postcard {@code spec/src/wire-format.md}): integers of 16 bits or
 * more as LEB128 varints (signed ones zigzag first), {@code u8}/{@code bool} as one byte, enum variants and
 * sequence/string/byte-string lengths as varints, fixed arrays and structs with no prefix.
 *
 * <p>Always encodes canonically (shortest varint). Grows its buffer as needed.
 */
public final class PostcardWriter {
    private byte[] buf;
    private int len;

    public PostcardWriter() {
        this(64);
    }

    public PostcardWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public PostcardWriter u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    public PostcardWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    /** Unsigned varint; covers u16, u32, u64 and usize (a negative {@code long} is read as its u64 value). */
    public PostcardWriter varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    /** How many bytes {@link #varint} writes for {@code v} (sizes an encoding before writing it). */
    public static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** Signed integer (i16, i32, i64): zigzag, then varint. */
    public PostcardWriter signedVarint(long v) {
        return varint((v << 1) ^ (v >> 63));
    }

    /** Enum discriminant. */
    public PostcardWriter variant(int index) {
        return varint(index & 0xFFFFFFFFL);
    }

    /** Length-prefixed byte string ({@code Vec<u8>}, {@code Bytes}). */
    public PostcardWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public PostcardWriter bytes(byte[] b, int off, int n) {
        varint(n);
        return raw(b, off, n);
    }

    /** Fixed-size array ({@code [u8; N]}): no length prefix. */
    public PostcardWriter raw(byte[] b) {
        return raw(b, 0, b.length);
    }

    public PostcardWriter raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    public PostcardWriter string(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code None}. Follow {@link #some()} with the value. */
    public PostcardWriter none() {
        return u8(0);
    }

    public PostcardWriter some() {
        return u8(1);
    }

    /** Sequence or map length. */
    public PostcardWriter length(int n) {
        return varint(n);
    }

    /** Raw little-endian u64 (used by protocols that frame outside postcard, e.g. blob sizes). */
    public PostcardWriter u64le(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public int size() {
        return len;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
