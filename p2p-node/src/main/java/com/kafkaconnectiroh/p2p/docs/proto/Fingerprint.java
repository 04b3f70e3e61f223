package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.util.Arrays;

/**
 * A range's fingerprint: BLAKE3 of no bytes, XORed with each entry's {@link SignedEntry#fingerprint()}
 * (DO@v0.35.0 {@code src/ranger.rs::Fingerprint}, {@code store/fs.rs::get_fingerprint}). Equal fingerprints mean
 * (with overwhelming probability) equal sets. 32 raw bytes on the wire.
 */
public final class Fingerprint {
    public static final int LENGTH = 32;
    private static final byte[] EMPTY_BYTES = Blake3.hash(new byte[0]);
    /** The fingerprint of the empty set. */
    public static final Fingerprint EMPTY = new Fingerprint(EMPTY_BYTES.clone());

    private final byte[] bytes;

    private Fingerprint(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Fingerprint of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("fingerprint must be 32 bytes, got " + bytes.length);
        }
        return new Fingerprint(bytes.clone());
    }

    /** The fingerprint of a set whose entry fingerprints XOR to {@code xor} (32 bytes, zero for no entries). */
    public static Fingerprint ofXor(byte[] xor) {
        byte[] b = EMPTY_BYTES.clone();
        xorInto(b, xor);
        return new Fingerprint(b);
    }

    /** {@code acc ^= fp}, both 32 bytes. */
    public static void xorInto(byte[] acc, byte[] fp) {
        for (int i = 0; i < LENGTH; i++) {
            acc[i] ^= fp[i];
        }
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    byte[] raw() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && Arrays.equals(bytes, f.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Fp(" + Hex.encode(bytes, 0, 5) + ")";
    }
}
