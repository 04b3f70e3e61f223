package com.kafkaconnectiroh.p2p.docs.proto;

import com.kafkaconnectiroh.p2p.crypto.Ed25519;

/**
 * An author's secret key (iroh-docs {@code Author}). Entries carry the author's signature beside the namespace's,
 * and the last-writer-wins and prefix-deletion rules work per author.
 */
public final class Author extends SigningSeed {
    private final AuthorId id;

    private Author(byte[] seed) {
        super(seed);
        this.id = AuthorId.wrap(publicKey.clone());
    }

    public static Author generate() {
        return new Author(Ed25519.generateSeed());
    }

    public static Author fromBytes(byte[] seed) {
        return new Author(seed);
    }

    /** 64 hex characters, as iroh's {@code authors export} prints them. */
    public static Author parse(String hex) {
        return new Author(KeyBytes.parseHex(hex, "author secret"));
    }

    public AuthorId id() {
        return id;
    }

    @Override
    public String toString() {
        return "Author(" + id.fmtShort() + "…)";
    }
}
