package com.kafkaconnectiroh.p2p.docs.store;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import com.kafkaconnectiroh.p2p.docs.proto.Capability;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the store keeps about a document besides its entries: our capability, the download policy and the peers
 * we last synced with (at most {@link #MAX_SYNC_PEERS}, newest first, as iroh-docs' {@code peers_per_doc}).
 * Stored as postcard: {@code version u8 = 1 ‖ Capability ‖ everything bool ‖ Vec<(exact bool, bytes)> ‖
 * Vec<NodeAddr>}.
 */
public record ReplicaInfo(Capability capability, DownloadPolicy downloadPolicy, List<EndpointAddr> syncPeers) {
    public static final int MAX_SYNC_PEERS = 5;
    private static final int VERSION = 1;

    public ReplicaInfo {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(downloadPolicy, "downloadPolicy");
        syncPeers = List.copyOf(syncPeers);
    }

    ReplicaInfo withCapability(Capability c) {
        return new ReplicaInfo(c, downloadPolicy, syncPeers);
    }

    ReplicaInfo withPolicy(DownloadPolicy p) {
        return new ReplicaInfo(capability, p, syncPeers);
    }

    /** {@code peer} first, then the others (without it), cut to {@link #MAX_SYNC_PEERS}. */
    ReplicaInfo withPeer(EndpointAddr peer) {
        List<EndpointAddr> peers = new ArrayList<>();
        peers.add(peer);
        for (EndpointAddr p : syncPeers) {
            if (!p.id().equals(peer.id()) && peers.size() < MAX_SYNC_PEERS) {
                peers.add(p);
            }
        }
        return new ReplicaInfo(capability, downloadPolicy, peers);
    }

    byte[] encode() {
        PostcardWriter w = new PostcardWriter(128);
        w.u8(VERSION);
        capability.writeTo(w);
        w.bool(downloadPolicy.everything());
        w.length(downloadPolicy.filters().size());
        for (KeyFilter f : downloadPolicy.filters()) {
            w.bool(f.exact()).bytes(f.bytes());
        }
        w.length(syncPeers.size());
        for (EndpointAddr a : syncPeers) {
            a.asNodeAddr().writeNodeAddrTo(w);
        }
        return w.toByteArray();
    }

    static ReplicaInfo decode(byte[] bytes) throws PostcardException {
        PostcardReader r = new PostcardReader(bytes);
        int version = r.u8();
        if (version != VERSION) {
            throw new PostcardException("unknown replica record version " + version);
        }
        Capability cap = Capability.readFrom(r);
        boolean everything = r.bool();
        int n = r.length(2);
        List<KeyFilter> filters = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            filters.add(new KeyFilter(r.bool(), r.bytes()));
        }
        int m = r.length(33);
        List<EndpointAddr> peers = new ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            peers.add(EndpointAddr.readNodeAddrFrom(r));
        }
        r.expectEnd();
        return new ReplicaInfo(cap, new DownloadPolicy(everything, filters), peers);
    }
}
