package com.kafkaconnectiroh.p2p.tls;

/**
 * Bounds-checked reader over the TLS presentation language (RFC 8446 §3): big-endian integers and vectors with
 * 1-, 2- or 3-byte length prefixes. Every overrun becomes a {@link TlsException} with {@code decode_error} that
 * names the structure being read, so peer bytes can never raise an unchecked exception.
 */
final class TlsReader {
    private final byte[] buf;
    private final int end;
    private final String what;
    private int pos;

    TlsReader(byte[] buf, int off, int len, String what) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
        this.what = what;
    }

    String what() {
        return what;
    }

    int position() {
        return pos;
    }

    int remaining() {
        return end - pos;
    }

    boolean hasRemaining() {
        return pos < end;
    }

    byte[] array() {
        return buf;
    }

    private void need(int n, String field) throws TlsException {
        if (n > end - pos) {
            throw new TlsException(TlsAlert.DECODE_ERROR,
                    what + ": truncated " + field + ", needed " + n + " bytes but " + (end - pos) + " remain");
        }
    }

    int u8(String field) throws TlsException {
        need(1, field);
        return buf[pos++] & 0xFF;
    }

    int u16(String field) throws TlsException {
        need(2, field);
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    int u24(String field) throws TlsException {
        need(3, field);
        int v = ((buf[pos] & 0xFF) << 16) | ((buf[pos + 1] & 0xFF) << 8) | (buf[pos + 2] & 0xFF);
        pos += 3;
        return v;
    }

    long u32(String field) throws TlsException {
        need(4, field);
        long v = ((long) (buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    byte[] bytes(int n, String field) throws TlsException {
        need(n, field);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(int n, String field) throws TlsException {
        need(n, field);
        pos += n;
    }

    /** A vector with a 1-byte length prefix, as a sub-reader; this reader moves past it. */
    TlsReader vector8(String field) throws TlsException {
        return sub(u8(field + " length"), field);
    }

    TlsReader vector16(String field) throws TlsException {
        return sub(u16(field + " length"), field);
    }

    TlsReader vector24(String field) throws TlsException {
        return sub(u24(field + " length"), field);
    }

    byte[] bytes8(String field) throws TlsException {
        return bytes(u8(field + " length"), field);
    }

    byte[] bytes16(String field) throws TlsException {
        return bytes(u16(field + " length"), field);
    }

    byte[] bytes24(String field) throws TlsException {
        return bytes(u24(field + " length"), field);
    }

    private TlsReader sub(int len, String field) throws TlsException {
        need(len, field);
        TlsReader r = new TlsReader(buf, pos, len, what + " " + field);
        pos += len;
        return r;
    }

    /** Fails unless everything was consumed: trailing bytes mean the peer and we disagree on the structure. */
    void expectEnd() throws TlsException {
        if (pos != end) {
            throw new TlsException(TlsAlert.DECODE_ERROR, what + ": " + (end - pos) + " unexpected trailing bytes");
        }
    }
}
