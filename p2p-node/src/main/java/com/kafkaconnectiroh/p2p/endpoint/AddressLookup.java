package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One way of finding an endpoint's addresses by its id, and of telling others ours (iroh 1.x {@code AddressLookup},
 * 0.35 {@code Discovery}): DNS, a pkarr relay, the mainline DHT, the local network, or several combined
 * ({@code discovery.Discovery}). {@link Endpoint.Builder#addressLookup} makes every dial of the endpoint ask it when
 * the addresses it was given do not answer (a bare id has none). Implementations do their I/O on their own threads:
 * {@link #resolve} returns at once, and must complete within {@link #maxWait()}.
 */
public interface AddressLookup extends AutoCloseable {
    /** Short name printed by {@code p2p-node discovery resolve}: {@code dns}, {@code pkarr}, {@code dht}, {@code mdns}. */
    String name();

    /**
     * What this mechanism knows about {@code id}: empty if it found nothing; completes exceptionally if it could not
     * look (a server unreachable, a record refused), with a message saying which and why.
     */
    CompletableFuture<Optional<EndpointAddr>> resolve(EndpointId id);

    /** The longest {@link #resolve} takes before it completes (with or without an answer). */
    default Duration maxWait() {
        return Duration.ofSeconds(10);
    }

    /**
     * Our addresses, to publish where this mechanism publishes (it may ignore them); called again whenever they
     * change. A mechanism that signs what it publishes holds the key it was built with.
     */
    default void publish(EndpointAddr ours) {
    }

    @Override
    default void close() {
    }
}
