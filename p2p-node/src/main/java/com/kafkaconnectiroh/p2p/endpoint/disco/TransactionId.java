package com.kafkaconnectiroh.p2p.endpoint.disco;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;

/** The 12-byte id pairing a disco Ping with its Pong (a STUN transaction id in iroh). */
public final class TransactionId {
    public static final int LENGTH = 12;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;

    private TransactionId(byte[] bytes) {
        this.bytes = bytes;
    }

    public static TransactionId of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return new TransactionId(bytes.clone());
    }

    static TransactionId read(byte[] buf, int off) {
        return new TransactionId(Arrays.copyOfRange(buf, off, off + LENGTH));
    }

    public static TransactionId random() {
        return random(RANDOM);
    }

    public static TransactionId random(Random random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new TransactionId(b);
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    void writeTo(byte[] buf, int off) {
        System.arraycopy(bytes, 0, buf, off, LENGTH);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId && Arrays.equals(bytes, ((TransactionId) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }
}
