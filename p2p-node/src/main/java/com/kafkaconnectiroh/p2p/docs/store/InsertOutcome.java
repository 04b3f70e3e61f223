package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;

/**
 * What storing an entry did: whether it was stored (not if the replica already held it or something newer for its
 * key or a prefix of it, by the same author), under which local change sequence number, and how many older
 * entries of the same author it replaced or deleted (those whose key starts with its key).
 */
public record InsertOutcome(SignedEntry entry, boolean inserted, long seq, int removed) {
    static InsertOutcome notInserted(SignedEntry entry) {
        return new InsertOutcome(entry, false, -1, 0);
    }
}
