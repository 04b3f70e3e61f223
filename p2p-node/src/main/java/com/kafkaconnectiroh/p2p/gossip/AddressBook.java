package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.LruMap;

/**
 * Where to dial peers we learned of through the swarm (their PeerData) or from the application (bootstrap
 * addresses). Bounded: least recently used entries go first. Loop thread only.
 */
final class AddressBook {
    private final LruMap<EndpointId, EndpointAddr> byId;

    AddressBook(int capacity) {
        this.byId = new LruMap<>(capacity);
    }

    /** Replaces what we knew of {@code addr.id()}: the newest addresses win. */
    void put(EndpointAddr addr) {
        byId.put(addr.id(), addr);
    }

    EndpointAddr get(EndpointId id) {
        return byId.get(id);
    }

    int size() {
        return byId.size();
    }
}
