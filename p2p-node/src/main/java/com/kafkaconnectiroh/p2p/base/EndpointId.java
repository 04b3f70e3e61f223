package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.crypto.Ed25519;
import java.util.Arrays;

/**
 * An endpoint's identity: its 32-byte Ed25519 public key (iroh 1.x {@code EndpointId}, iroh 0.35
 * {@code NodeId}). Printed as 64 lowercase hex characters, like iroh; parses hex or 52-character base32.
 */
public final class EndpointId implements Comparable<EndpointId> {
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private EndpointId(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps 32 bytes, rejecting those that are not a valid Ed25519 point (as iroh does). */
    public static EndpointId fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("endpoint id must be 32 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        if (!Ed25519.isValidPublicKey(bytes)) {
            throw new IllegalArgumentException("endpoint id " + Hex.encode(bytes) + " is not a valid Ed25519 public key");
        }
        return new EndpointId(bytes.clone());
    }

    /** Parses 64 hex characters or 52 base32 characters (either case). */
    public static EndpointId parse(String text) {
        String s = text.trim();
        byte[] b;
        if (s.length() == 64) {
            b = Hex.decode(s);
        } else if (s.length() == 52) {
            b = Base32.STANDARD.decode(s);
        } else {
            throw new IllegalArgumentException("endpoint id must be 64 hex or 52 base32 characters, got " + s.length() + ": '" + s + "'");
        }
        return fromBytes(b);
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Verifies an Ed25519 signature made by this endpoint's key. */
    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(bytes, message, signature);
    }

    /** The first 5 bytes in hex, as iroh's {@code fmt_short}. */
    public String fmtShort() {
        return Hex.encode(bytes, 0, 5);
    }

    @Override
    public String toString() {
        return Hex.encode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointId && Arrays.equals(bytes, ((EndpointId) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(EndpointId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}
