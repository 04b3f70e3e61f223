package com.kafkaconnectiroh.p2p.discovery;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.discovery.dht.DhtDiscovery;
import com.kafkaconnectiroh.p2p.discovery.dht.DhtNode;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerClient;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Kind;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Query;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.SignedAnnounce;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Content discovery for one endpoint: announcing the content it provides to trackers ({@code n0/tracker/1}) and,
 * when the endpoint runs a mainline DHT node, under the content's DHT key ({@link DhtNode#contentKey}); and finding
 * the providers of a hash the same two ways. Announcements are repeated every {@link #REANNOUNCE} (trackers forget
 * them after 12 h, DHT nodes after 30 min) and a failed round is retried after {@link #RETRY}.
 */
public final class ContentDiscovery implements AutoCloseable {
    /** Between announcement rounds: under BEP 5's 30 min peer lifetime, well under the trackers' 12 h. */
    public static final Duration REANNOUNCE = Duration.ofMinutes(10);
    /** After a round in which some announcement failed (n0's DHT publisher retries after 30 s too). */
    public static final Duration RETRY = Duration.ofSeconds(30);

    /** A provider search: the format the hash was announced in and who announced it, best first. */
    public record Found(HashAndFormat content, List<EndpointAddr> providers) {
    }

    private final Endpoint endpoint;
    private final List<EndpointAddr> trackers;
    private final Optional<DhtNode> dht;
    private final Duration timeout;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "content-announce");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param dht   the endpoint's DHT node, or empty (no DHT announcements or lookups)
     * @param log   told one line per announcement made or failed
     */
    public ContentDiscovery(Endpoint endpoint, List<EndpointAddr> trackers, Optional<DhtNode> dht, Duration timeout,
            Consumer<String> log) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.trackers = List.copyOf(trackers);
        this.dht = dht;
        this.timeout = timeout;
        this.log = log;
    }

    /** The DHT node of {@code discovery}'s {@code dht} mechanism, if it has one. */
    public static Optional<DhtNode> dhtOf(Optional<Discovery> discovery) {
        return discovery.flatMap(d -> d.lookup("dht")).filter(DhtDiscovery.class::isInstance)
                .map(l -> ((DhtDiscovery) l).node());
    }

    /** Whether there is anywhere to announce to or ask. */
    public boolean isEnabled() {
        return !trackers.isEmpty() || dht.isPresent();
    }

    /** Announces {@code content} now (on a background thread) and every {@link #REANNOUNCE} until closed. */
    public void provide(HashAndFormat content) {
        timer.execute(() -> round(content));
    }

    private void round(HashAndFormat content) {
        boolean ok = true;
        for (EndpointAddr t : trackers) {
            try {
                TrackerClient.announce(endpoint, t, endpoint.secretKey(), content, Kind.COMPLETE, timeout);
                log.accept("announced " + content.hash() + " to tracker " + t.id());
            } catch (IOException | RuntimeException e) {
                ok = false;
                log.accept("announcing to tracker " + t.id() + " failed: " + e.getMessage());
            }
        }
        if (dht.isPresent()) {
            try {
                int stored = dht.get().announceProvider(content.hash().toBytes()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (stored > 0) {
                    log.accept("announced " + content.hash() + " on the DHT (" + stored + " nodes)");
                } else {
                    ok = false;
                    log.accept("announcing on the DHT failed: no node stored it");
                }
            } catch (Exception e) {
                ok = false;
                log.accept("announcing on the DHT failed: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
        }
        if (!timer.isShutdown()) {
            timer.schedule(() -> round(content), (ok ? REANNOUNCE : RETRY).toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The providers of {@code hash}: each tracker asked for it as a raw blob and as a hash sequence (complete hosts,
     * unverified: ours never probe), then the DHT, which knows no format (a raw blob is assumed). The first format
     * anyone has wins; hosts are in the order found, each once. Unreachable trackers are told to the log and skipped.
     */
    public Found findProviders(Hash hash) {
        for (BlobFormat format : BlobFormat.values()) {
            HashAndFormat content = new HashAndFormat(hash, format);
            Map<EndpointId, EndpointAddr> found = new LinkedHashMap<>();
            for (EndpointAddr t : trackers) {
                try {
                    for (SignedAnnounce sa : TrackerClient.query(endpoint, t, new Query(content, true, false), timeout)) {
                        found.putIfAbsent(sa.announce().host(), EndpointAddr.of(sa.announce().host()));
                    }
                } catch (IOException | RuntimeException e) {
                    log.accept("asking tracker " + t.id() + " failed: " + e.getMessage());
                }
            }
            if (format == BlobFormat.RAW && dht.isPresent()) {
                try {
                    for (EndpointAddr a : dht.get().findProviders(hash.toBytes()).get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        found.putIfAbsent(a.id(), a);
                    }
                } catch (Exception e) {
                    log.accept("asking the DHT failed: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
                }
            }
            found.remove(endpoint.secretKey().publicKey());
            if (!found.isEmpty()) {
                return new Found(content, new ArrayList<>(found.values()));
            }
        }
        return new Found(HashAndFormat.raw(hash), List.of());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
