package com.kafkaconnectiroh.p2p.quic.packet;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/** A QUIC connection ID: 0 to 20 opaque bytes (RFC 9000 §5.1). Immutable; usable as a map key. */
public final class ConnectionId {
    public static final int MAX_LENGTH = 20;
    public static final ConnectionId EMPTY = new ConnectionId(new byte[0]);

    private final byte[] bytes;
    private final int hash;

    private ConnectionId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    public static ConnectionId of(byte[] b) {
        return of(b, 0, b.length);
    }

    public static ConnectionId of(byte[] b, int off, int len) {
        if (len < 0 || len > MAX_LENGTH) {
            throw new IllegalArgumentException("connection ID length must be 0..20, got " + len);
        }
        return new ConnectionId(Arrays.copyOfRange(b, off, off + len));
    }

    public static ConnectionId random(RandomGenerator random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return new ConnectionId(b);
    }

    public int length() {
        return bytes.length;
    }

    /** A copy of the bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code out} at {@code off}; returns the offset after them. */
    public int writeTo(byte[] out, int off) {
        System.arraycopy(bytes, 0, out, off, bytes.length);
        return off + bytes.length;
    }

    public boolean matches(byte[] b, int off, int len) {
        return len == bytes.length && Arrays.equals(bytes, 0, len, b, off, off + len);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionId c && c.hash == hash && Arrays.equals(c.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }
}
