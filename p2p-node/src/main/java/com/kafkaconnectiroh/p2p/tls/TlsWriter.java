package com.kafkaconnectiroh.p2p.tls;

import java.util.Arrays;

/** Growable big-endian writer for handshake messages, with back-patched vector lengths (RFC 8446 §3). */
final class TlsWriter {
    private byte[] buf;
    private int len;

    TlsWriter(int initialCapacity) {
        buf = new byte[initialCapacity];
    }

    int size() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    TlsWriter u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    TlsWriter u16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    TlsWriter u24(int v) {
        ensure(3);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
        return this;
    }

    TlsWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    TlsWriter bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    /** Reserves a length prefix of {@code width} bytes; returns the mark to pass to {@link #end}. */
    int begin(int width) {
        ensure(width);
        int mark = len;
        len += width;
        return mark | (width << 28);
    }

    /** Fills in the length prefix reserved by {@link #begin} with the number of bytes written since. */
    void end(int mark) {
        int width = mark >>> 28;
        int at = mark & 0x0FFF_FFFF;
        int n = len - at - width;
        if (n >= 1 << (8 * width)) {
            throw new IllegalStateException("vector of " + n + " bytes does not fit a " + width + "-byte length");
        }
        for (int i = width - 1; i >= 0; i--) {
            buf[at + i] = (byte) (n >>> (8 * (width - 1 - i)));
        }
    }

    /** Starts a handshake message: type and a 3-byte length to be filled by {@link #end}. */
    int beginMessage(int type) {
        u8(type);
        return begin(3);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    byte[] copyRange(int from, int to) {
        return Arrays.copyOfRange(buf, from, to);
    }
}
