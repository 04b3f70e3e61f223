package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerData;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What iroh-gossip puts in a peer's {@link PeerData}: postcard {@code {relay_url: Option<RelayUrl>,
 * direct_addresses: BTreeSet<SocketAddr>}}, the same in 0.35 and 0.101 (iroh-gossip {@code net.rs::AddrInfo}).
 * Empty PeerData means "nothing known".
 */
record AddrInfo(RelayUrl relayUrl, SortedSet<InetSocketAddress> directAddresses) {

    AddrInfo {
        TreeSet<InetSocketAddress> sorted = new TreeSet<>(SocketAddrs.RUST_ORDER);
        for (InetSocketAddress a : directAddresses) {
            sorted.add(SocketAddrs.canonical(a));
        }
        directAddresses = Collections.unmodifiableSortedSet(sorted);
    }

    static AddrInfo of(RelayUrl relayUrl, Collection<InetSocketAddress> addrs) {
        TreeSet<InetSocketAddress> sorted = new TreeSet<>(SocketAddrs.RUST_ORDER);
        for (InetSocketAddress a : addrs) {
            sorted.add(SocketAddrs.canonical(a));
        }
        return new AddrInfo(relayUrl, sorted);
    }

    PeerData encode() {
        PostcardWriter w = new PostcardWriter(16 + 20 * directAddresses.size());
        if (relayUrl == null) {
            w.none();
        } else {
            w.some().string(relayUrl.toString());
        }
        EndpointAddr.writeSocketAddrSet(w, directAddresses);
        return PeerData.of(w.toByteArray());
    }

    /**
     * Our own PeerData within {@code maxBytes} (it rides on Join and Neighbor messages): addresses are dropped
     * from the end of {@code addrs}, which the caller orders most useful first, until it fits.
     */
    static PeerData encodeWithin(RelayUrl relay, List<InetSocketAddress> addrs, int maxBytes) {
        List<InetSocketAddress> keep = new ArrayList<>(addrs);
        while (true) {
            PeerData d = of(relay, keep).encode();
            if (d.length() <= maxBytes || keep.isEmpty()) {
                return d;
            }
            keep.remove(keep.size() - 1);
        }
    }

    static AddrInfo decode(PeerData data) throws PostcardException {
        if (data.isEmpty()) {
            return new AddrInfo(null, new TreeSet<>(SocketAddrs.RUST_ORDER));
        }
        PostcardReader r = new PostcardReader(data.toBytes());
        RelayUrl relay = null;
        if (r.option()) {
            String s = r.string();
            try {
                relay = RelayUrl.parse(s);
            } catch (IllegalArgumentException e) {
                throw new PostcardException("peer data holds an invalid relay URL: " + e.getMessage());
            }
        }
        SortedSet<InetSocketAddress> addrs = EndpointAddr.readSocketAddrSet(r);
        r.expectEnd();
        return new AddrInfo(relay, addrs);
    }

    EndpointAddr toEndpointAddr(EndpointId id) {
        return EndpointAddr.of(id, relayUrl, directAddresses);
    }
}
