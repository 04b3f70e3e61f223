package com.kafkaconnectiroh.p2p.discovery.dht;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
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
 * when our addresses change) and served to {@code iroh_record} queries, peers' records resolved by id.
 */
public final class DhtDiscovery implements AddressLookup {
    /** A DHT lookup walks several hops of UDP round trips with 3 s timeouts. */
    static final Duration MAX_WAIT = Duration.ofSeconds(15);

    private final DhtNode dht;
    private final DhtAddressLookup lookup;
    private final SecretKey key;
    private volatile SignedPacket ours;
    private ScheduledFuture<?> republishing;

    private DhtDiscovery(DhtNode dht, SecretKey key) {
        this.dht = dht;
        this.lookup = new DhtAddressLookup(dht);
        this.key = key;
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
        return lookup.resolve(id);
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
