package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.crypto.Ed25519;

/**
 * An Ed25519 secret key (the 32-byte seed) with its public key computed once, so that signing costs one scalar
 * multiplication, not two. Serialized by iroh as a {@code SigningKey}: postcard bytes, {@code 20 ‖ seed}
 * (DO@v0.35.0 {@code src/keys.rs}); displayed as 64 hex characters.
 */
abstract class SigningSeed {
    private final byte[] seed;
    final byte[] publicKey;

    SigningSeed(byte[] seed) {
        if (seed == null || seed.length != Ed25519.SEED_LEN) {
            throw new IllegalArgumentException("secret key must be 32 bytes, got " + (seed == null ? "null" : seed.length));
        }
        this.seed = seed.clone();
        this.publicKey = Ed25519.publicKey(this.seed);
    }

    /** Signs {@code message[off, off+len)}. */
    byte[] sign(byte[] message, int off, int len) {
        return Ed25519.sign(seed, publicKey, message, off, len);
    }

    /** The raw seed. Whoever has it holds the capability; handle with care. */
    public byte[] toBytes() {
        return seed.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && java.util.Arrays.equals(seed, ((SigningSeed) o).seed);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(publicKey);
    }

    /** The seed as 64 hex characters (iroh's {@code Display}); secret. */
    public String toHex() {
        return com.kafkaconnectiroh.p2p.base.Hex.encode(seed);
    }
}
