package com.kafkaconnectiroh.p2p.discovery.server;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The signed packets a discovery server holds, one per key, in memory: a packet replaces the stored one only if it
 * is {@linkplain SignedPacket#moreRecentThan more recent}; packets not refreshed for {@code maxAge} are evicted
 * (iroh-dns-server: 7 days, {@code store/signed_packets.rs}); at most {@code capacity} keys, a new key beyond that
 * displacing the one refreshed longest ago. Thread-safe.
 */
public final class PacketStore {
    /** What {@link #upsert} did. */
    public enum Outcome {
        /** Stored: no packet before, or an older one. */
        STORED,
        /** The same packet was already stored. */
        UNCHANGED,
        /** Refused: the stored packet is more recent. */
        OLDER
    }

    private final int capacity;
    private final long maxAgeNanos;
    private final Map<EndpointId, Entry> packets = new LinkedHashMap<>(16, 0.75f, false);

    private record Entry(SignedPacket packet, long storedAt) {
    }

    public PacketStore(int capacity, long maxAgeNanos) {
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
    }

    public synchronized Outcome upsert(SignedPacket p, long nowNanos) {
        evictExpired(nowNanos);
        EndpointId key = p.publicKey();
        Entry old = packets.get(key);
        if (old != null) {
            if (old.packet.equals(p)) {
                packets.remove(key);
                packets.put(key, new Entry(p, nowNanos)); // refreshed: moves to the young end
                return Outcome.UNCHANGED;
            }
            if (!p.moreRecentThan(old.packet)) {
                return Outcome.OLDER;
            }
            packets.remove(key);
        } else if (packets.size() >= capacity) {
            Iterator<EndpointId> it = packets.keySet().iterator();
            it.next();
            it.remove();
        }
        packets.put(key, new Entry(p, nowNanos));
        return Outcome.STORED;
    }

    public synchronized Optional<SignedPacket> get(EndpointId key, long nowNanos) {
        evictExpired(nowNanos);
        Entry e = packets.get(key);
        return e == null ? Optional.empty() : Optional.of(e.packet);
    }

    public synchronized int size() {
        return packets.size();
    }

    /** Entries are in refresh order, so the expired ones are at the front. */
    private void evictExpired(long now) {
        Iterator<Entry> it = packets.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (now - e.storedAt < maxAgeNanos) {
                return;
            }
            it.remove();
        }
    }
}
