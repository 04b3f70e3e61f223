package com.kafkaconnectiroh.p2p.discovery.mdns;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * A peer found on the local network: its id, the direct addresses it announced, its {@code relay=} and
 * {@code user-data=} attributes as sent (null if absent), and the swarm it answered in ({@code irohv1} for iroh 1.x,
 * {@code iroh.local.swarm} for 0.35).
 */
public record MdnsPeer(EndpointId id, List<InetSocketAddress> addrs, String relay, String userData, String swarm) {
    public MdnsPeer {
        addrs = List.copyOf(addrs);
    }

    /** As an address to dial: the direct addresses, and the relay URL if it parses (iroh drops one that does not). */
    public EndpointAddr toEndpointAddr() {
        return EndpointAddr.of(id, relayUrl().orElse(null), addrs);
    }

    public Optional<RelayUrl> relayUrl() {
        if (relay == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(RelayUrl.parse(relay));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
