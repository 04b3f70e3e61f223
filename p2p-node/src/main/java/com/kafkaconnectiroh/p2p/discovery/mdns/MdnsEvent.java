package com.kafkaconnectiroh.p2p.discovery.mdns;

import com.kafkaconnectiroh.p2p.base.EndpointId;

/** What local-network discovery tells subscribers (iroh's {@code DiscoveryEvent}). */
public sealed interface MdnsEvent permits MdnsEvent.Discovered, MdnsEvent.Expired {
    EndpointId id();

    /** A peer was seen for the first time, or announced other addresses or attributes than before. */
    record Discovered(MdnsPeer peer) implements MdnsEvent {
        @Override
        public EndpointId id() {
            return peer.id();
        }
    }

    /** A peer was not heard from for its grace period (it left, or the network between us failed). */
    record Expired(EndpointId id) implements MdnsEvent {
    }
}
