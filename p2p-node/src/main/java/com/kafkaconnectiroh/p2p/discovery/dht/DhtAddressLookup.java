package com.kafkaconnectiroh.p2p.discovery.dht;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Endpoint addresses from pkarr records in the mainline DHT, as iroh's mainline address lookup resolves them: a
 * BEP 44 get of the id's key (no salt), the newest packet's {@code _iroh} TXT record read as {@link IrohRecord}.
 *
 * <p>{@link #lookup} has the shape of {@code endpoint.AddressLookup} (loop-confined, never waits): it answers from
 * the records resolved so far and starts a resolve for an id it has not seen, so a dial that retries finds it.
 * {@link #resolve} is the waiting form for callers off the endpoint's loop. The cache is bounded (LRU).
 */
public final class DhtAddressLookup {
    private static final int MAX_CACHED = 1024;

    private final DhtNode dht;
    private final LruMap<EndpointId, EndpointAddr> cache = new LruMap<>(MAX_CACHED);
    private final LruMap<EndpointId, CompletableFuture<Optional<EndpointAddr>>> inFlight = new LruMap<>(MAX_CACHED);

    public DhtAddressLookup(DhtNode dht) {
        this.dht = dht;
    }

    /** The record's addresses of {@code id} in the DHT, if it published one. */
    public CompletableFuture<Optional<EndpointAddr>> resolve(EndpointId id) {
        synchronized (this) {
            CompletableFuture<Optional<EndpointAddr>> f = inFlight.get(id);
            if (f != null) {
                return f;
            }
        }
        CompletableFuture<Optional<EndpointAddr>> f = dht.resolve(id).thenApply(p -> {
            if (p.isEmpty()) {
                return Optional.<EndpointAddr>empty();
            }
            try {
                return Optional.of(IrohRecord.fromSignedPacket(p.get()).toEndpointAddr());
            } catch (PkarrException e) {
                return Optional.<EndpointAddr>empty();
            }
        });
        synchronized (this) {
            inFlight.put(id, f);
        }
        return f.whenComplete((addr, e) -> {
            synchronized (this) {
                inFlight.remove(id);
                if (addr != null && addr.isPresent()) {
                    cache.put(id, addr.get());
                }
            }
        });
    }

    /** The direct addresses resolved so far for {@code peer}; starts a resolve if none are known. Never waits. */
    public List<InetSocketAddress> lookup(EndpointId peer) {
        EndpointAddr known;
        synchronized (this) {
            known = cache.get(peer);
        }
        if (known == null) {
            resolve(peer);
            return List.of();
        }
        return List.copyOf(known.ipAddrs());
    }
}
