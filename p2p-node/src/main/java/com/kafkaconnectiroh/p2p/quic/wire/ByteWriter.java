package com.kafkaconnectiroh.p2p.quic.wire;

/** A cursor writing QUIC integers and varints into a byte array region. Reusable via {@link #reset}. */
public final class ByteWriter {
    private byte[] data;
    private int pos;
    private int limit;

    public ByteWriter(int capacity) {
        this(new byte[capacity], 0, capacity);
    }

    public ByteWriter(byte[] data, int off, int limit) {
        reset(data, off, limit);
    }

    public ByteWriter reset(byte[] data, int off, int limit) {
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
        pos = p;
    }

    public int limit() {
        return limit;
    }

    public void limit(int l) {
        limit = l;
    }

    public int remaining() {
        return limit - pos;
    }

    private void need(int n) {
        if (limit - pos < n) {
            throw new IndexOutOfBoundsException("need " + n + " bytes, " + (limit - pos) + " left");
        }
    }

    public ByteWriter u8(int v) {
        need(1);
        data[pos++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        need(2);
        data[pos++] = (byte) (v >>> 8);
        data[pos++] = (byte) v;
        return this;
    }

    public ByteWriter u32(long v) {
        need(4);
        data[pos++] = (byte) (v >>> 24);
        data[pos++] = (byte) (v >>> 16);
        data[pos++] = (byte) (v >>> 8);
        data[pos++] = (byte) v;
        return this;
    }

    public ByteWriter varint(long v) {
        need(VarInt.size(v));
        pos = VarInt.write(data, pos, v);
        return this;
    }

    public ByteWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public ByteWriter bytes(byte[] b, int off, int len) {
        need(len);
        System.arraycopy(b, off, data, pos, len);
        pos += len;
        return this;
    }

    public ByteWriter zeros(int n) {
        need(n);
        java.util.Arrays.fill(data, pos, pos + n, (byte) 0);
        pos += n;
        return this;
    }

    public byte[] toByteArray() {
        return java.util.Arrays.copyOf(data, pos);
    }
}
