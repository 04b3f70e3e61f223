package com.kafkaconnectiroh.p2p.docs.proto;

/**
 * Whether a peer holds an entry's content, sent beside each entry during sync (iroh-docs {@code ContentStatus};
 * postcard variant = ordinal). We fetch content from the sender only when it says {@link #COMPLETE}.
 */
public enum ContentStatus {
    COMPLETE,
    INCOMPLETE,
    MISSING;

    private static final ContentStatus[] VALUES = values();

    static ContentStatus ofWire(int variant) throws com.kafkaconnectiroh.p2p.base.postcard.PostcardException {
        if (variant < 0 || variant >= VALUES.length) {
            throw new com.kafkaconnectiroh.p2p.base.postcard.PostcardException("unknown content status " + variant);
        }
        return VALUES[variant];
    }
}
