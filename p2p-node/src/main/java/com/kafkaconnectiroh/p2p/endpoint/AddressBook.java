package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A source of addresses for a peer that answers at once from what it holds, asked by the {@link Dialer} when a dial
 * brings no usable direct address of its own: what this endpoint learned itself ({@link KnownAddresses}).
 * Loop-confined. Sources that must wait for the network (discovery) are {@link AddressLookup}s, asked by
 * {@link Endpoint#connectAsync} when the dial fails.
 */
interface AddressBook {
    /** Where {@code peer} may be reached, likeliest first; empty if this source knows nothing of it. */
    List<InetSocketAddress> lookup(EndpointId peer);
}
