package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where to dial peers we learned of through the swarm (their PeerData) or from the application (bootstrap
 * addresses). Bounded: least recently used entries go first. Loop thread only.
 */
final class AddressBook {
    private final int capacity;
    private final LinkedHashMap<EndpointId, EndpointAddr> byId;

    AddressBook(int capacity) {
        this.capacity = capacity;
        this.byId = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<EndpointId, EndpointAddr> eldest) {
                return size() > AddressBook.this.capacity;
            }
        };
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
