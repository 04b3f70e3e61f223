package com.kafkaconnectiroh.p2p.quic.packet;

/** Packet number truncation and recovery (RFC 9000 §17.1, Appendix A.2 and A.3). */
public final class PacketNumber {
    private PacketNumber() {
    }

    /**
     * Bytes (1..4) needed to send {@code pn} so the peer can recover it, given the largest packet number it has
     * acknowledged ({@code -1} if none).
     */
    public static int encodedLength(long pn, long largestAcked) {
        long unacked = largestAcked < 0 ? pn + 1 : pn - largestAcked;
        // twice the range must fit: the peer decodes in a window centred on its expectation
        long range = unacked * 2;
        if (range < (1L << 8)) {
            return 1;
        }
        if (range < (1L << 16)) {
            return 2;
        }
        if (range < (1L << 24)) {
            return 3;
        }
        return 4;
    }

    /** Writes the low {@code len} bytes of {@code pn}; returns the offset after them. */
    public static int write(byte[] b, int off, long pn, int len) {
        for (int i = len - 1; i >= 0; i--) {
            b[off + (len - 1 - i)] = (byte) (pn >>> (8 * i));
        }
        return off + len;
    }

    /** Reads a {@code len}-byte truncated packet number. */
    public static long read(byte[] b, int off, int len) {
        long v = 0;
        for (int i = 0; i < len; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    /** Recovers the full packet number from {@code truncated} ({@code bits} wide) and the largest received. */
    public static long decode(long largestReceived, long truncated, int bits) {
        long expected = largestReceived + 1;
        long window = 1L << bits;
        long half = window / 2;
        long mask = window - 1;
        long candidate = (expected & ~mask) | truncated;
        if (candidate <= expected - half && candidate < (1L << 62) - window) {
            return candidate + window;
        }
        if (candidate > expected + half && candidate >= window) {
            return candidate - window;
        }
        return candidate;
    }
}
