package com.kafkaconnectiroh.p2p.discovery.dht;

import com.kafkaconnectiroh.p2p.base.LruMap;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What this node stores for others: BEP 5 peers per info-hash and BEP 44 mutable items per target. Every map is
 * bounded (LRU over keys, a cap per info-hash) and every entry expires (peers after {@link #PEER_TTL_MILLIS},
 * items after {@link #ITEM_TTL_MILLIS}, BEP 44's "at least 2 hours"), so no sequence of queries grows it without
 * bound. Not thread-safe: the node calls it under its lock.
 */
final class Storage {
    static final long PEER_TTL_MILLIS = 30 * 60_000L;
    static final long ITEM_TTL_MILLIS = 2 * 60 * 60_000L;

    private final int maxPeersPerHash;
    private final LruMap<Id20, LruMap<InetSocketAddress, Long>> peers;
    private final LruMap<Id20, Stored> items;

    private record Stored(MutableItem item, long storedAt) {
    }

    Storage(int maxInfoHashes, int maxPeersPerHash, int maxItems) {
        this.maxPeersPerHash = maxPeersPerHash;
        this.peers = new LruMap<>(maxInfoHashes);
        this.items = new LruMap<>(maxItems);
    }

    void addPeer(Id20 infoHash, InetSocketAddress peer, long now) {
        peers.computeIfAbsent(infoHash, h -> new LruMap<>(maxPeersPerHash)).put(peer, now);
    }

    /** Up to {@code max} unexpired peers of {@code infoHash}, most recently announced first. */
    List<InetSocketAddress> peers(Id20 infoHash, int max, long now) {
        LruMap<InetSocketAddress, Long> m = peers.get(infoHash);
        List<InetSocketAddress> out = new ArrayList<>();
        if (m == null) {
            return out;
        }
        for (Iterator<Map.Entry<InetSocketAddress, Long>> it = m.entrySet().iterator(); it.hasNext(); ) {
            if (now - it.next().getValue() > PEER_TTL_MILLIS) {
                it.remove();
            }
        }
        List<InetSocketAddress> all = new ArrayList<>(m.keySet());
        for (int i = all.size() - 1; i >= 0 && out.size() < max; i--) {
            out.add(all.get(i));
        }
        return out;
    }

    MutableItem item(Id20 target, long now) {
        Stored s = items.get(target);
        if (s != null && now - s.storedAt > ITEM_TTL_MILLIS) {
            items.remove(target);
            return null;
        }
        return s == null ? null : s.item;
    }

    /**
     * BEP 44 put rules for a verified item: {@code cas} must equal the stored seq (301) and a lower seq is refused
     * (302). An equal seq is accepted only with the same value: iroh re-puts its unchanged packet every hour
     * (wire map §6) and that must refresh the item, while two values under one seq would make readers disagree
     * (bittorrent-dht refuses every equal seq, Rust mainline accepts every one).
     */
    void put(MutableItem item, Long cas, long now) throws KrpcError {
        MutableItem old = item(item.target(), now);
        if (cas != null && (old == null || old.seq() != cas)) {
            throw new KrpcError(301, "the CAS hash mismatched, re-read value and try again");
        }
        if (old != null && (item.seq() < old.seq() || (item.seq() == old.seq() && !item.sameValue(old)))) {
            throw new KrpcError(302, "sequence number less than current");
        }
        items.put(item.target(), new Stored(item, now));
    }

    int itemCount() {
        return items.size();
    }

    int infoHashCount() {
        return peers.size();
    }
}
