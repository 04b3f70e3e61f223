package com.kafkaconnectiroh.p2p.endpoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on an {@link Endpoint} and hands each to the {@link ProtocolHandler} registered for its
 * ALPN, as iroh's {@code Router}. The endpoint's accepted ALPNs become exactly the registered ones, so a peer
 * asking for any other is refused in the TLS handshake ({@code no_application_protocol}).
 *
 * <pre>{@code
 * Router router = Router.builder(endpoint).accept("my/echo/1", conn -> {
 *     BiStream s = conn.acceptBi();
 *     s.send().writeAll(s.recv().readToEnd(1 << 20));
 *     s.send().finish();
 *     conn.closed().get();
 * }).spawn();
 * ...
 * router.close(); // stops accepting, tells the handlers, closes the endpoint
 * }</pre>
 *
 * <p>Handlers run on a bounded pool (default 256 threads, one task per connection); a connection arriving when
 * every worker is busy is closed with code 0 and reason "busy". {@link AsyncProtocolHandler}s take no worker.
 */
public final class Router implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final Endpoint endpoint;
    private final Map<String, ProtocolHandler> handlers;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;
    private volatile boolean shutdown;

    private Router(Builder b) {
        this.endpoint = b.endpoint;
        this.handlers = Map.copyOf(b.handlers);
        AtomicInteger n = new AtomicInteger();
        String name = "iroh-router-" + endpoint.id().fmtShort();
        this.workers = new ThreadPoolExecutor(0, b.maxConcurrentConnections, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, name + "-accept");
        this.acceptor.setDaemon(true);
    }

    public static Builder builder(Endpoint endpoint) {
        return new Builder(endpoint);
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    /** The registered ALPNs. */
    public List<String> alpns() {
        return List.copyOf(handlers.keySet());
    }

    private void acceptLoop() {
        while (!shutdown) {
            Connection c;
            try {
                c = endpoint.accept();
            } catch (Exception e) {
                if (!shutdown) {
                    LOG.warn("accept failed", e);
                }
                continue;
            }
            if (c == null) {
                return; // endpoint closed
            }
            ProtocolHandler h = handlers.get(c.alpn());
            if (h == null) {
                c.close(0, "no handler for " + c.alpn()); // ALPN removed meanwhile
                continue;
            }
            if (h instanceof AsyncProtocolHandler async) {
                serveAsync(async, c);
                continue;
            }
            try {
                workers.execute(() -> serve(h, c));
            } catch (RejectedExecutionException e) {
                c.close(0, "busy");
            }
        }
    }

    private void serveAsync(AsyncProtocolHandler h, Connection c) {
        CompletionStage<?> done;
        try {
            done = h.acceptAsync(c);
        } catch (RuntimeException e) {
            LOG.debug("handler for {} failed on {}", c.alpn(), c, e);
            closeIfOpen(c);
            return;
        }
        done.whenComplete((v, e) -> {
            if (e != null && !shutdown) {
                LOG.debug("handler for {} failed on {}", c.alpn(), c, e);
            }
            closeIfOpen(c);
        });
    }

    private static void closeIfOpen(Connection c) {
        if (c.closeInfo() == null) {
            c.close(0, "");
        }
    }

    private void serve(ProtocolHandler h, Connection c) {
        try {
            h.accept(c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!shutdown) {
                LOG.debug("handler for {} failed on {}", c.alpn(), c, e);
            }
        } finally {
            closeIfOpen(c);
        }
    }

    /** Stops accepting, calls each handler's {@code shutdown}, closes the endpoint, stops the workers. */
    public void shutdown() {
        if (shutdown) {
            return;
        }
        shutdown = true;
        for (ProtocolHandler h : handlers.values()) {
            try {
                h.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("handler shutdown failed", e);
            }
        }
        endpoint.close();
        workers.shutdownNow();
        try {
            acceptor.join(2000);
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public void close() {
        shutdown();
    }

    /** Registers handlers, then {@link #spawn()}. */
    public static final class Builder {
        private final Endpoint endpoint;
        private final Map<String, ProtocolHandler> handlers = new LinkedHashMap<>();
        private int maxConcurrentConnections = 256;

        private Builder(Endpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint);
        }

        /** Serves connections for {@code alpn} with {@code handler} (replacing an earlier one). */
        public Builder accept(String alpn, ProtocolHandler handler) {
            handlers.put(Objects.requireNonNull(alpn), Objects.requireNonNull(handler));
            return this;
        }

        /** At most this many connections are served at once (default 256). */
        public Builder maxConcurrentConnections(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentConnections must be at least 1, got " + n);
            }
            this.maxConcurrentConnections = n;
            return this;
        }

        /** Sets the endpoint's ALPNs to the registered ones and starts accepting. */
        public Router spawn() {
            Router r = new Router(this);
            endpoint.setAlpns(List.copyOf(handlers.keySet()));
            r.acceptor.start();
            return r;
        }
    }
}
