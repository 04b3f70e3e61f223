package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.crypto.Ed25519;

/**
 * An endpoint's identity: its 32-byte Ed25519 public key (iroh 1.x {@code EndpointId}, iroh 0.35
 * {@code NodeId}). Printed as 64 lowercase hex characters, like iroh; parses hex or 52-character base32.
 */
public final class EndpointId extends Bytes32<EndpointId> {
    public static final int LENGTH = Bytes32.LENGTH;

    private EndpointId(byte[] bytes) {
        super(bytes);
    }

    /** Wraps 32 bytes, rejecting those that are not a valid Ed25519 point (as iroh does). */
    public static EndpointId fromBytes(byte[] bytes) {
        byte[] b = copyOf32(bytes, "endpoint id");
        if (!Ed25519.isValidPublicKey(b)) {
            throw new IllegalArgumentException("endpoint id " + Hex.encode(b) + " is not a valid Ed25519 public key");
        }
        return new EndpointId(b);
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

    /**
     * The 52-character z-base-32 form used in DNS names and by pkarr ({@code _iroh.<z32>.<origin>};
     * IR@v1.0.2 {@code iroh-base/src/key.rs::to_z32}).
     */
    public String toZ32() {
        return Base32.Z_BASE_32.encode(internalBytes());
    }

    /** Parses the z-base-32 form (52 lowercase characters, as iroh's {@code from_z32}). */
    public static EndpointId fromZ32(String z32) {
        if (z32.length() != 52) {
            throw new IllegalArgumentException("z-base-32 endpoint id must be 52 characters, got " + z32.length() + ": '" + z32 + "'");
        }
        return fromBytes(Base32.Z_BASE_32.decode(z32));
    }

    /** Verifies an Ed25519 signature made by this endpoint's key. */
    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(internalBytes(), message, signature);
    }
}
