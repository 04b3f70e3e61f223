package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.disco.DiscoPacket;
import com.kafkaconnectiroh.p2p.quic.CloseReason;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.HalfOpenStats;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import com.kafkaconnectiroh.p2p.quic.QuicEndpoint;
import com.kafkaconnectiroh.p2p.quic.Transmit;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientSession;
import com.kafkaconnectiroh.p2p.tls.TlsServerConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O half of an {@link Endpoint}: one Netty event-loop thread owns the socket ({@link UdpTransport}), the
 * sans-IO {@link QuicEndpoint}, every {@link QuicConnection} and the loop-side state of every {@link Connection}
 * and stream. Nothing here is locked: application threads hand work over with {@link #submit}, and results come
 * back through futures completed on the loop. Dialing (candidates, races) is the {@link Dialer}'s.
 *
 * <p>One processing round ({@link #process}): drain the events of every connection touched since the last round
 * (wake blocked readers, writers, acceptors), poll their datagrams into pooled direct buffers (one UDP GSO
 * write per batch where the kernel supports it), flush the transport once, and re-arm the single timer at the
 * earliest connection deadline. A round runs after each batch of received datagrams (read-complete), after
 * timer expiry, and after application operations (coalesced into one queued round).
 *
 * <p>Failures on the loop: a runtime exception while handling one datagram drops that datagram; one in the work
 * of one connection ends that connection (its waiters fail with an internal error). Anything else that escapes
 * loop work (an {@link Error} such as {@link OutOfMemoryError}, or a bug outside any one connection) {@linkplain
 * #fail fails the endpoint}: it is logged once, every connection and waiter fails with {@code endpoint failed:
 * <cause>}, the socket closes and {@link #terminated()} completes with the cause. Netty would log and carry on
 * with half-updated state, leaving an endpoint that looks alive and answers nobody.
 */
final class Driver implements DatagramTransport.Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(Driver.class);
    /** Buffer room per datagram QUIC writes (its datagrams stay within 1500 bytes). */
    private static final int MAX_SEGMENT = 1500;
    private static final int ACCEPT_QUEUE = 256;
    private static final byte[] NO_ALPN = "\u0000kci/serving-nothing".getBytes(StandardCharsets.UTF_8);

    final Endpoint endpoint;
    private final SecretKey secretKey;
    private final TransportConfig transportConfig;
    private final DatagramTransport transport;
    /** Null when relays are disabled. */
    private final RelayTransport relay;
    final RelayMode relayMode;
    final EventLoop loop;
    final IoMode mode;
    private final QuicEndpoint quic;
    private final Disco disco;
    private final Dialer dialer;
    final AddressDiscovery addressDiscovery;
    private volatile TlsServerConfig serverTls;

    // ---- loop-confined state ----
    private final Map<QuicConnection, Connection> connections = new HashMap<>();
    /** QUIC datagram bytes of connections by path type, since start (loop only; {@link #pathTotals()}). */
    private long directBytesSent;
    private long directBytesReceived;
    private long relayBytesSent;
    private long relayBytesReceived;
    private final ArrayList<Connection> dirty = new ArrayList<>();
    private final ArrayDeque<CompletableFuture<Connection>> acceptors = new ArrayDeque<>();
    private final ArrayDeque<Connection> acceptQueue = new ArrayDeque<>();
    private boolean processQueued;
    private final Runnable processTask = () -> {
        processQueued = false;
        try {
            process();
        } catch (Throwable t) {
            fail(t);
        }
    };
    /** Connection deadlines (earliest first) with lazy deletion: an entry is live while it equals its connection's. */
    private record Deadline(long at, Connection conn) {
    }

    private final java.util.PriorityQueue<Deadline> deadlines = new java.util.PriorityQueue<>(
            (a, b) -> Long.compare(a.at, b.at));
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private final Runnable timerTask = () -> {
        try {
            onTimer();
        } catch (Throwable t) {
            fail(t);
        }
    };
    private boolean closing;
    /** What failed the endpoint, or null; set once, on the loop. */
    private volatile Throwable failure;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private boolean writeBlocked;
    /**
     * Tests only: direct (UDP) peer addresses whose datagrams are dropped both ways, as if the route to them were
     * cut; null (the default) drops nothing.
     */
    volatile java.util.function.Predicate<InetSocketAddress> udpBlackhole;
    /** Our direct addresses as NAT traversal candidates, refreshed at most every few seconds (loop only). */
    private List<InetSocketAddress> localCandidates = List.of();
    private long localCandidatesAt;
    private boolean localCandidatesKnown;
    private long incomingFailures;
    private final ArrayDeque<Endpoint.HandshakeFailure> recentIncomingFailures = new ArrayDeque<>();

    Driver(Endpoint endpoint, SecretKey secretKey, TransportConfig transportConfig, EndpointConfig endpointConfig,
           List<String> alpns, InetSocketAddress bind, Endpoint.Transport transport, Endpoint.RelaySettings relays)
            throws IOException {
        this.endpoint = endpoint;
        this.secretKey = secretKey;
        this.transportConfig = transportConfig.copy();
        setAlpns(alpns);
        UdpTransport udp = new UdpTransport(transport, "iroh-endpoint-" + secretKey.publicKey().fmtShort());
        this.transport = udp;
        this.mode = udp.mode;
        this.loop = udp.loop();
        this.quic = new QuicEndpoint(endpointConfig, this.transportConfig, tp -> new TlsServerSession(serverTls, tp),
                new SecureRandom());
        KnownAddresses known = new KnownAddresses(connections.values());
        this.disco = new Disco(this, secretKey, known);
        this.dialer = new Dialer(this, List.of(known));
        this.addressDiscovery = new AddressDiscovery(this);
        this.relayMode = relays.mode();
        this.relay = relays.mode() == RelayMode.DISABLED ? null : new RelayTransport(loop,
                mode.epoll() ? EpollSocketChannel.class : NioSocketChannel.class, relays.trust(), secretKey,
                relays.urls(), relays.housekeeping(), this);
        udp.bind(bind, this); // datagrams may arrive from here on: everything above is set
        if (relay != null) {
            submit(relay::start);
        }
    }

    /** {@code relay <url>} for a relay path's address, else the address as {@link InetSocketAddress#toString()} has it. */
    String describe(InetSocketAddress a) {
        RelayAddresses.RelayPath p = relay == null ? null : relay.pathOf(a);
        return p != null ? "relay " + p.url() : a.toString();
    }

    /**
     * Our direct addresses (local and QAD public ones, as {@link Endpoint#addr()} lists them) for NAT traversal;
     * the interfaces are enumerated again at most every {@value PathManager#ROUND_SECONDS} s.
     */
    List<InetSocketAddress> localCandidates(long now) {
        if (!localCandidatesKnown || now - localCandidatesAt >= TimeUnit.SECONDS.toNanos(PathManager.ROUND_SECONDS)) {
            localCandidatesKnown = true;
            localCandidatesAt = now;
            if (relayMode == RelayMode.RELAY_ONLY) {
                localCandidates = List.of();
            } else {
                java.util.LinkedHashSet<InetSocketAddress> all = new java.util.LinkedHashSet<>(endpoint.directAddresses());
                all.addAll(addressDiscovery.publicAddresses());
                localCandidates = List.copyOf(all);
            }
        }
        return localCandidates;
    }

    /** The relay side, or null when relays are disabled. */
    RelayTransport relay() {
        return relay;
    }

    /** Where datagrams to {@code to} go: through a relay for a relay path's address, else the UDP socket. */
    private DatagramTransport transportFor(InetSocketAddress to) {
        return relay != null && to.getPort() == RelayAddresses.PORT && relay.pathOf(to) != null ? relay : transport;
    }

    /**
     * Why {@code qc}'s peer cannot be who the relay says it is, or null: on a relay path the relay names the
     * sender, and that name must be the endpoint id the TLS handshake proved (a relay could otherwise splice one
     * peer's datagrams into another's path).
     */
    String relayPeerMismatch(QuicConnection qc) {
        if (relay == null || qc.peerId() == null) {
            return null;
        }
        RelayAddresses.RelayPath p = relay.pathOf(qc.remoteAddress());
        if (p == null || p.peer().equals(com.kafkaconnectiroh.p2p.relay.PeerKey.of(qc.peerId()))) {
            return null;
        }
        return "relay " + p.url() + " delivered datagrams of " + p.peer().fmtShort() + " but TLS proved "
                + qc.peerId().fmtShort();
    }

    void setAlpns(List<String> alpns) {
        List<byte[]> list = new ArrayList<>();
        for (String a : alpns) {
            list.add(a.getBytes(StandardCharsets.UTF_8));
        }
        if (list.isEmpty()) {
            // Serving nothing: an ALPN no peer asks for makes every handshake end in no_application_protocol.
            list.add(NO_ALPN);
        }
        serverTls = new TlsServerConfig(secretKey, list);
    }

    InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    boolean inLoop() {
        return loop.inEventLoop();
    }

    /** Runs {@code task} on the loop; false if the endpoint is shut down or failed. */
    boolean submit(Runnable task) {
        if (failure != null) {
            return false;
        }
        try {
            loop.execute(() -> guarded(task));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Runs {@code task} on the loop after {@code nanos}, failing the endpoint if it throws. */
    ScheduledFuture<?> schedule(Runnable task, long nanos) {
        return loop.schedule(() -> guarded(task), nanos, TimeUnit.NANOSECONDS);
    }

    private void guarded(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** Completes once the endpoint is closed (normally) or failed (exceptionally, with the cause). */
    CompletableFuture<Void> terminated() {
        return terminated;
    }

    Throwable failure() {
        return failure;
    }

    /** Why operations on this endpoint fail now: closed, or failed (with the cause). */
    EndpointClosedException closedException() {
        Throwable f = failure;
        EndpointClosedException e = new EndpointClosedException(closedReason());
        if (f != null) {
            e.initCause(f);
        }
        return e;
    }

    String closedReason() {
        Throwable f = failure;
        return f == null ? "endpoint closed" : "endpoint failed: " + f;
    }

    long now() {
        return System.nanoTime();
    }

    // ================================================================================================
    // Transport callbacks (loop)

    @Override
    public void onReceiveFailed(InetSocketAddress from, Throwable cause) {
        if (cause instanceof RuntimeException) {
            LOG.warn("dropping a datagram from {} that broke processing", from, cause);
        } else {
            fail(cause);
        }
    }

    @Override
    public void onReadComplete() {
        if (failure == null) {
            guarded(this::process);
        }
    }

    @Override
    public void onWritable() {
        if (writeBlocked && failure == null) {
            writeBlocked = false;
            for (Connection c : connections.values()) {
                markDirty(c);
            }
            guarded(this::process);
        }
    }

    @Override
    public void onTransportError(Throwable cause) {
        if (cause instanceof Error) {
            fail(cause); // thrown inside Netty's own work on our channel
            return;
        }
        // ICMP errors surface as PortUnreachableException on connected sockets only; ours is unconnected.
        LOG.debug("socket error", cause);
    }

    @Override
    public void onDatagram(InetSocketAddress from, ByteBuf content, int off, int len) {
        if (udpBlackhole != null && !RelayAddresses.isRelayAddress(from) && udpBlackhole.test(from)) {
            return;
        }
        if (len >= DiscoPacket.HEADER_LENGTH && isDiscoMagic(content, off)) {
            byte[] b = new byte[len];
            content.getBytes(off, b);
            disco.onDatagram(from, b);
            return;
        }
        ByteBuffer bb = content.nioBufferCount() == 1 ? content.internalNioBuffer(off, len) : content.nioBuffer(off, len);
        QuicConnection qc = quic.handleDatagram(now(), from, bb);
        QuicConnection inc;
        while ((inc = quic.pollIncoming()) != null) {
            if (closing) {
                inc.close(now(), 0, "endpoint closing".getBytes(StandardCharsets.UTF_8));
            }
            Connection c = new Connection(this, inc, null);
            connections.put(inc, c);
            markDirty(c);
        }
        if (qc != null) {
            Connection c = connections.get(qc);
            if (c != null) {
                c.paths.onReceived(from, len);
                if (RelayAddresses.isRelayAddress(from)) {
                    relayBytesReceived += len;
                } else {
                    directBytesReceived += len;
                }
                markDirty(c);
            }
        }
        for (QuicConnection r : quic.pollRescheduled()) {
            Connection c = connections.get(r);
            if (c != null) {
                markDirty(c); // its handshake deadline moved earlier: the round re-reads it
            }
        }
    }

    private static boolean isDiscoMagic(ByteBuf b, int off) {
        for (int i = 0; i < DiscoPacket.MAGIC_LENGTH; i++) {
            if (b.getByte(off + i) != DiscoPacket.MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    // ================================================================================================
    // Processing (loop)

    void markDirty(Connection c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    /** Marks {@code c} for the next round and makes sure a round is queued (after application operations). */
    void touch(Connection c) {
        markDirty(c);
        if (!processQueued) {
            processQueued = true;
            loop.execute(processTask);
        }
    }

    void process() {
        // events first: handlers may queue more work on the same connections, which the flush below sends
        for (int i = 0; i < dirty.size(); i++) {
            Connection c = dirty.get(i);
            c.dirty = false;
            try {
                c.drainEvents();
            } catch (RuntimeException e) {
                dropBroken(c, e);
            }
        }
        for (int i = 0; i < dirty.size(); i++) {
            Connection c = dirty.get(i);
            c.dirty = false; // event handlers above may have re-marked it; the list is cleared below
            try {
                sendAndRearm(c);
            } catch (RuntimeException e) {
                dropBroken(c, e);
            }
        }
        dirty.clear();
        sendEndpointTransmits();
        transport.flush();
        if (relay != null) {
            relay.flush();
        }
        rearmTimer();
    }

    private void sendAndRearm(Connection c) {
        c.pathManager.poll(now());
        if (!writeBlocked) {
            sendFrom(c);
        }
        if (c.quic.isDrained()) {
            connections.remove(c.quic);
            c.onDrained();
            c.deadline = Long.MAX_VALUE; // its heap entries go stale
        } else {
            // deadlines change only through input, output or application calls, all of which mark dirty
            long d = Math.min(c.quic.pollTimeout(), c.pathManager.wakeAt());
            if (d != c.deadline) {
                c.deadline = d;
                if (d != Long.MAX_VALUE) {
                    deadlines.add(new Deadline(d, c));
                }
            }
        }
    }

    /**
     * A bug met in one connection's work: that connection ends (its waiters fail with an internal error, the
     * peer hears nothing more and times out); the endpoint and every other connection carry on.
     */
    private void dropBroken(Connection c, RuntimeException e) {
        LOG.warn("{} broke the endpoint's processing; dropping it", c, e);
        connections.remove(c.quic);
        c.deadline = Long.MAX_VALUE;
        try {
            c.quic.forget(new CloseReason(CloseReason.Source.LOCAL, false, TransportError.INTERNAL_ERROR, 0,
                    "internal error: " + e));
        } catch (RuntimeException again) {
            LOG.debug("{} could not be dropped cleanly", c, again);
        }
        c.onDrained();
    }

    private void sendFrom(Connection c) {
        QuicConnection qc = c.quic;
        long now = now();
        int segments = transport.maxSegments();
        while (true) {
            if (!transport.writable()) {
                writeBlocked = true; // every connection is re-processed when the transport drains
                return;
            }
            ByteBuf buf = transport.buffer(segments * MAX_SEGMENT);
            ByteBuffer out = buf.internalNioBuffer(0, buf.capacity());
            Transmit t;
            try {
                t = qc.pollTransmit(now, out, segments);
            } catch (RuntimeException e) {
                buf.release();
                throw e;
            }
            if (t == null) {
                buf.release();
                return;
            }
            buf.writerIndex(t.size());
            c.paths.onSent(t.destination(), t.size(), t.count());
            if (udpBlackhole != null && !RelayAddresses.isRelayAddress(t.destination())
                    && udpBlackhole.test(t.destination())) {
                buf.release(); // a test cut this direct route: the datagram is lost on the way
                continue;
            }
            if (RelayAddresses.isRelayAddress(t.destination())) {
                relayBytesSent += t.size();
            } else {
                directBytesSent += t.size();
            }
            transportFor(t.destination()).send(t.destination(), buf, t.segmentSize(), t.count());
        }
    }

    private void sendEndpointTransmits() {
        ByteBuf buf = null;
        while (true) {
            if (buf == null) {
                buf = transport.buffer(MAX_SEGMENT * 2);
            }
            Transmit t = quic.pollTransmit(buf.internalNioBuffer(0, buf.capacity()));
            if (t == null) {
                buf.release();
                return;
            }
            buf.writerIndex(t.size());
            transportFor(t.destination()).send(t.destination(), buf, t.segmentSize(), t.count());
            buf = null;
        }
    }

    /** Sends a datagram outside QUIC (disco); flushed with the next round. */
    void sendRaw(InetSocketAddress to, byte[] data) {
        DatagramTransport t = transportFor(to);
        ByteBuf buf = t.buffer(data.length);
        buf.writeBytes(data);
        t.sendDatagram(to, buf);
    }

    private void rearmTimer() {
        Deadline top;
        while ((top = deadlines.peek()) != null && top.at != top.conn.deadline) {
            deadlines.poll(); // stale: the connection's deadline moved or it is gone
        }
        if (deadlines.size() > 4 * connections.size() + 64) {
            rebuildDeadlines();
            top = deadlines.peek();
        }
        if (top == null || top.at >= timerAt) {
            return; // the armed timer fires first (or nothing is due); a spurious wake-up only re-arms
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = top.at;
        timer = loop.schedule(timerTask, Math.max(0, top.at - now()), TimeUnit.NANOSECONDS); // guarded itself
    }

    private void rebuildDeadlines() {
        deadlines.clear();
        for (Connection c : connections.values()) {
            if (c.deadline != Long.MAX_VALUE) {
                deadlines.add(new Deadline(c.deadline, c));
            }
        }
    }

    private void onTimer() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        long now = now();
        Deadline top;
        while ((top = deadlines.peek()) != null && top.at <= now) {
            deadlines.poll();
            Connection c = top.conn;
            if (top.at != c.deadline) {
                continue; // stale
            }
            c.deadline = Long.MAX_VALUE; // re-read after the round
            try {
                if (c.quic.pollTimeout() <= now) {
                    c.quic.handleTimeout(now);
                }
                markDirty(c);
            } catch (RuntimeException e) {
                dropBroken(c, e);
            }
        }
        process();
    }

    // ================================================================================================
    // Connections (loop)

    void connect(EndpointAddr addr, List<String> alpns, long timeoutNanos, CompletableFuture<Connection> result) {
        if (closing) {
            result.completeExceptionally(closedException());
            return;
        }
        dialer.dial(addr, alpns, timeoutNanos, result);
    }

    /**
     * Starts one handshake of a dial: a client connection to {@code remote}, its Initial and (for iroh 0.35) a
     * disco Ping go out with the next flush. {@code established} completes when the handshake does.
     */
    Connection startAttempt(EndpointAddr dialedAddr, List<byte[]> alpns, InetSocketAddress remote,
                            CompletableFuture<Connection> established) {
        EndpointId peer = dialedAddr.id();
        TlsClientConfig tls = new TlsClientConfig(secretKey, peer, alpns);
        QuicConnection qc = quic.connect(now(), remote, tp -> new TlsClientSession(tls, tp), transportConfig);
        Connection c = new Connection(this, qc, established);
        connections.put(qc, c);
        c.pathManager.dialed(dialedAddr);
        // iroh 0.35 drops QUIC from addresses it has no mapping for; a disco Ping creates one. It goes out first,
        // in the same flush as the Initial, which is not held back (iroh 1.x ignores disco).
        if (relay == null || relay.pathOf(remote) == null) {
            disco.pingForDial(peer, remote, c); // iroh 0.35 relays speak another protocol: direct paths only
        }
        touch(c);
        return c;
    }

    /**
     * A QUIC address discovery connection to an X.509 server, from our own socket so that the address it reports
     * is our data socket's NAT mapping (see {@link AddressDiscovery}); no disco, no peer id.
     */
    Connection startAddressDiscovery(InetSocketAddress remote, TlsClientConfig tls, TransportConfig tc,
                                     CompletableFuture<Connection> established) {
        QuicConnection qc = quic.connect(now(), remote, tp -> new TlsClientSession(tls, tp), tc);
        Connection c = new Connection(this, qc, established);
        connections.put(qc, c);
        touch(c);
        return c;
    }

    /** A dial attempt ended: disco forgets its pending Pings. */
    void attemptEnded(Connection c) {
        disco.forgetDial(c);
    }

    Dialer dialer() {
        return dialer;
    }

    /** A connection finished its handshake as a server: hand it to an acceptor or queue it. */
    void onIncomingEstablished(Connection c) {
        if (!endpoint.allows(c.remoteId())) {
            String why = PeerNotAllowedException.REASON;
            c.closeOnLoop(PeerNotAllowedException.CLOSE_CODE, why);
            onIncomingFailed(c.quic.remoteAddress(), new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, false,
                    PeerNotAllowedException.CLOSE_CODE, why + ": " + c.remoteId()));
            return;
        }
        CompletableFuture<Connection> f;
        while ((f = acceptors.poll()) != null) {
            if (f.complete(c)) {
                return;
            }
        }
        if (acceptQueue.size() >= ACCEPT_QUEUE) {
            c.closeOnLoop(0, "accept queue full");
            return;
        }
        acceptQueue.add(c);
    }

    /** An incoming handshake failed (refused ALPN, bad client, timeout): kept for diagnostics, the last 16. */
    void onIncomingFailed(InetSocketAddress from, ConnectionClose why) {
        incomingFailures++;
        if (recentIncomingFailures.size() >= 16) {
            recentIncomingFailures.poll();
        }
        recentIncomingFailures.add(new Endpoint.HandshakeFailure(from, why));
    }

    List<Endpoint.HandshakeFailure> recentIncomingFailures() {
        return new ArrayList<>(recentIncomingFailures);
    }

    void accept(CompletableFuture<Connection> f) {
        if (closing) {
            f.completeExceptionally(closedException());
            return;
        }
        Connection c;
        while ((c = acceptQueue.poll()) != null) {
            if (c.closeInfo() == null) {
                f.complete(c);
                return;
            }
        }
        acceptors.add(f);
    }

    void cancelAccept(CompletableFuture<Connection> f) {
        acceptors.remove(f);
    }

    QuicConnection connectionOf(Connection c) {
        return c.quic;
    }

    Connection connectionFor(QuicConnection qc) {
        return connections.get(qc);
    }

    /** Open connections by the type of the path they send on, and bytes by path type since start. Loop only. */
    PathTotals pathTotals() {
        int direct = 0;
        int relay = 0;
        for (QuicConnection qc : connections.keySet()) {
            if (RelayAddresses.isRelayAddress(PathManager.selectedRemote(qc))) {
                relay++;
            } else {
                direct++;
            }
        }
        return new PathTotals(direct, relay, directBytesSent, directBytesReceived, relayBytesSent, relayBytesReceived);
    }

    Map<QuicConnection, Connection> connectionsView() {
        return connections;
    }

    // ================================================================================================
    // Shutdown

    /** Closes every connection, lets the CONNECTION_CLOSEs go out, then closes the socket and the loop. */
    CompletableFuture<Void> shutdown(long graceNanos) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!submit(() -> beginShutdown(done, graceNanos))) {
            done.complete(null);
        }
        return done;
    }

    private void beginShutdown(CompletableFuture<Void> done, long graceNanos) {
        if (closing) {
            terminated.whenComplete((v, e) -> done.complete(null));
            return;
        }
        closing = true;
        long now = now();
        byte[] why = "endpoint closing".getBytes(StandardCharsets.UTF_8);
        for (Connection c : new ArrayList<>(connections.values())) {
            c.quic.close(now, 0, why);
            c.onEndpointClosed();
            markDirty(c);
        }
        failWaiters();
        process();
        // the CONNECTION_CLOSE datagrams are written; wait until the socket took them (bounded), then close
        long deadline = now + graceNanos;
        waitForFlush(done, deadline);
    }

    private void waitForFlush(CompletableFuture<Void> done, long deadline) {
        if (transport.hasPendingWrites() && now() < deadline) {
            schedule(() -> waitForFlush(done, deadline), TimeUnit.MILLISECONDS.toNanos(1));
            return;
        }
        for (Connection c : new ArrayList<>(connections.values())) {
            c.onEndpointClosed();
        }
        connections.clear();
        deadlines.clear();
        if (timer != null) {
            timer.cancel(false);
        }
        if (relay != null) {
            relay.close();
        }
        transport.close().whenComplete((v, e) -> {
            done.complete(null);
            terminated.complete(null);
        });
    }

    /**
     * Fails the endpoint for good (see the class comment): logs the cause once, tells the peers as {@code close()}
     * does if memory allows, fails every connection, dial and acceptor with {@code endpoint failed: <cause>}, frees
     * the connections, closes the socket and the loop. Loop only.
     */
    void fail(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = cause;
        closing = true;
        try {
            LOG.error("endpoint {} failed on its event loop and is closed", localId().fmtShort(), cause);
        } catch (Throwable ignored) {
            // nothing left to log with
        }
        try {
            long now = now();
            byte[] why = "endpoint failed".getBytes(StandardCharsets.UTF_8);
            for (Connection c : connections.values()) {
                c.quic.close(now, 0, why);
            }
            for (Connection c : connections.values()) {
                sendFrom(c);
            }
            transport.flush();
            if (relay != null) {
                relay.flush();
                relay.close();
            }
        } catch (Throwable ignored) {
            // best effort: the peers time out instead
        }
        for (Connection c : new ArrayList<>(connections.values())) {
            try {
                c.onEndpointClosed();
            } catch (Throwable ignored) {
                // the others must still hear of it
            }
        }
        failWaiters();
        connections.clear();
        dirty.clear();
        deadlines.clear();
        if (timer != null) {
            timer.cancel(false);
        }
        transport.close();
        terminated.completeExceptionally(cause);
    }

    /** Fails every acceptor and dial still waiting, and closes queued connections (shutdown and failure). */
    private void failWaiters() {
        CompletableFuture<Connection> f;
        while ((f = acceptors.poll()) != null) {
            f.completeExceptionally(closedException());
        }
        for (Connection c : acceptQueue) {
            if (failure == null) {
                c.closeOnLoop(0, "endpoint closing");
            }
        }
        acceptQueue.clear();
        dialer.abortAll();
    }

    boolean isClosing() {
        return closing;
    }

    /** Counters for diagnostics and benchmarks (read on any thread; approximate). */
    String ioStats() {
        return transport.stats() + (relay == null ? "" : " " + relay.stats()) + " incomingHandshakeFailures=" + incomingFailures + " " + quic.halfOpenStats() + " disco=" + disco.stats();
    }

    HalfOpenStats halfOpenStats() {
        return quic.halfOpenStats();
    }

    DiscoStats discoStats() {
        return disco.counters();
    }

    EndpointId localId() {
        return secretKey.publicKey();
    }
}
