package com.kafkaconnectiroh.p2p.blobs;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A sequence of hashes stored as a blob: the 32-byte hashes concatenated, nothing else (iroh-blobs v0.35.0
 * {@code src/hashseq.rs}). Child {@code i} of a request is entry {@code i} here.
 */
public final class HashSeq extends AbstractList<Hash> implements RandomAccess {
    private final byte[] bytes;

    private HashSeq(byte[] bytes) {
        this.bytes = bytes;
    }

    public static HashSeq of(List<Hash> hashes) {
        byte[] b = new byte[hashes.size() * Hash.LENGTH];
        for (int i = 0; i < hashes.size(); i++) {
            hashes.get(i).copyTo(b, i * Hash.LENGTH);
        }
        return new HashSeq(b);
    }

    /** Parses a blob's bytes; fails unless the length is a multiple of 32. */
    public static HashSeq parse(byte[] blob) {
        if (blob.length % Hash.LENGTH != 0) {
            throw new IllegalArgumentException("a hash sequence is a multiple of 32 bytes, got " + blob.length);
        }
        return new HashSeq(blob.clone());
    }

    @Override
    public Hash get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("child " + index + " of " + size());
        }
        return Hash.fromBytes(bytes, index * Hash.LENGTH);
    }

    @Override
    public int size() {
        return bytes.length / Hash.LENGTH;
    }

    /** The blob's bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    public Hash hash() {
        return Hash.of(bytes);
    }
}
