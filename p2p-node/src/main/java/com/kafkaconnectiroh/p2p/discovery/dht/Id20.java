package com.kafkaconnectiroh.p2p.discovery.dht;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A 160-bit DHT key: a node id, an info-hash or a BEP 44 target. The DHT's metric is XOR: {@link #distanceCompare}
 * orders two ids by their distance to this one (BEP 5 "Routing Table").
 */
public final class Id20 {
    public static final int LENGTH = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;

    private Id20(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Id20 of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("expected a 20-byte id, got " + bytes.length + " bytes");
        }
        return new Id20(bytes.clone());
    }

    public static Id20 random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return new Id20(b);
    }

    /** SHA-1 of the concatenation of {@code parts} (BEP 44 targets, our content keys). */
    public static Id20 sha1(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            for (byte[] p : parts) {
                md.update(p);
            }
            return new Id20(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    public static Id20 parse(String hex) {
        return of(Hex.decode(hex));
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    /** The number of leading bits this id shares with {@code other} (160 if equal): its k-bucket index. */
    public int commonPrefixBits(Id20 other) {
        for (int i = 0; i < LENGTH; i++) {
            int x = (bytes[i] ^ other.bytes[i]) & 0xff;
            if (x != 0) {
                return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
            }
        }
        return LENGTH * 8;
    }

    /** Negative if {@code a} is closer to this id than {@code b} (XOR metric), 0 if as close. */
    public int distanceCompare(Id20 a, Id20 b) {
        for (int i = 0; i < LENGTH; i++) {
            int da = (a.bytes[i] ^ bytes[i]) & 0xff;
            int db = (b.bytes[i] ^ bytes[i]) & 0xff;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    public String toHex() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Id20 other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
