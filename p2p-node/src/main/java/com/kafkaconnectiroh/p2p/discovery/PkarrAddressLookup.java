package com.kafkaconnectiroh.p2p.discovery;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrException;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrRelayClient;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import com.kafkaconnectiroh.p2p.discovery.pkarr.Timestamps;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pkarr relay as iroh's {@code PkarrPublisher} and {@code PkarrResolver} use it (IR@v1.0.2
 * {@code iroh/src/address_lookup/pkarr.rs}): resolve = GET the key's packet and read its {@link IrohRecord};
 * publish = sign our record and PUT it, again at once when our addresses change and every
 * {@link #REPUBLISH_INTERVAL_MILLIS} (iroh's {@code DEFAULT_REPUBLISH_INTERVAL}, 5 min) otherwise, each time with a
 * fresh timestamp. A failed PUT is tried again after n s on the n-th failure in a row (as iroh), at most a minute.
 *
 * <p>Unlike iroh 1.x's default ({@code AddrFilter::relay_only}) the record carries our direct addresses as well as
 * any relay: this node has no relay yet, and a record without addresses could not be dialed (iroh 0.35 publishes
 * direct addresses when it has no relay, too).
 */
public final class PkarrAddressLookup implements AddressLookup {
    private static final Logger LOG = LoggerFactory.getLogger(PkarrAddressLookup.class);
    public static final long REPUBLISH_INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(5);
    private static final long MAX_RETRY_MILLIS = TimeUnit.MINUTES.toMillis(1);

    private final PkarrRelayClient client;
    private final SecretKey secret;
    private final ScheduledExecutorService scheduler;
    private final long republishMillis;
    private EndpointAddr published;
    private IrohRecord current;
    private ScheduledFuture<?> next;
    private int failures;
    private volatile long publishedCount;
    private boolean closed;
    private final Optional<String> userData;
    /** The newest packet seen per key: an older one served later (a replay, a stale relay) is refused. */
    private final LruMap<EndpointId, SignedPacket> newest = new LruMap<>(4096);

    /**
     * @param secret   our key, to sign what we publish; null for a resolve-only lookup
     * @param userData published as {@code user-data=} when present
     */
    public PkarrAddressLookup(PkarrRelayClient client, SecretKey secret, ScheduledExecutorService scheduler,
                              long republishMillis, Optional<String> userData) {
        this.client = client;
        this.userData = userData;
        this.secret = secret;
        this.scheduler = scheduler;
        this.republishMillis = republishMillis;
    }

    @Override
    public String name() {
        return "pkarr";
    }

    public PkarrRelayClient client() {
        return client;
    }

    @Override
    public CompletableFuture<Optional<EndpointAddr>> resolve(EndpointId id) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Optional<SignedPacket> p = client.resolve(id);
                if (p.isEmpty()) {
                    return Optional.empty();
                }
                IrohRecord record = IrohRecord.fromSignedPacket(p.get());
                synchronized (newest) {
                    SignedPacket seen = newest.get(id);
                    if (seen != null && seen.moreRecentThan(p.get())) {
                        throw new PkarrException("pkarr relay " + client.base() + " served an older packet for "
                                + id.fmtShort() + " (timestamp " + p.get().timestampMicros() + " after "
                                + seen.timestampMicros() + ")");
                    }
                    newest.put(id, p.get());
                }
                return Optional.of(record.toEndpointAddr());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (PkarrException e) {
                throw new CompletionException(e);
            }
        }, scheduler);
    }

    /** Publishes {@code ours} now if it differs from what was published last; republishes on the interval. */
    @Override
    public synchronized void publish(EndpointAddr ours) {
        if (secret == null || closed || ours.equals(published)) {
            return;
        }
        if (!ours.id().equals(secret.publicKey())) {
            throw new IllegalArgumentException("cannot publish " + ours.id().fmtShort() + " with the key of " + secret.publicKey().fmtShort());
        }
        published = ours;
        IrohRecord r = IrohRecord.of(ours);
        current = new IrohRecord(r.id(), r.relayUrls(), r.ipAddrs(), userData).fitted(IrohRecord.DEFAULT_TTL);
        failures = 0;
        schedule(0);
    }

    /** How many PUTs succeeded (tests, diagnostics). */
    public long publishedCount() {
        return publishedCount;
    }

    private synchronized void schedule(long delayMillis) {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = scheduler.schedule(this::publishNow, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void publishNow() {
        IrohRecord record;
        synchronized (this) {
            record = current;
        }
        if (record == null) {
            return;
        }
        try {
            client.publish(record.sign(secret, Timestamps.nowMicros(), IrohRecord.DEFAULT_TTL));
            publishedCount++;
            int failedBefore;
            synchronized (this) {
                failedBefore = failures;
                failures = 0;
            }
            if (failedBefore > 0) {
                LOG.info("published to pkarr relay {} after {} failed attempt(s)", client.base(), failedBefore);
            }
            LOG.debug("published {} to {}", record.txtStrings(), client.base());
            schedule(republishMillis);
        } catch (IOException | RuntimeException e) {
            long retry;
            int streak;
            synchronized (this) {
                streak = ++failures;
                retry = Math.min(MAX_RETRY_MILLIS, failures * 1000L);
            }
            // once per streak: offline, a one-shot command would otherwise print a line a second over its output
            if (streak == 1) {
                LOG.info("publishing to pkarr relay {} failed (retrying, quietly, every {} s at most): {}",
                        client.base(), MAX_RETRY_MILLIS / 1000, e.getMessage());
            } else {
                LOG.debug("publishing to pkarr relay {} failed again (retry in {} s): {}", client.base(),
                        retry / 1000, e.getMessage());
            }
            schedule(retry);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
    }
}
