package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A source of addresses for a peer, asked by the {@link Dialer} when a dial brings no usable direct address of its
 * own. Today the only source is what this endpoint learned itself ({@link KnownAddresses}); discovery (DNS, pkarr,
 * mDNS as iroh's {@code discovery} module) plugs in here as another. Loop-confined: a source that must wait for
 * the network answers from what it holds and fills in later.
 */
interface AddressLookup {
    /** Where {@code peer} may be reached, likeliest first; empty if this source knows nothing of it. */
    List<InetSocketAddress> lookup(EndpointId peer);
}
