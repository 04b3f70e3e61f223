package com.kafkaconnectiroh.p2p.discovery.dht;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrException;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import com.kafkaconnectiroh.p2p.discovery.pkarr.Timestamps;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * The mainline DHT as one of a node's discovery mechanisms ({@code dht} in {@code p2p-node discovery resolve}): a
 * {@link DhtNode} of its own, our signed record put as a BEP 44 item (republished on iroh's interval and at once
 * when our addresses change) and served to {@code iroh_record} queries, peers' records resolved by id as iroh's
 * mainline address lookup resolves them (a BEP 44 get of the id's key, no salt; the newest packet's {@code _iroh}
 * record read as {@link IrohRecord}). Concurrent resolves of one id share one DHT lookup; nothing is cached, so a
 * peer that moved is found at its new addresses by the next resolve.
 */
public final class DhtDiscovery implements AddressLookup {
    /** A DHT lookup walks several hops of UDP round trips with 3 s timeouts. */
    static final Duration MAX_WAIT = Duration.ofSeconds(15);
    /** Distinct ids resolving at once, at most (the endpoint bounds its own dials; this bounds the map). */
    private static final int MAX_IN_FLIGHT = 1024;

    private final DhtNode dht;
    private final SecretKey key;
    private final LruMap<EndpointId, CompletableFuture<Optional<EndpointAddr>>> inFlight = new LruMap<>(MAX_IN_FLIGHT);
    private volatile SignedPacket ours;
    private ScheduledFuture<?> republishing;

    private DhtDiscovery(DhtNode dht, SecretKey key) {
        this.dht = dht;
        this.key = key;
    }

    /**
     * Runs over a DHT node already started (e.g. one of a swarm), publishing records signed with {@code key}; closing
     * it closes the node.
     */
    public static DhtDiscovery over(DhtNode dht, SecretKey key) {
        return new DhtDiscovery(dht, key);
    }

    /**
     * Starts a DHT node on an ephemeral IPv4 port (the DHT is IPv4 only) bootstrapping from {@code bootstrap}
     * (empty: {@link DhtNode#DEFAULT_BOOTSTRAP}), publishing records signed with {@code key}.
     */
    public static DhtDiscovery start(SecretKey key, List<InetSocketAddress> bootstrap) throws IOException {
        DhtNode.Builder b = DhtNode.builder().bind(new InetSocketAddress("0.0.0.0", 0));
        if (!bootstrap.isEmpty()) {
            b.bootstrap(bootstrap);
        }
        return new DhtDiscovery(b.start(), key);
    }

    public DhtNode node() {
        return dht;
    }

    @Override
    public String name() {
        return "dht";
    }

    @Override
    public CompletableFuture<Optional<EndpointAddr>> resolve(EndpointId id) {
        CompletableFuture<Optional<EndpointAddr>> f;
        synchronized (inFlight) {
            f = inFlight.get(id);
            if (f != null) {
                return f;
            }
            f = new CompletableFuture<>();
            inFlight.put(id, f);
        }
        CompletableFuture<Optional<EndpointAddr>> result = f;
        CompletableFuture<Optional<SignedPacket>> lookup;
        try {
            lookup = dht.resolve(id);
        } catch (RuntimeException e) {
            lookup = CompletableFuture.failedFuture(e); // e.g. the node closed
        }
        lookup.whenComplete((packet, err) -> {
            synchronized (inFlight) {
                inFlight.remove(id, result);
            }
            if (err != null) {
                result.completeExceptionally(err);
                return;
            }
            try {
                result.complete(packet.isEmpty() ? Optional.empty()
                        : Optional.of(IrohRecord.fromSignedPacket(packet.get()).toEndpointAddr()));
            } catch (PkarrException e) {
                result.complete(Optional.empty()); // a packet that verified but holds no record iroh accepts
            }
        });
        return result;
    }

    @Override
    public Duration maxWait() {
        return MAX_WAIT;
    }

    @Override
    public synchronized void publish(EndpointAddr addr) {
        if (!addr.id().equals(key.publicKey())) {
            return; // not ours to sign
        }
        IrohRecord record = IrohRecord.of(addr).fitted(IrohRecord.DEFAULT_TTL);
        ours = record.sign(key, Timestamps.nowMicros(), IrohRecord.DEFAULT_TTL);
        if (republishing != null) {
            republishing.cancel(false);
        }
        // now, then hourly with the same packet (iroh's interval); a change of address comes back through here
        republishing = dht.republish(() -> ours, DhtNode.REPUBLISH_INTERVAL);
    }

    @Override
    public synchronized void close() {
        if (republishing != null) {
            republishing.cancel(false);
        }
        dht.close();
    }
}
