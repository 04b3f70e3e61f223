package com.kafkaconnectiroh.p2p.docs.proto;

/**
 * A document's id: the public key of its {@link NamespaceSecret} (iroh-docs {@code NamespaceId}). Every entry is
 * signed by the namespace key, so holding the secret is the write capability; the id alone lets a peer read and
 * verify. The CLI's {@code DOC} argument is this id in hex.
 */
public final class NamespaceId extends KeyBytes<NamespaceId> {
    private NamespaceId(byte[] bytes) {
        super(bytes);
    }

    public static NamespaceId fromBytes(byte[] bytes) {
        return new NamespaceId(check(bytes, "namespace id"));
    }

    /** 64 hex characters, either case. */
    public static NamespaceId parse(String hex) {
        return new NamespaceId(parseHex(hex, "document id"));
    }

    /** Wraps without copying; the caller hands over ownership. */
    static NamespaceId wrap(byte[] bytes) {
        return new NamespaceId(bytes);
    }
}
