package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;

/**
 * Gossip message ids seen lately, per topic, least recently seen dropped beyond the capacity. iroh-gossip itself
 * drops repeats for about 90 s; this catches a message that comes back later (a peer re-broadcasting after a
 * restart), at a cost of about 150 bytes per remembered id.
 */
final class RecentMessages {
    private final int capacity;
    private final LruMap<Key, Boolean> seen;

    private record Key(TopicId topic, Hash id) {
    }

    RecentMessages(int capacity) {
        this.capacity = capacity;
        this.seen = new LruMap<>(capacity);
    }

    /** True the first time {@code id} is seen on {@code topic} (within the capacity). */
    synchronized boolean firstTime(TopicId topic, Hash id) {
        if (capacity == 0) {
            return true;
        }
        return seen.put(new Key(topic, id), Boolean.TRUE) == null;
    }
}
