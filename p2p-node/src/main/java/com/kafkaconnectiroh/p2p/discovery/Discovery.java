package com.kafkaconnectiroh.p2p.discovery;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several {@link AddressLookup}s combined, as iroh's {@code ConcurrentAddressLookup}: {@link #resolve} asks all at
 * once and completes with the first answer that has a direct address (a relay-only answer is kept in case nothing
 * better comes), or with everything found once all have answered or the timeout passed; {@link #publish} tells every
 * one. The endpoint asks it when a dial has no usable address ({@code Endpoint.Builder.addressLookup}).
 */
public final class Discovery implements AddressLookup {
    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    private final List<AddressLookup> lookups;
    private final Duration timeout;
    private final List<AutoCloseable> resources;
    private ScheduledExecutorService watcher;

    /** @param timeout how long {@link #resolve} waits for all mechanisms at most */
    public Discovery(List<AddressLookup> lookups, Duration timeout) {
        this(lookups, timeout, List.of());
    }

    /** @param resources closed after the lookups, in order (threads and sockets they share) */
    public Discovery(List<AddressLookup> lookups, Duration timeout, List<AutoCloseable> resources) {
        this.lookups = List.copyOf(lookups);
        this.timeout = timeout;
        this.resources = List.copyOf(resources);
    }

    /** The lookup named {@code name} ({@link AddressLookup#name()}), if it is one of ours. */
    public Optional<AddressLookup> lookup(String name) {
        return lookups.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    public List<AddressLookup> lookups() {
        return lookups;
    }

    @Override
    public String name() {
        List<String> names = new ArrayList<>();
        lookups.forEach(l -> names.add(l.name()));
        return String.join("+", names);
    }

    /** The combined timeout, or longer where a mechanism needs longer (a DHT lookup walks several hops). */
    @Override
    public Duration maxWait() {
        Duration longest = timeout;
        for (AddressLookup l : lookups) {
            longest = waitFor(l).compareTo(longest) > 0 ? waitFor(l) : longest;
        }
        return longest;
    }

    private Duration waitFor(AddressLookup l) {
        Duration own = l.maxWait();
        return own.compareTo(timeout) > 0 ? own : timeout;
    }

    @Override
    public CompletableFuture<Optional<EndpointAddr>> resolve(EndpointId id) {
        CompletableFuture<Optional<EndpointAddr>> result = new CompletableFuture<>();
        if (lookups.isEmpty()) {
            result.complete(Optional.empty());
            return result;
        }
        AtomicInteger pending = new AtomicInteger(lookups.size());
        List<EndpointAddr> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (AddressLookup l : lookups) {
            l.resolve(id).orTimeout(waitFor(l).toMillis(), TimeUnit.MILLISECONDS).whenComplete((addr, err) -> {
                synchronized (found) {
                    if (err != null) {
                        String why = why(err, waitFor(l));
                        LOG.debug("{} found nothing for {}: {}", l.name(), id.fmtShort(), why);
                        failures.add(l.name() + ": " + why);
                    } else if (addr.isPresent()) {
                        found.add(addr.get());
                        if (!addr.get().ipAddrs().isEmpty()) {
                            result.complete(Optional.of(merge(id, found)));
                        }
                    }
                    if (pending.decrementAndGet() == 0) {
                        if (found.isEmpty() && !failures.isEmpty()) {
                            // say why each mechanism found nothing: the dial's error carries it to the user
                            result.completeExceptionally(new IOException(String.join("; ", failures)));
                        } else {
                            result.complete(found.isEmpty() ? Optional.empty() : Optional.of(merge(id, found)));
                        }
                    }
                }
            });
        }
        return result;
    }

    private String why(Throwable err, Duration waited) {
        Throwable c = err;
        while ((c instanceof CompletionException || c instanceof java.io.UncheckedIOException
                || c.getMessage() == null) && c.getCause() != null) {
            c = c.getCause();
        }
        return c instanceof TimeoutException ? "no answer within " + waited.toMillis() + " ms"
                : c.getMessage() != null ? c.getMessage() : c.toString();
    }

    /** What each mechanism found, for {@code p2p-node discovery resolve}: its answer, or why it has none. */
    public Map<String, Outcome> resolveEach(EndpointId id) {
        Map<String, CompletableFuture<Optional<EndpointAddr>>> asked = new LinkedHashMap<>();
        Map<String, Outcome> out = new LinkedHashMap<>();
        Map<String, Duration> waits = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (AddressLookup l : lookups) {
            String name = l.name();
            for (int i = 2; asked.containsKey(name); i++) {
                name = l.name() + "#" + i;
            }
            asked.put(name, l.resolve(id).orTimeout(waitFor(l).toMillis(), TimeUnit.MILLISECONDS));
            waits.put(name, waitFor(l));
        }
        asked.forEach((name, f) -> {
            try {
                Optional<EndpointAddr> a = f.join();
                out.put(name, new Outcome(a, null, System.nanoTime() - start));
            } catch (CompletionException e) {
                out.put(name, new Outcome(Optional.empty(), why(e, waits.get(name)), System.nanoTime() - start));
            }
        });
        return out;
    }

    /** One mechanism's answer: an address, nothing, or an error. */
    public record Outcome(Optional<EndpointAddr> addr, String error, long waitedNanos) {
    }

    @Override
    public void publish(EndpointAddr ours) {
        for (AddressLookup l : lookups) {
            try {
                l.publish(ours);
            } catch (RuntimeException e) {
                LOG.warn("{}: publishing failed: {}", l.name(), e.toString());
            }
        }
    }

    /**
     * Publishes {@code ours.get()} now and whenever it changes (checked every {@code every}; each mechanism also
     * republishes on its own interval), until {@link #close()}.
     */
    public synchronized void publishWhileOpen(Supplier<EndpointAddr> ours, Duration every) {
        if (watcher != null) {
            throw new IllegalStateException("already publishing");
        }
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "discovery-publish");
            t.setDaemon(true);
            return t;
        });
        EndpointAddr[] last = new EndpointAddr[1]; // touched only by the watcher thread
        watcher.scheduleWithFixedDelay(() -> {
            try {
                EndpointAddr now = ours.get();
                if (!now.equals(last[0])) { // each mechanism hears of a change once; republishing is its own business
                    last[0] = now;
                    publish(now);
                }
            } catch (RuntimeException e) {
                LOG.warn("discovery: reading our addresses failed: {}", e.toString());
            }
        }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    static EndpointAddr merge(EndpointId id, List<EndpointAddr> found) {
        EndpointAddr.Builder b = EndpointAddr.builder(id);
        for (EndpointAddr a : found) {
            a.relayUrls().forEach(b::relayUrl);
            b.ipAddrs(a.ipAddrs());
        }
        return b.build();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (watcher != null) {
                watcher.shutdownNow();
            }
        }
        for (AddressLookup l : lookups) {
            try {
                l.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", l.name(), e.toString());
            }
        }
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.debug("closing {}: {}", r, e.toString());
            }
        }
    }
}
