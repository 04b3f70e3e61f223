package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.quic.CloseReason;
import com.kafkaconnectiroh.p2p.quic.ConnectionEvent;
import com.kafkaconnectiroh.p2p.quic.ConnectionStats;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.VarInt;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An authenticated QUIC connection to a peer {@link #remoteId()}, negotiated for one ALPN protocol.
 *
 * <p>Streams: {@link #openBi()}/{@link #openUni()} block until the peer's stream limit allows a new stream;
 * {@link #acceptBi()}/{@link #acceptUni()} block until the peer opens one (a peer's stream becomes visible when
 * its first frame arrives, so an opener must write something, or at least finish, before we see it). Every
 * blocking call has a variant with a timeout and an async variant returning a future; the plain ones wait up to
 * the endpoint's {@linkplain Endpoint.Builder#operationTimeout operation timeout}.
 *
 * <p>Thread-safe: any thread may call anything; work is handed to the endpoint's event loop. Futures complete on
 * that loop, so do not block in their dependent actions (blocking calls made there throw
 * {@link IllegalStateException}); use the {@code *Async} methods of {@link CompletableFuture} to move off it.
 *
 * <p>Closing: {@link #close(long, String)} sends CONNECTION_CLOSE with an application code and reason and fails
 * everything still waiting; data not yet acknowledged may be lost, so protocols agree on who closes when (iroh
 * style: the side that read the last bytes closes, the other waits in {@link #closed()}).
 */
public final class Connection {
    final Driver driver;
    final QuicConnection quic;
    private final CompletableFuture<Connection> established;
    /** On the driver's dirty list for the next round (loop only). */
    boolean dirty;
    /** The QUIC deadline the driver's timer heap holds for us (loop only). */
    long deadline = Long.MAX_VALUE;
    /** Traffic per peer address, counted by the driver (loop only). */
    final PathCounters paths = new PathCounters();
    /** Opens and drops multipath paths (relay to direct and back); loop only. */
    final PathManager pathManager;

    private final CompletableFuture<ConnectionClose> closed = new CompletableFuture<>();
    private volatile ConnectionClose closeInfo;
    private volatile EndpointId remoteId;
    private volatile String alpn;
    private volatile boolean connected;
    /** QUIC address discovery: told (on the loop) each address the peer reports seeing us at. */
    java.util.function.Consumer<InetSocketAddress> observedAddressListener;

    // loop only
    private final HashMap<Long, StreamState> streams = new HashMap<>();
    private final ArrayDeque<CompletableFuture<BiStream>> biAcceptors = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<RecvStream>> uniAcceptors = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<BiStream>> biOpeners = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<SendStream>> uniOpeners = new ArrayDeque<>();

    Connection(Driver driver, QuicConnection quic, CompletableFuture<Connection> established) {
        this.driver = driver;
        this.quic = quic;
        this.established = established;
        this.pathManager = new PathManager(driver, quic);
    }

    // ================================================================================================
    // Identity

    /** The peer's endpoint id, proven by the TLS handshake. */
    public EndpointId remoteId() {
        return remoteId;
    }

    /** The negotiated ALPN protocol. */
    public String alpn() {
        return alpn;
    }

    /** True if we dialed; false if the peer did. */
    public boolean isClient() {
        return quic.isClient();
    }

    /**
     * The peer's address as last seen (it changes if the peer's NAT rebinds). On a relay path this is an address
     * internal to this endpoint that stands for the peer behind its relay: see {@link #path()}.
     */
    public InetSocketAddress remoteAddress() {
        return onLoop(quic::remoteAddress);
    }

    /**
     * The path the connection sends on now: direct or through a relay, its RTT and traffic. With QUIC multipath
     * (both sides offer it) this moves from the relay to a direct path once one is validated, and back when the
     * direct one dies.
     */
    public PathInfo path() {
        return onLoop(() -> {
            for (PathInfo p : pathsOnLoop()) {
                if (p.active()) {
                    return p;
                }
            }
            return pathInfo(new PathCounters.Entry(PathManager.selectedRemote(quic)), quic.paths());
        });
    }

    /** Whether the connection goes direct or through a relay now. */
    public PathType pathType() {
        return path().type();
    }

    /** Every path this connection has used (at most {@value PathCounters#MAX}, the oldest forgotten first), oldest first. */
    public List<PathInfo> paths() {
        return onLoop(this::pathsOnLoop);
    }

    private List<PathInfo> pathsOnLoop() {
        List<com.kafkaconnectiroh.p2p.quic.PathInfo> open = quic.paths();
        List<PathInfo> out = new ArrayList<>();
        for (PathCounters.Entry e : paths.entries()) {
            out.add(pathInfo(e, open));
        }
        return out;
    }

    /** {@code e} with the state of the QUIC path to its address, if one is open: active if selected, its RTT. */
    private PathInfo pathInfo(PathCounters.Entry e, List<com.kafkaconnectiroh.p2p.quic.PathInfo> open) {
        com.kafkaconnectiroh.p2p.quic.PathInfo q = null;
        for (com.kafkaconnectiroh.p2p.quic.PathInfo p : open) {
            if (!p.abandoned() && p.remote().equals(e.address) && (q == null || p.selected())) {
                q = p;
            }
        }
        boolean active = q != null && q.selected();
        Duration rtt = q != null && (active || q.validated()) ? Duration.ofNanos(q.smoothedRtt()) : null;
        RelayTransport relay = driver.relay();
        RelayAddresses.RelayPath rp = relay == null ? null : relay.pathOf(e.address);
        return rp != null
                ? new PathInfo(PathType.RELAY, null, rp.url(), active, rtt, e.bytesSent, e.bytesReceived, e.datagramsSent, e.datagramsReceived)
                : new PathInfo(PathType.DIRECT, e.address, null, active, rtt, e.bytesSent, e.bytesReceived, e.datagramsSent, e.datagramsReceived);
    }

    // ================================================================================================
    // Streams

    /** Opens a bidirectional stream, waiting up to the operation timeout for the peer's stream credit. */
    public BiStream openBi() throws IOException {
        return openBi(driver.endpoint.operationTimeout());
    }

    public BiStream openBi(Duration timeout) throws IOException {
        CompletableFuture<BiStream> f = openBiAsync();
        return Waits.await(driver, f, Waits.nanos(timeout), "openBi", () -> biOpeners.remove(f));
    }

    public CompletableFuture<BiStream> openBiAsync() {
        CompletableFuture<BiStream> f = new CompletableFuture<>();
        run(f, () -> {
            if (biOpeners.isEmpty()) {
                long id = quic.openBi();
                if (id >= 0) {
                    f.complete(newBi(id));
                    return;
                }
            }
            biOpeners.add(f);
            driver.touch(this); // STREAMS_BLOCKED goes out
        });
        return f;
    }

    /** Opens a unidirectional (send-only) stream, waiting up to the operation timeout for stream credit. */
    public SendStream openUni() throws IOException {
        return openUni(driver.endpoint.operationTimeout());
    }

    public SendStream openUni(Duration timeout) throws IOException {
        CompletableFuture<SendStream> f = openUniAsync();
        return Waits.await(driver, f, Waits.nanos(timeout), "openUni", () -> uniOpeners.remove(f));
    }

    public CompletableFuture<SendStream> openUniAsync() {
        CompletableFuture<SendStream> f = new CompletableFuture<>();
        run(f, () -> {
            if (uniOpeners.isEmpty()) {
                long id = quic.openUni();
                if (id >= 0) {
                    f.complete(newSend(id));
                    return;
                }
            }
            uniOpeners.add(f);
            driver.touch(this);
        });
        return f;
    }

    /** Waits up to the operation timeout for the peer to open a bidirectional stream. */
    public BiStream acceptBi() throws IOException {
        return acceptBi(driver.endpoint.operationTimeout());
    }

    public BiStream acceptBi(Duration timeout) throws IOException {
        CompletableFuture<BiStream> f = acceptBiAsync();
        return Waits.await(driver, f, Waits.nanos(timeout), "acceptBi", () -> biAcceptors.remove(f));
    }

    public CompletableFuture<BiStream> acceptBiAsync() {
        CompletableFuture<BiStream> f = new CompletableFuture<>();
        run(f, () -> {
            if (biAcceptors.isEmpty()) {
                long id = quic.acceptBi();
                if (id >= 0) {
                    f.complete(newBi(id));
                    driver.touch(this); // accepting may raise the peer's stream limit
                    return;
                }
            }
            biAcceptors.add(f);
        });
        return f;
    }

    /** Waits up to the operation timeout for the peer to open a unidirectional stream. */
    public RecvStream acceptUni() throws IOException {
        return acceptUni(driver.endpoint.operationTimeout());
    }

    public RecvStream acceptUni(Duration timeout) throws IOException {
        CompletableFuture<RecvStream> f = acceptUniAsync();
        return Waits.await(driver, f, Waits.nanos(timeout), "acceptUni", () -> uniAcceptors.remove(f));
    }

    public CompletableFuture<RecvStream> acceptUniAsync() {
        CompletableFuture<RecvStream> f = new CompletableFuture<>();
        run(f, () -> {
            if (uniAcceptors.isEmpty()) {
                long id = quic.acceptUni();
                if (id >= 0) {
                    f.complete(newRecv(id));
                    driver.touch(this);
                    return;
                }
            }
            uniAcceptors.add(f);
        });
        return f;
    }

    // ================================================================================================
    // Closing and stats

    /**
     * Closes the connection with an application error code and a reason (UTF-8, truncated to 1000 bytes). Does
     * not block; everything waiting on this connection fails with {@link ConnectionLostException}.
     */
    public void close(long code, String reason) {
        checkErrorCode(code);
        driver.submit(() -> closeOnLoop(code, reason));
    }

    /**
     * Application error codes are QUIC varints (RFC 9000 §16, iroh's {@code VarInt}): one outside 0..2^62-1 could
     * not be sent, so it is refused here rather than on the event loop, where the peer would never hear of it.
     */
    static long checkErrorCode(long code) {
        if (code < 0 || code > VarInt.MAX) {
            throw new IllegalArgumentException("application error code must be 0..2^62-1 (a QUIC varint), got "
                    + Long.toUnsignedString(code));
        }
        return code;
    }

    /** {@code close(0, "")}. */
    public void close() {
        close(0, "");
    }

    /** Completes once the connection has ended (closed by either side, timed out, or the endpoint closed). */
    public CompletableFuture<ConnectionClose> closed() {
        return closed;
    }

    /** Why the connection ended, or null while it is open. */
    public ConnectionClose closeInfo() {
        return closeInfo;
    }

    /** A snapshot of RTT, congestion window, MTU and traffic counters. */
    public ConnectionStats stats() {
        return onLoop(quic::stats);
    }

    /** The smoothed round-trip time. */
    public Duration rtt() {
        return Duration.ofNanos(stats().smoothedRtt());
    }

    @Override
    public String toString() {
        return "Connection[" + (quic.isClient() ? "to " : "from ") + (remoteId == null ? "?" : remoteId.fmtShort())
                + " alpn=" + alpn + (closeInfo == null ? "" : " " + closeInfo) + "]";
    }

    // ================================================================================================
    // Loop side

    private <T> T onLoop(java.util.function.Supplier<T> s) {
        if (driver.inLoop()) {
            return s.get();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        if (!driver.submit(() -> f.complete(s.get()))) {
            return s.get(); // the loop is gone; nothing mutates the connection any more
        }
        return f.join();
    }

    private void run(CompletableFuture<?> f, Runnable onLoop) {
        boolean ok = driver.submit(() -> {
            if (closeInfo != null) {
                f.completeExceptionally(lostException());
                return;
            }
            onLoop.run();
        });
        if (!ok) {
            f.completeExceptionally(driver.closedException());
        }
    }

    ConnectionLostException lostException() {
        ConnectionClose c = closeInfo;
        if (c == null && quic.closeReason() != null) {
            // closed in this round, its ConnectionLost event not dispatched yet (e.g. a StreamWritable queued
            // before it resumed a write that found the connection closed)
            c = ConnectionClose.of(quic.closeReason());
        }
        if (c != null && c.kind() == ConnectionClose.Kind.ENDPOINT_CLOSED) {
            return driver.closedException();
        }
        return new ConnectionLostException("connection " + (remoteId == null ? "" : "with " + remoteId.fmtShort() + " ")
                + "lost: " + c, c);
    }

    private StreamState newState(long id, boolean hasSend, boolean hasRecv) {
        StreamState s = new StreamState(this, id, hasSend, hasRecv);
        streams.put(id, s);
        return s;
    }

    private BiStream newBi(long id) {
        StreamState s = newState(id, true, true);
        return new BiStream(new SendStream(s), new RecvStream(s));
    }

    private SendStream newSend(long id) {
        return new SendStream(newState(id, true, false));
    }

    private RecvStream newRecv(long id) {
        return new RecvStream(newState(id, false, true));
    }

    /** Streams whose loop-side state is still held (tests: it must not grow with finished streams). */
    int streamStatesHeld() {
        return onLoop(streams::size);
    }

    void forgetIfDone(StreamState s) {
        if (s.sendDone && s.recvDone && s.read == null && s.write == null) {
            streams.remove(s.id);
        }
    }

    void closeOnLoop(long code, String reason) {
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        if (r.length > 1000) {
            r = java.util.Arrays.copyOf(r, 1000);
        }
        quic.close(driver.now(), code, r);
        driver.touch(this);
    }

    /** Gives up connecting: no handshake within the connect timeout. */
    void abortConnect(String message) {
        if (connected || closeInfo != null) {
            return;
        }
        quic.close(driver.now(), 0, "connect timeout".getBytes(StandardCharsets.UTF_8));
        onLost(new ConnectionClose(ConnectionClose.Kind.CONNECT_TIMEOUT, false, 0, message));
        driver.touch(this);
    }

    /**
     * Gives up a dial attempt that never heard from the peer, without a word: nobody answered at that address,
     * so a CONNECTION_CLOSE would go nowhere (and the attempt would linger in its closing period).
     */
    void abandonAttempt(String message) {
        if (connected || closeInfo != null) {
            return;
        }
        onLost(new ConnectionClose(ConnectionClose.Kind.CONNECT_TIMEOUT, false, 0, message));
        quic.forget(new CloseReason(CloseReason.Source.IDLE_TIMEOUT, false, TransportError.NO_ERROR, 0, message));
        driver.touch(this);
    }

    /** Dispatches the QUIC connection's events (loop). */
    void drainEvents() {
        ConnectionEvent e;
        while ((e = quic.pollEvent()) != null) {
            if (e instanceof ConnectionEvent.StreamReadable r) {
                StreamState s = streams.get(r.streamId());
                if (s != null) {
                    s.continueRead();
                }
            } else if (e instanceof ConnectionEvent.StreamWritable w) {
                StreamState s = streams.get(w.streamId());
                if (s != null) {
                    s.continueWrite();
                }
            } else if (e instanceof ConnectionEvent.StreamOpened o) {
                if (o.bidi()) {
                    serveBiAcceptors();
                } else {
                    serveUniAcceptors();
                }
            } else if (e instanceof ConnectionEvent.StreamAcked a) {
                StreamState s = streams.get(a.streamId());
                if (s != null) {
                    s.onAcked(a.offset());
                }
            } else if (e instanceof ConnectionEvent.StreamFinished f) {
                StreamState s = streams.get(f.streamId());
                if (s != null) {
                    s.onFinished();
                }
            } else if (e instanceof ConnectionEvent.StreamStopped st) {
                StreamState s = streams.get(st.streamId());
                if (s != null) {
                    s.onStopped(st.errorCode());
                }
            } else if (e instanceof ConnectionEvent.StreamReset rs) {
                StreamState s = streams.get(rs.streamId());
                if (s != null) {
                    s.continueRead();
                }
            } else if (e instanceof ConnectionEvent.Connected) {
                onConnected();
            } else if (e instanceof ConnectionEvent.ObservedAddress o) {
                if (observedAddressListener != null) {
                    observedAddressListener.accept(o.address());
                }
            } else if (e instanceof ConnectionEvent.ConnectionLost lost) {
                onLost(ConnectionClose.of(lost.reason()));
            }
        }
        // MAX_STREAMS raises our limit without an event: retry waiting openers after every batch of input
        if (closeInfo == null && !(biOpeners.isEmpty() && uniOpeners.isEmpty())) {
            serveOpeners();
        }
    }

    private void onConnected() {
        String mismatch = driver.relayPeerMismatch(quic);
        if (mismatch != null) {
            // refuse before anyone sees the connection: the relay named another sender than TLS proved
            quic.close(driver.now(), 0, "relay peer mismatch".getBytes(StandardCharsets.UTF_8));
            onLost(new ConnectionClose(ConnectionClose.Kind.TRANSPORT_ERROR, false, 0, mismatch, true));
            driver.touch(this);
            return;
        }
        connected = true;
        remoteId = quic.peerId();
        byte[] a = quic.alpn();
        alpn = a == null ? null : new String(a, StandardCharsets.UTF_8);
        if (quic.isClient()) {
            if (!established.complete(this)) {
                closeOnLoop(0, "connect abandoned");
            }
        } else {
            driver.onIncomingEstablished(this);
        }
    }

    private void serveBiAcceptors() {
        while (!biAcceptors.isEmpty()) {
            long id = quic.acceptBi();
            if (id < 0) {
                return;
            }
            biAcceptors.poll().complete(newBi(id));
            driver.touch(this);
        }
    }

    private void serveUniAcceptors() {
        while (!uniAcceptors.isEmpty()) {
            long id = quic.acceptUni();
            if (id < 0) {
                return;
            }
            uniAcceptors.poll().complete(newRecv(id));
            driver.touch(this);
        }
    }

    private void serveOpeners() {
        while (!biOpeners.isEmpty()) {
            long id = quic.openBi();
            if (id < 0) {
                break;
            }
            biOpeners.poll().complete(newBi(id));
        }
        while (!uniOpeners.isEmpty()) {
            long id = quic.openUni();
            if (id < 0) {
                break;
            }
            uniOpeners.poll().complete(newSend(id));
        }
    }

    void onLost(ConnectionClose why) {
        if (closeInfo != null) {
            return;
        }
        closeInfo = why;
        if (established != null && !connected) {
            established.completeExceptionally(new ConnectionLostException(connectFailure(why), why));
        } else if (!connected) {
            driver.onIncomingFailed(quic.remoteAddress(), why);
        }
        IOException lost = lostException();
        for (CompletableFuture<?> f : new ArrayList<CompletableFuture<?>>(biAcceptors)) {
            f.completeExceptionally(lost);
        }
        for (CompletableFuture<?> f : new ArrayList<CompletableFuture<?>>(uniAcceptors)) {
            f.completeExceptionally(lost);
        }
        for (CompletableFuture<?> f : new ArrayList<CompletableFuture<?>>(biOpeners)) {
            f.completeExceptionally(lost);
        }
        for (CompletableFuture<?> f : new ArrayList<CompletableFuture<?>>(uniOpeners)) {
            f.completeExceptionally(lost);
        }
        biAcceptors.clear();
        uniAcceptors.clear();
        biOpeners.clear();
        uniOpeners.clear();
        for (StreamState s : new ArrayList<>(streams.values())) {
            s.onConnectionLost();
        }
        closed.complete(why);
    }

    private String connectFailure(ConnectionClose why) {
        return "could not connect to " + quic.remoteAddress() + ": " + why;
    }

    void onDrained() {
        if (closeInfo == null) {
            onLost(ConnectionClose.of(quic.closeReason()));
        }
        streams.clear();
    }

    void onEndpointClosed() {
        onLost(new ConnectionClose(ConnectionClose.Kind.ENDPOINT_CLOSED, false, 0, driver.closedReason()));
        streams.clear();
    }
}
