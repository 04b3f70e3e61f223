package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.LruMap;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where this endpoint last heard from each peer: the address of an open connection to it, else the address its
 * last disco Ping or Pong came from (iroh 0.35 peers, see {@link Disco}). Lets a peer be dialled by id alone once
 * we have talked. Bounded: the disco side keeps the {@value #MAX_PEERS} peers heard from most recently.
 * Loop-confined.
 */
final class KnownAddresses implements AddressBook {
    static final int MAX_PEERS = 1024;

    /** The driver's connections (a live view), asked first: their current path is the freshest address. */
    private final Collection<Connection> connections;
    private final Map<EndpointId, InetSocketAddress> heard = new LruMap<>(MAX_PEERS);

    KnownAddresses(Collection<Connection> connections) {
        this.connections = connections;
    }

    /** {@code peer} proved itself (a disco message sealed with its key) from {@code from}. */
    void heardFrom(EndpointId peer, InetSocketAddress from) {
        heard.put(peer, from);
    }

    @Override
    public List<InetSocketAddress> lookup(EndpointId peer) {
        for (Connection c : connections) {
            if (peer.equals(c.remoteId()) && c.closeInfo() == null) {
                return List.of(c.quic.remoteAddress());
            }
        }
        InetSocketAddress a = heard.get(peer);
        return a == null ? List.of() : List.of(a);
    }
}
