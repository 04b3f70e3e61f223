package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.crypto.Ed25519;

/** An endpoint's Ed25519 secret key (the 32-byte seed). Its public half is the {@link EndpointId}. */
public final class SecretKey {
    private final byte[] seed;
    private final EndpointId publicKey;
    private final byte[] publicKeyBytes;

    private SecretKey(byte[] seed) {
        this.seed = seed;
        this.publicKeyBytes = Ed25519.publicKey(seed);
        this.publicKey = EndpointId.fromBytes(publicKeyBytes);
    }

    public static SecretKey generate() {
        return new SecretKey(Ed25519.generateSeed());
    }

    public static SecretKey fromBytes(byte[] seed) {
        if (seed == null || seed.length != Ed25519.SEED_LEN) {
            throw new IllegalArgumentException("secret key must be 32 bytes");
        }
        return new SecretKey(seed.clone());
    }

    public EndpointId publicKey() {
        return publicKey;
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(seed, publicKeyBytes, message, 0, message.length);
    }

    public byte[] sign(byte[] message, int off, int len) {
        return Ed25519.sign(seed, publicKeyBytes, message, off, len);
    }

    /** The raw seed. Handle with care: whoever has it is this endpoint. */
    public byte[] toBytes() {
        return seed.clone();
    }

    @Override
    public String toString() {
        return "SecretKey(" + publicKey.fmtShort() + "…)";
    }
}
