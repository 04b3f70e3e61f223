package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;

/**
 * An entry with the local change sequence number it was stored under. Sequence numbers grow by one with every
 * entry a replica stores (local or remote) and are never reused; an entry that is later replaced or deleted leaves
 * the feed, its successor appears under a higher number. So "everything after n" is the current state of every
 * key that changed after change n: a position a consumer can resume from on this store (not on another).
 */
public record Change(long seq, SignedEntry entry) {
}
