package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.crypto.Ed25519;

/** A document's secret key: whoever holds it may write (iroh-docs {@code NamespaceSecret}). */
public final class NamespaceSecret extends SigningSeed {
    private final NamespaceId id;

    private NamespaceSecret(byte[] seed) {
        super(seed);
        this.id = NamespaceId.wrap(publicKey.clone());
    }

    public static NamespaceSecret generate() {
        return new NamespaceSecret(Ed25519.generateSeed());
    }

    public static NamespaceSecret fromBytes(byte[] seed) {
        return new NamespaceSecret(seed);
    }

    /** 64 hex characters (the form iroh prints and {@code doc share … write} tickets carry). */
    public static NamespaceSecret parse(String hex) {
        return new NamespaceSecret(KeyBytes.parseHex(hex, "namespace secret"));
    }

    public NamespaceId id() {
        return id;
    }

    @Override
    public String toString() {
        return "NamespaceSecret(" + id.fmtShort() + "…)";
    }
}
