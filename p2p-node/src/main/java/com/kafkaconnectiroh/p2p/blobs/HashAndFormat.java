package com.kafkaconnectiroh.p2p.blobs;

import java.util.Objects;

/** A blob and how to read it: what a tag pins and what a ticket names (iroh-blobs {@code HashAndFormat}). */
public record HashAndFormat(Hash hash, BlobFormat format) {
    public HashAndFormat {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(format, "format");
    }

    public static HashAndFormat raw(Hash hash) {
        return new HashAndFormat(hash, BlobFormat.RAW);
    }

    public static HashAndFormat hashSeq(Hash hash) {
        return new HashAndFormat(hash, BlobFormat.HASH_SEQ);
    }

    @Override
    public String toString() {
        return (format == BlobFormat.RAW ? "raw:" : "seq:") + hash;
    }
}
