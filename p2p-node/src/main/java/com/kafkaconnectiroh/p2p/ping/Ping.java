package com.kafkaconnectiroh.p2p.ping;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.endpoint.AsyncProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionClose;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionLostException;
import com.kafkaconnectiroh.p2p.endpoint.PathInfo;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler;
import com.kafkaconnectiroh.p2p.endpoint.StreamTooLongException;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The iroh-ping protocol (crate {@code iroh-ping}, ALPN {@value #ALPN}), both sides.
 *
 * <p>Wire: the client connects, opens one bidirectional stream, writes {@code PING} and finishes; the server reads
 * the stream to its end (at most 4 bytes), answers {@code PONG} and finishes; the client reads to the end (at most
 * 4 bytes) and, being the last to read, closes the connection with code 0 and reason {@code bye!}. The server
 * waits for that close. One ping per connection.
 *
 * <p>As a {@link ProtocolHandler} this serves pings (register it on a {@code Router} under {@link #ALPN});
 * {@link #ping} sends one.
 */
public final class Ping implements AsyncProtocolHandler {
    public static final String ALPN = "iroh/ping/0";

    private static final byte[] PING = "PING".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "PONG".getBytes(StandardCharsets.US_ASCII);
    /** Both sides read at most this much (iroh-ping's {@code read_to_end(4)}). */
    private static final int MESSAGE_LIMIT = 4;
    /** Our close code when a client sent something other than PING (iroh-ping's server just drops the task). */
    static final long BAD_REQUEST_CODE = 1;
    /** How long the server waits for the client's first stream. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** A served ping, reported to the listener: who asked, from where, and whether it was a proper PING. */
    public record Served(EndpointId remote, InetSocketAddress from, boolean ok, String problem) {
    }

    /**
     * A successful ping: the handshake time (connect until usable) and the PING → PONG round trip.
     *
     * @param path  the peer's address as the connection last saw it (internal on a relay path: see {@link #via()})
     * @param paths every path the connection used, direct or relayed, with the RTT QUIC measured on the active one
     */
    public record Pong(EndpointId remote, InetSocketAddress path, Duration handshake, Duration rtt, List<PathInfo> paths) {
        public Pong {
            paths = List.copyOf(paths);
        }

        /** The path the PONG came back on (the connection's active path). */
        public PathInfo via() {
            for (PathInfo p : paths) {
                if (p.active()) {
                    return p;
                }
            }
            return paths.isEmpty() ? null : paths.get(paths.size() - 1);
        }
    }

    private final Consumer<Served> listener;
    private final AtomicLong pingsSent = new AtomicLong();
    private final AtomicLong pingsReceived = new AtomicLong();

    /** A ping protocol that reports nothing. */
    public Ping() {
        this(s -> { });
    }

    /** A ping protocol that tells {@code listener} about every connection it served (on a router worker). */
    public Ping(Consumer<Served> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** Successful pings sent by {@link #ping}. */
    public long pingsSent() {
        return pingsSent.get();
    }

    /** Valid PINGs answered. */
    public long pingsReceived() {
        return pingsReceived.get();
    }

    // ================================================================================================
    // Client

    /**
     * Connects to {@code addr} on {@link #ALPN}, sends PING, waits for PONG, closes with (0, "bye!").
     *
     * @param timeout bounds the handshake and, separately, the wait for PONG
     * @throws PingException saying what went wrong ({@link PingException#kind()})
     */
    public Pong ping(Endpoint endpoint, EndpointAddr addr, Duration timeout) throws PingException {
        long t0 = System.nanoTime();
        Connection conn;
        try {
            conn = endpoint.connect(addr, ALPN, timeout);
        } catch (IOException e) {
            throw connectFailure(addr, e, timeout);
        }
        long connected = System.nanoTime();
        boolean ok = false;
        try {
            BiStream s = conn.openBi(timeout);
            long start = System.nanoTime();
            s.send().writeAll(ByteBuffer.wrap(PING), timeout);
            s.send().finish();
            byte[] response = s.recv().readToEnd(MESSAGE_LIMIT, timeout);
            long rtt = System.nanoTime() - start;
            if (!Arrays.equals(response, PONG)) {
                throw new PingException(PingException.Kind.BAD_RESPONSE, conn.remoteId().fmtShort()
                        + " answered " + show(response) + " instead of \"PONG\"", null);
            }
            pingsSent.incrementAndGet();
            ok = true;
            return new Pong(conn.remoteId(), conn.remoteAddress(), Duration.ofNanos(connected - t0), Duration.ofNanos(rtt),
                    conn.paths());
        } catch (StreamTooLongException e) {
            throw new PingException(PingException.Kind.BAD_RESPONSE, conn.remoteId().fmtShort()
                    + " answered more than 4 bytes instead of \"PONG\"", e);
        } catch (SocketTimeoutException e) {
            throw new PingException(PingException.Kind.TIMEOUT, "connected to " + conn.remoteId().fmtShort()
                    + " but got no PONG within " + seconds(timeout), e);
        } catch (ConnectionLostException e) {
            throw new PingException(PingException.Kind.CONNECTION_LOST, "the connection to "
                    + conn.remoteId().fmtShort() + " ended before the PONG: " + e.close(), e);
        } catch (PingException e) {
            throw e;
        } catch (IOException e) {
            throw new PingException(PingException.Kind.CONNECTION_LOST, "ping to " + conn.remoteId().fmtShort()
                    + " failed: " + e.getMessage(), e);
        } finally {
            // iroh-ping's client closes with (0, "bye!") as the last reader; on failure we leave too.
            conn.close(ok ? 0 : BAD_REQUEST_CODE, ok ? "bye!" : "ping failed");
        }
    }

    private static PingException connectFailure(EndpointAddr addr, IOException e, Duration timeout) {
        String who = addr.id().fmtShort() + " at " + addresses(addr);
        if (e instanceof ConnectionLostException cle && cle.close() != null) {
            ConnectionClose c = cle.close();
            if (c.kind() == ConnectionClose.Kind.CONNECT_TIMEOUT) {
                return new PingException(PingException.Kind.UNREACHABLE, "no answer from " + who + " within "
                        + seconds(timeout) + " (nothing answers there, or it is an iroh 0.35 node with another endpoint id: those stay silent)", e);
            }
            if (c.tlsAlert() == TlsAlert.NO_APPLICATION_PROTOCOL) {
                return new PingException(PingException.Kind.ALPN_REFUSED, who + " does not serve " + ALPN
                        + " (it refused the protocol in the TLS handshake)", e);
            }
            if (c.peerMismatch()) {
                return new PingException(PingException.Kind.WRONG_ID, "the endpoint at " + addresses(addr)
                        + " is not " + addr.id().fmtShort() + ": " + c.reason(), e);
            }
            return new PingException(PingException.Kind.CONNECTION_LOST, "connecting to " + who + " failed: " + c, e);
        }
        if (e instanceof SocketTimeoutException) {
            return new PingException(PingException.Kind.UNREACHABLE, "no answer from " + who + " within "
                    + seconds(timeout), e);
        }
        if (e instanceof InterruptedIOException) {
            return new PingException(PingException.Kind.CONNECTION_LOST, "interrupted while connecting to " + who, e);
        }
        // e.g. no usable direct address (relays are not supported)
        return new PingException(PingException.Kind.UNREACHABLE, "cannot reach " + who + ": " + e.getMessage(), e);
    }

    private static String addresses(EndpointAddr addr) {
        return EndpointAddrs.describe(addr);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String show(byte[] b) {
        for (byte x : b) {
            if (x < 0x20 || x > 0x7e) {
                return "0x" + Hex.encode(b);
            }
        }
        return "\"" + new String(b, StandardCharsets.US_ASCII) + "\"";
    }

    // ================================================================================================
    // Server

    /** Answers one PING on {@code conn}, holding no thread while it waits for the client. */
    @Override
    public CompletionStage<?> acceptAsync(Connection conn) {
        InetSocketAddress from = conn.remoteAddress();
        CompletableFuture<BiStream> stream = conn.acceptBiAsync();
        return stream.thenCompose(s -> s.recv().readToEndAsync(MESSAGE_LIMIT))
                .orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((request, failure) -> failure == null ? answer(conn, from, stream.join(), request)
                        : refuse(conn, from, failure))
                .thenCompose(done -> done);
    }

    private CompletableFuture<Void> answer(Connection conn, InetSocketAddress from, BiStream s, byte[] request) {
        if (!Arrays.equals(request, PING)) {
            reject(conn, from, "sent " + show(request) + " instead of \"PING\"");
            return CompletableFuture.completedFuture(null);
        }
        pingsReceived.incrementAndGet();
        return s.send().writeAllAsync(ByteBuffer.wrap(PONG)).thenCompose(v -> {
            s.send().finish();
            listener.accept(new Served(conn.remoteId(), from, true, null));
            // The client reads last and closes; ending earlier would close the connection under its PONG.
            return conn.closed().copy().orTimeout(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((closed, late) -> {
                        if (late != null) {
                            conn.close(0, "ping done");
                        }
                        return null;
                    });
        });
    }

    private CompletableFuture<Void> refuse(Connection conn, InetSocketAddress from, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof StreamTooLongException) {
            reject(conn, from, "sent more than 4 bytes instead of PING");
        } else {
            String why = cause instanceof TimeoutException ? "nothing within " + REQUEST_TIMEOUT.toSeconds() + " s"
                    : cause instanceof IOException io ? describe(io) : cause.toString();
            listener.accept(new Served(conn.remoteId(), from, false, "no PING: " + why));
        }
        return CompletableFuture.completedFuture(null);
    }

    private void reject(Connection conn, InetSocketAddress from, String problem) {
        conn.close(BAD_REQUEST_CODE, "expected PING");
        listener.accept(new Served(conn.remoteId(), from, false, problem));
    }

    private static String describe(IOException e) {
        if (e instanceof ConnectionLostException cle && cle.close() != null) {
            return cle.close().toString();
        }
        return e.getMessage();
    }
}
