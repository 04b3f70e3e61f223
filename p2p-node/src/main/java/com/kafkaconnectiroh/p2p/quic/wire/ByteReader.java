package com.kafkaconnectiroh.p2p.quic.wire;

/**
 * A cursor over a byte range, reading QUIC's big-endian integers and varints. Running past the end is a
 * {@link TransportException} with {@link TransportError#FRAME_ENCODING_ERROR}; callers decoding other
 * structures translate the code. Reusable: {@link #reset} points it at new bytes.
 */
public final class ByteReader {
    private byte[] data;
    private int pos;
    private int limit;

    public ByteReader() {
        this(new byte[0], 0, 0);
    }

    public ByteReader(byte[] data) {
        this(data, 0, data.length);
    }

    public ByteReader(byte[] data, int off, int limit) {
        reset(data, off, limit);
    }

    public ByteReader reset(byte[] data, int off, int limit) {
        if (off < 0 || limit > data.length || off > limit) {
            throw new IllegalArgumentException("bad range " + off + ".." + limit + " of " + data.length);
        }
        this.data = data;
        this.pos = off;
        this.limit = limit;
        return this;
    }

    public byte[] array() {
        return data;
    }

    public int position() {
        return pos;
    }

    public void position(int p) {
        if (p < 0 || p > limit) {
            throw new IllegalArgumentException("position " + p + " outside limit " + limit);
        }
        pos = p;
    }

    public int limit() {
        return limit;
    }

    public int remaining() {
        return limit - pos;
    }

    public boolean hasRemaining() {
        return pos < limit;
    }

    private void need(int n) throws TransportException {
        if (limit - pos < n) {
            throw new TransportException(TransportError.FRAME_ENCODING_ERROR,
                    "truncated: needed " + n + " bytes, " + (limit - pos) + " left");
        }
    }

    public int u8() throws TransportException {
        need(1);
        return data[pos++] & 0xFF;
    }

    public int u16() throws TransportException {
        need(2);
        int v = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public long u32() throws TransportException {
        need(4);
        long v = ((long) (data[pos] & 0xFF) << 24) | ((data[pos + 1] & 0xFF) << 16) | ((data[pos + 2] & 0xFF) << 8)
                | (data[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long varint() throws TransportException {
        need(1);
        int first = data[pos] & 0xFF;
        int len = 1 << (first >>> 6);
        need(len);
        long v = first & 0x3F;
        for (int i = 1; i < len; i++) {
            v = (v << 8) | (data[pos + i] & 0xFF);
        }
        pos += len;
        return v;
    }

    /** A varint that must fit in an int length field (bounded by what is left to read). */
    public int length() throws TransportException {
        long v = varint();
        if (v > limit - pos) {
            throw new TransportException(TransportError.FRAME_ENCODING_ERROR,
                    "length " + v + " exceeds the " + (limit - pos) + " bytes left");
        }
        return (int) v;
    }

    public byte[] bytes(int n) throws TransportException {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    public void skip(int n) throws TransportException {
        need(n);
        pos += n;
    }
}
