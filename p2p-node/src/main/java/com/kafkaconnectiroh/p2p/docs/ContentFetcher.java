package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.DownloadListener;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads entry content (raw blobs) from the peers that have it, as iroh-docs' live actor does through its
 * downloader: one request per blob, many at once (each waits a round trip; small values are latency-bound), and one {@code /iroh-bytes/4} connection per peer shared by
 * all of them (thousands of small values would otherwise cost a handshake each). A hash asked for twice is fetched
 * once, from any provider named for it; each provider is tried in turn, and all of them again up to
 * {@link #RETRIES} times (a provider may reset requests while busy). Idle connections close after
 * {@link #IDLE_CLOSE_MILLIS}.
 */
final class ContentFetcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContentFetcher.class);
    static final long IDLE_CLOSE_MILLIS = 10_000;

    /** Told when a fetch ends, on a download thread. */
    interface Listener {
        void fetched(Hash hash, boolean ok);
    }

    private final Blobs blobs;
    private final Function<EndpointId, EndpointAddr> addressOf;
    private final Listener listener;
    private final ExecutorService workers;
    private final ScheduledExecutorService sweeper;
    /** Hashes queued or running, with the providers to try (in order). Guarded by itself. */
    private final Map<Hash, List<EndpointId>> pending = new LinkedHashMap<>();
    private final Map<EndpointId, Pooled> connections = new HashMap<>();
    private volatile boolean closed;

    private static final class Pooled {
        Connection connection;
        long lastUsed;
        int users;
    }

    ContentFetcher(Blobs blobs, Function<EndpointId, EndpointAddr> addressOf, int concurrency, Listener listener) {
        this.blobs = blobs;
        this.addressOf = addressOf;
        this.listener = listener;
        // Threads only while there is work: a node syncing nothing keeps none.
        java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(concurrency, concurrency,
                30, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), daemon("docs-download"));
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("docs-download-sweeper"));
        sweeper.scheduleWithFixedDelay(this::closeIdle, IDLE_CLOSE_MILLIS, IDLE_CLOSE_MILLIS / 2, TimeUnit.MILLISECONDS);
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Queues {@code hash} from {@code provider}; a hash queued already gets the provider added. */
    void fetch(Hash hash, EndpointId provider) {
        if (closed) {
            return;
        }
        synchronized (pending) {
            List<EndpointId> providers = pending.get(hash);
            if (providers != null) {
                if (!providers.contains(provider)) {
                    providers.add(provider);
                }
                return;
            }
            providers = new ArrayList<>();
            providers.add(provider);
            pending.put(hash, providers);
        }
        workers.execute(() -> run(hash, 0));
    }

    /** How often a fetch that failed with every provider is tried again (after 1, 2, 4 s): busy providers recover. */
    static final int RETRIES = 3;

    boolean isPending(Hash hash) {
        synchronized (pending) {
            return pending.containsKey(hash);
        }
    }

    private void run(Hash hash, int attempt) {
        boolean ok = false;
        boolean retrying = false;
        try {
            for (int i = 0; !closed; i++) {
                EndpointId provider;
                synchronized (pending) {
                    List<EndpointId> providers = pending.get(hash);
                    if (providers == null || i >= providers.size()) {
                        break;
                    }
                    provider = providers.get(i);
                }
                if (blobs.store().status(hash).isComplete()) {
                    ok = true;
                    break;
                }
                if (fetchFrom(hash, provider)) {
                    ok = true;
                    break;
                }
            }
            if (!ok && !closed && attempt < RETRIES) {
                retrying = true;
                sweeper.schedule(() -> {
                    try {
                        workers.execute(() -> run(hash, attempt + 1));
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        finish(hash, false);
                    }
                }, 1000L << attempt, TimeUnit.MILLISECONDS);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            retrying = false;
        } finally {
            if (!retrying) {
                finish(hash, ok);
            }
        }
    }

    private void finish(Hash hash, boolean ok) {
        synchronized (pending) {
            pending.remove(hash);
        }
        if (!closed) {
            listener.fetched(hash, ok);
        }
    }

    /** One attempt from one provider, on a pooled connection (redialed once if the pooled one died). */
    private boolean fetchFrom(Hash hash, EndpointId provider) {
        for (int attempt = 0; attempt < 2; attempt++) {
            Connection c;
            try {
                c = acquire(provider);
            } catch (IOException e) {
                LOG.debug("cannot reach {} for content {}: {}", provider.fmtShort(), hash.fmtShort(), e.getMessage());
                return false;
            }
            try {
                blobs.downloader().download(c, HashAndFormat.raw(hash), TagOption.none(), DownloadListener.NONE);
                return true;
            } catch (IOException e) {
                boolean dead = c.closeInfo() != null;
                LOG.debug("content {} from {} failed{}: {}", hash.fmtShort(), provider.fmtShort(),
                        dead ? " (connection lost)" : "", e.getMessage());
                if (!dead) {
                    return false;
                }
            } finally {
                release(provider, c);
            }
        }
        return false;
    }

    private Connection acquire(EndpointId peer) throws IOException {
        Pooled p;
        synchronized (connections) {
            p = connections.computeIfAbsent(peer, k -> new Pooled());
            p.users++;
        }
        synchronized (p) {
            if (p.connection == null || p.connection.closeInfo() != null) {
                try {
                    p.connection = blobs.endpoint().connect(addressOf.apply(peer), Blobs.ALPN);
                } catch (IOException | RuntimeException e) {
                    synchronized (connections) {
                        p.users--;
                    }
                    throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
            }
            return p.connection;
        }
    }

    private void release(EndpointId peer, Connection c) {
        synchronized (connections) {
            Pooled p = connections.get(peer);
            if (p != null) {
                p.users--;
                p.lastUsed = System.nanoTime();
            }
        }
    }

    private void closeIdle() {
        long now = System.nanoTime();
        List<Connection> idle = new ArrayList<>();
        synchronized (connections) {
            connections.entrySet().removeIf(e -> {
                Pooled p = e.getValue();
                if (p.users == 0 && now - p.lastUsed > TimeUnit.MILLISECONDS.toNanos(IDLE_CLOSE_MILLIS)) {
                    if (p.connection != null) {
                        idle.add(p.connection);
                    }
                    return true;
                }
                return false;
            });
        }
        for (Connection c : idle) {
            c.close(0, "idle");
        }
    }

    @Override
    public void close() {
        closed = true;
        workers.shutdownNow();
        sweeper.shutdownNow();
        synchronized (connections) {
            for (Pooled p : connections.values()) {
                if (p.connection != null) {
                    p.connection.close(0, "closing");
                }
            }
            connections.clear();
        }
    }
}
