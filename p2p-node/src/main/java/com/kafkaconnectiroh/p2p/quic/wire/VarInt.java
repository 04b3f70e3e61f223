package com.kafkaconnectiroh.p2p.quic.wire;

/** QUIC variable-length integers (RFC 9000 §16): 1, 2, 4 or 8 bytes, two-bit length prefix, up to 2^62-1. */
public final class VarInt {
    public static final long MAX = (1L << 62) - 1;

    private VarInt() {
    }

    public static int size(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("varint must not be negative: " + v);
        }
        if (v < 0x40) {
            return 1;
        }
        if (v < 0x4000) {
            return 2;
        }
        if (v < 0x4000_0000L) {
            return 4;
        }
        if (v <= MAX) {
            return 8;
        }
        throw new IllegalArgumentException("varint too large: " + v);
    }

    /** Writes {@code v} at {@code off} in its shortest form; returns the offset after it. */
    public static int write(byte[] b, int off, long v) {
        return writeWithSize(b, off, v, size(v));
    }

    /** Writes {@code v} in exactly {@code size} bytes (1, 2, 4 or 8); returns the offset after it. */
    public static int writeWithSize(byte[] b, int off, long v, int size) {
        switch (size) {
            case 1 -> b[off] = (byte) v;
            case 2 -> {
                b[off] = (byte) (0x40 | (v >>> 8));
                b[off + 1] = (byte) v;
            }
            case 4 -> {
                b[off] = (byte) (0x80 | (v >>> 24));
                b[off + 1] = (byte) (v >>> 16);
                b[off + 2] = (byte) (v >>> 8);
                b[off + 3] = (byte) v;
            }
            case 8 -> {
                b[off] = (byte) (0xC0 | (v >>> 56));
                for (int i = 1; i < 8; i++) {
                    b[off + i] = (byte) (v >>> (56 - 8 * i));
                }
            }
            default -> throw new IllegalArgumentException("bad varint size " + size);
        }
        return off + size;
    }

    /** The encoded length announced by a varint's first byte. */
    public static int encodedLength(byte first) {
        return 1 << ((first & 0xFF) >>> 6);
    }
}
