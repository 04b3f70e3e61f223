package com.kafkaconnectiroh.p2p.envelope;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import java.util.List;
import java.util.Objects;

/**
 * A claim check: the content lives in a blob with this hash and format, {@code size} bytes long (the raw blob's
 * size; for a hash sequence, the sequence's own size), fetchable from {@code providers} (first the one that
 * announced it). The size is a claim until the transfer verifies it; a fetcher checks it against its own limits
 * before it downloads anything.
 */
public record BlobRef(HashAndFormat content, long size, List<EndpointAddr> providers) {
    /** Enough for a publisher and a few mirrors; more only bloats every message. */
    public static final int MAX_PROVIDERS = 16;

    public BlobRef {
        Objects.requireNonNull(content, "content");
        if (size < 0) {
            throw new IllegalArgumentException("blob size must not be negative, got " + size);
        }
        providers = List.copyOf(providers);
        if (providers.size() > MAX_PROVIDERS) {
            throw new IllegalArgumentException("at most " + MAX_PROVIDERS + " providers, got " + providers.size());
        }
    }

    @Override
    public String toString() {
        return "BlobRef[" + content + ", " + size + " bytes, " + providers.size() + " provider(s)]";
    }
}
