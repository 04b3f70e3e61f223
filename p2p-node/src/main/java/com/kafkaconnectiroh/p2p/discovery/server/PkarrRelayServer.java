package com.kafkaconnectiroh.p2p.discovery.server;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RateLimiter;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrException;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pkarr relay over HTTP with iroh-dns-server's routes (IR@v1.0.2 {@code iroh-dns-server/src/http.rs},
 * {@code http/pkarr.rs}): {@code PUT /pkarr/<z32>} stores the relay payload ({@code sig ‖ ts ‖ dns}) after
 * verifying it (signature, size, and an {@code _iroh} record iroh 1.x accepts), {@code GET /pkarr/<z32>} serves it ({@code application/x-pkarr-signed-packet}) or 404,
 * {@code GET /healthcheck} answers 200.
 *
 * <p>PUT answers 204 when stored (also when the same packet comes again), 400 for a bad key or a packet that does
 * not verify, 409 when the stored packet is more recent and 413 for a body over 1072 bytes (both from the generic
 * pkarr relay spec, {@code design/relays.md}; iroh-dns-server answers 204 and silently keeps the newer one, and
 * iroh's clients accept any 2xx), 429 over the rate limit. PUTs are limited per source IP as iroh-dns-server's
 * default ("simple", 4/s, burst 2); GETs more loosely, since resolvers ask more often than publishers publish.
 */
public final class PkarrRelayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PkarrRelayServer.class);
    public static final String CONTENT_TYPE = "application/x-pkarr-signed-packet";
    static final String PREFIX = "/pkarr/";

    private final HttpServer http;
    private final PacketStore store;
    private final RateLimiter putLimiter;
    private final RateLimiter getLimiter;
    private final ThreadPoolExecutor workers;
    private final AtomicLong stored = new AtomicLong();

    public PkarrRelayServer(InetSocketAddress bind, PacketStore store, RateLimiter putLimiter, RateLimiter getLimiter)
            throws IOException {
        this.store = store;
        this.putLimiter = putLimiter;
        this.getLimiter = getLimiter;
        try {
            this.http = HttpServer.create(bind, 64);
        } catch (IOException e) {
            throw new IOException("cannot bind the pkarr relay to " + bind + ": " + e.getMessage(), e);
        }
        // bounded: beyond 8 busy workers and 256 waiting requests, a request is answered 503 on the accept thread
        this.workers = new ThreadPoolExecutor(1, 8, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "pkarr-relay-http");
            t.setDaemon(true);
            return t;
        }, (r, ex) -> LOG.debug("pkarr relay: busy, a request was dropped"));
        http.setExecutor(workers);
        http.createContext("/", this::handle);
        http.start();
    }

    public InetSocketAddress localAddress() {
        return http.getAddress();
    }

    /** Packets stored (or refreshed) over HTTP so far. */
    public long stored() {
        return stored.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String method = ex.getRequestMethod();
            if (path.equals("/healthcheck") || path.equals("/healthz")) {
                send(ex, 200, "ok");
            } else if (!path.startsWith(PREFIX)) {
                send(ex, 404, "not found");
            } else if (method.equals("PUT")) {
                put(ex, path.substring(PREFIX.length()));
            } else if (method.equals("GET") || method.equals("HEAD")) {
                get(ex, path.substring(PREFIX.length()));
            } else {
                ex.getResponseHeaders().add("Allow", "GET, HEAD, PUT");
                send(ex, 405, "method not allowed");
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("pkarr relay: {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        }
    }

    private static EndpointId key(String z32) {
        try {
            return EndpointId.fromZ32(z32);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The key of a request within {@code limiter}'s rate, or null once the request is answered: 429 over the rate,
     * 400 for a path that is not a key.
     */
    private static EndpointId admit(HttpExchange ex, RateLimiter limiter, String z32) throws IOException {
        if (!limiter.tryAcquire(ex.getRemoteAddress().getAddress(), System.nanoTime())) {
            send(ex, 429, "too many requests");
            return null;
        }
        EndpointId key = key(z32);
        if (key == null) {
            send(ex, 400, "invalid key '" + z32 + "' (expected 52 z-base-32 characters)");
        }
        return key;
    }

    private void put(HttpExchange ex, String z32) throws IOException {
        EndpointId key = admit(ex, putLimiter, z32);
        if (key == null) {
            return;
        }
        if (declaredLength(ex) > SignedPacket.MAX_RELAY_PAYLOAD) {
            send(ex, 413, "signed packet over " + SignedPacket.MAX_RELAY_PAYLOAD + " bytes");
            return;
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readNBytes(SignedPacket.MAX_RELAY_PAYLOAD + 1);
        }
        if (body.length > SignedPacket.MAX_RELAY_PAYLOAD) {
            send(ex, 413, "signed packet over " + SignedPacket.MAX_RELAY_PAYLOAD + " bytes");
            return;
        }
        SignedPacket p;
        try {
            p = SignedPacket.fromRelayPayload(key, body);
            // an iroh discovery server: a record iroh 1.x would refuse (a key other than relay, addr, user-data)
            // is refused here too, so no resolver is handed one
            IrohRecord.fromSignedPacket(p);
        } catch (PkarrException e) {
            send(ex, 400, e.getMessage());
            return;
        }
        switch (store.upsert(p, System.nanoTime())) {
            case STORED, UNCHANGED -> {
                stored.incrementAndGet();
                ex.sendResponseHeaders(204, -1);
            }
            case OLDER -> send(ex, 409, "the stored packet is more recent");
        }
    }

    /** The Content-Length header, or -1 when absent; a malformed or huge one counts as too large. */
    private static long declaredLength(HttpExchange ex) {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private void get(HttpExchange ex, String z32) throws IOException {
        EndpointId key = admit(ex, getLimiter, z32);
        if (key == null) {
            return;
        }
        Optional<SignedPacket> p = store.get(key, System.nanoTime());
        if (p.isEmpty()) {
            send(ex, 404, "not found");
            return;
        }
        byte[] body = p.get().relayPayload();
        ex.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(200, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
    }
}
