package com.kafkaconnectiroh.p2p.docs.proto;

/** An author's id: the public key of an {@link Author}, which signs each entry beside the namespace. */
public final class AuthorId extends KeyBytes<AuthorId> {
    private AuthorId(byte[] bytes) {
        super(bytes);
    }

    public static AuthorId fromBytes(byte[] bytes) {
        return new AuthorId(check(bytes, "author id"));
    }

    /** 64 hex characters, either case. */
    public static AuthorId parse(String hex) {
        return new AuthorId(parseHex(hex, "author id"));
    }

    static AuthorId wrap(byte[] bytes) {
        return new AuthorId(bytes);
    }
}
