package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A source of addresses for a peer, asked by the {@link Dialer} when a dial brings no usable direct address of its
 * own: first what this endpoint learned itself ({@link KnownAddresses}), then the sources added with
 * {@link Endpoint#addAddressLookup} in order (local-network discovery, {@code discovery.mdns}). Called on the
 * endpoint's loop: a source answers at once from what it holds (a thread-safe read), never waits for the network.
 */
@FunctionalInterface
public interface AddressLookup {
    /** Where {@code peer} may be reached, likeliest first; empty if this source knows nothing of it. */
    List<InetSocketAddress> lookup(EndpointId peer);
}
