package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.Base32;
import com.kafkaconnectiroh.p2p.base.Bytes32;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A blob's BLAKE3 hash, 32 bytes (iroh-blobs v0.35.0 {@code src/hash.rs::Hash}). Parses 64 hex or 52 base32
 * characters in either case, as both iroh versions do; prints lowercase hex (iroh 0.103's form), and
 * {@link #toBase32()} gives iroh 0.35's display form. On the postcard wire it is 32 raw bytes.
 */
public final class Hash extends Bytes32<Hash> {
    public static final int LENGTH = Bytes32.LENGTH;
    /** BLAKE3 of no bytes: the hash of the empty blob. */
    public static final Hash EMPTY = of(new byte[0]);

    private Hash(byte[] bytes) {
        // BLAKE3 output is uniform: any 4 bytes are a good hash code.
        super(bytes, leadingInt(bytes));
    }

    public static Hash fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a hash is 32 bytes, got " + bytes.length);
        }
        return new Hash(bytes.clone());
    }

    public static Hash fromBytes(byte[] src, int off) {
        return new Hash(Arrays.copyOfRange(src, off, off + LENGTH));
    }

    /** The BLAKE3 hash of {@code data}. */
    public static Hash of(byte[] data) {
        return new Hash(Blake3.hash(data));
    }

    public static Hash of(ByteBuffer data) {
        return new Hash(Blake3.hash(data));
    }

    /** 64 hex or 52 base32 characters, either case (iroh-blobs {@code Hash::from_str}). */
    public static Hash parse(String text) {
        String s = text.trim();
        if (s.length() == 64 && Hex.isHex(s)) {
            return new Hash(Hex.decode(s));
        }
        if (s.length() == 52) {
            try {
                return new Hash(Base32.STANDARD.decode(s));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid base32 hash '" + s + "': " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("a hash is 64 hex or 52 base32 characters, got " + s.length() + ": '"
                + (s.length() > 70 ? s.substring(0, 70) + "…" : s) + "'");
    }
}
