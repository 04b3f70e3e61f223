package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import java.util.Objects;

/** One local write of a batch: {@code key → (hash, len)} by {@code author}, or a prefix deletion (the empty hash). */
public record LocalWrite(Author author, byte[] key, Hash hash, long len) {
    public LocalWrite {
        Objects.requireNonNull(author, "author");
        key = key.clone();
        Objects.requireNonNull(hash, "hash");
    }

    public static LocalWrite set(Author author, byte[] key, Hash hash, long len) {
        return new LocalWrite(author, key, hash, len);
    }

    public static LocalWrite delete(Author author, byte[] prefix) {
        return new LocalWrite(author, prefix, Hash.EMPTY, 0);
    }

    public boolean isDelete() {
        return hash.equals(Hash.EMPTY);
    }

    @Override
    public byte[] key() {
        return key.clone();
    }
}
