package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.disco.DiscoPacket;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.HalfOpenStats;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import com.kafkaconnectiroh.p2p.quic.QuicEndpoint;
import com.kafkaconnectiroh.p2p.quic.Transmit;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientSession;
import com.kafkaconnectiroh.p2p.tls.TlsServerConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerSession;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
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
 * The I/O half of an {@link Endpoint}: one Netty event-loop thread owns the UDP socket, the sans-IO
 * {@link QuicEndpoint}, every {@link QuicConnection} and the loop-side state of every {@link Connection} and
 * stream. Nothing here is locked: application threads hand work over with {@link #submit}, and results come back
 * through futures completed on the loop.
 *
 * <p>One processing round ({@link #process}): drain the events of every connection touched since the last round
 * (wake blocked readers, writers, acceptors), poll their datagrams into pooled direct buffers (one UDP GSO
 * write per batch where the kernel supports it), flush the channel once, and re-arm the single timer at the
 * earliest connection deadline. A round runs after each batch of received datagrams (read-complete), after
 * timer expiry, and after application operations (coalesced into one queued round).
 */
final class Driver extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(Driver.class);
    private static final int SOCKET_BUFFER = 8 << 20;
    private static final int RECV_SLOT = 2048;
    private static final int MAX_GSO_SEGMENTS = 40;
    private static final int SPLIT_BATCH = 8;
    private static final int MAX_SEGMENT = 1500;
    private static final int ACCEPT_QUEUE = 256;
    /** Between starting handshakes to successive candidate addresses of one dial (happy-eyeballs style). */
    private static final long DIAL_STAGGER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final byte[] NO_ALPN = "\u0000kci/serving-nothing".getBytes(StandardCharsets.UTF_8);

    /** How a driver talks to the kernel: which Netty transport, and whether batched send/receive is used. */
    record IoMode(boolean epoll, boolean gso, boolean gro) {
        @Override
        public String toString() {
            return (epoll ? "epoll" : "nio") + (gso ? "+gso" : "") + (gro ? "+gro" : "");
        }
    }

    final Endpoint endpoint;
    private final SecretKey secretKey;
    private final TransportConfig transportConfig;
    private final MultiThreadIoEventLoopGroup group;
    private final Channel channel;
    final EventLoop loop;
    final IoMode mode;
    private final QuicEndpoint quic;
    private final Disco disco;
    private volatile TlsServerConfig serverTls;

    // ---- loop-confined state ----
    private final Map<QuicConnection, Connection> connections = new HashMap<>();
    private final ArrayList<Connection> dirty = new ArrayList<>();
    private final ArrayDeque<CompletableFuture<Connection>> acceptors = new ArrayDeque<>();
    private final ArrayDeque<Connection> acceptQueue = new ArrayDeque<>();
    private boolean processQueued;
    private final Runnable processTask = () -> {
        processQueued = false;
        process();
    };
    /** Connection deadlines (earliest first) with lazy deletion: an entry is live while it equals its connection's. */
    private record Deadline(long at, Connection conn) {
    }

    private final java.util.PriorityQueue<Deadline> deadlines = new java.util.PriorityQueue<>(
            (a, b) -> Long.compare(a.at, b.at));
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private final Runnable timerTask = this::onTimer;
    private boolean closing;
    private boolean writeBlocked;
    private boolean gsoActive;
    private ChannelHandlerContext ctx;
    private long datagramsIn;
    private long datagramsOut;
    private long sendCalls;
    private long incomingFailures;
    private final ArrayDeque<Endpoint.HandshakeFailure> recentIncomingFailures = new ArrayDeque<>();

    Driver(Endpoint endpoint, SecretKey secretKey, TransportConfig transportConfig, EndpointConfig endpointConfig,
           List<String> alpns, InetSocketAddress bind, Endpoint.Transport transport) throws IOException {
        this.endpoint = endpoint;
        this.secretKey = secretKey;
        this.transportConfig = transportConfig.copy();
        setAlpns(alpns);
        boolean epoll = switch (transport) {
            case AUTO, EPOLL_NO_GSO -> Epoll.isAvailable();
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IOException("epoll transport requested but unavailable: " + Epoll.unavailabilityCause());
                }
                yield true;
            }
            case NIO -> false;
        };
        boolean gso = epoll && transport != Endpoint.Transport.EPOLL_NO_GSO
                && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        boolean gro = gso;
        this.mode = new IoMode(epoll, gso, gro);
        this.gsoActive = gso;
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        String name = "iroh-endpoint-" + secretKey.publicKey().fmtShort();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), io);
        this.loop = group.next();
        this.quic = new QuicEndpoint(endpointConfig, this.transportConfig, tp -> new TlsServerSession(serverTls, tp),
                new SecureRandom());
        this.disco = new Disco(this, secretKey);

        Bootstrap b = new Bootstrap().group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .handler(this);
        if (gro) {
            // GRO works only on Netty's one-datagram-per-recvmsg path: a 64 KiB buffer per read and a max
            // payload as large, so a coalesced super-datagram comes back split into its segments.
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65535).maxMessagesPerRead(64))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 65535)
                    .option(EpollChannelOption.UDP_GRO, true);
        } else if (epoll) {
            // recvmmsg with 16 slots per read (never combined with GRO: the segment size would be lost)
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECV_SLOT * 16).maxMessagesPerRead(16))
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, RECV_SLOT);
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECV_SLOT).maxMessagesPerRead(64));
        }
        try {
            this.channel = b.bind(bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("interrupted while binding " + bind, e);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("could not bind UDP socket to " + bind + ": " + e.getMessage(), e);
        }
        LOG.debug("{} bound {} ({})", name, channel.localAddress(), mode);
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
        return (InetSocketAddress) channel.localAddress();
    }

    boolean inLoop() {
        return loop.inEventLoop();
    }

    /** Runs {@code task} on the loop; false if the endpoint is shut down. */
    boolean submit(Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    long now() {
        return System.nanoTime();
    }

    // ================================================================================================
    // Netty callbacks (loop)

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket p = (DatagramPacket) msg;
        try {
            ByteBuf content = p.content();
            if (msg instanceof io.netty.channel.unix.SegmentedDatagramPacket s && s.segmentSize() > 0
                    && content.readableBytes() > s.segmentSize()) {
                int seg = s.segmentSize();
                for (int off = content.readerIndex(); off < content.writerIndex(); off += seg) {
                    onDatagram(p.sender(), content, off, Math.min(seg, content.writerIndex() - off));
                }
            } else {
                onDatagram(p.sender(), content, content.readerIndex(), content.readableBytes());
            }
        } catch (RuntimeException e) {
            LOG.warn("dropping a datagram from {} that broke processing", p.sender(), e);
        } finally {
            p.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        process();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable() && writeBlocked) {
            writeBlocked = false;
            for (Connection c : connections.values()) {
                markDirty(c);
            }
            process();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP errors surface as PortUnreachableException on connected sockets only; ours is unconnected.
        LOG.debug("socket error", cause);
    }

    private void onDatagram(InetSocketAddress from, ByteBuf content, int off, int len) {
        datagramsIn++;
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
            c.drainEvents();
        }
        for (int i = 0; i < dirty.size(); i++) {
            Connection c = dirty.get(i);
            c.dirty = false; // event handlers above may have re-marked it; the list is cleared below
            if (!writeBlocked) {
                sendFrom(c.quic);
            }
            if (c.quic.isDrained()) {
                connections.remove(c.quic);
                c.onDrained();
                c.deadline = Long.MAX_VALUE; // its heap entries go stale
            } else {
                // deadlines change only through input, output or application calls, all of which mark dirty
                long d = c.quic.pollTimeout();
                if (d != c.deadline) {
                    c.deadline = d;
                    if (d != Long.MAX_VALUE) {
                        deadlines.add(new Deadline(d, c));
                    }
                }
            }
        }
        dirty.clear();
        sendEndpointTransmits();
        ctx.flush();
        rearmTimer();
    }

    private void sendFrom(QuicConnection qc) {
        long now = now();
        ByteBufAllocator alloc = ctx.alloc();
        int segments = gsoActive ? MAX_GSO_SEGMENTS : SPLIT_BATCH;
        while (true) {
            if (!channel.isWritable()) {
                ctx.flush();
                if (!channel.isWritable()) {
                    writeBlocked = true; // every connection is re-processed when the channel drains
                    return;
                }
            }
            ByteBuf buf = alloc.directBuffer(segments * MAX_SEGMENT);
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
            write(buf, t);
        }
    }

    private void write(ByteBuf buf, Transmit t) {
        sendCalls++;
        datagramsOut += t.count();
        if (t.count() == 1) {
            ctx.write(new DatagramPacket(buf, t.destination()), ctx.voidPromise());
        } else if (gsoActive) {
            ctx.write(new SegmentedDatagramPacket(buf, t.segmentSize(), t.destination())).addListener(f -> {
                if (!f.isSuccess() && gsoActive) {
                    // some routes/devices refuse UDP_SEGMENT (EIO); QUIC recovers the lost batch
                    gsoActive = false;
                    LOG.warn("UDP GSO send failed ({}); sending one datagram per write from now on",
                            f.cause() == null ? "?" : f.cause().getMessage());
                }
            });
        } else {
            for (int off = 0; off < t.size(); off += t.segmentSize()) {
                int len = Math.min(t.segmentSize(), t.size() - off);
                ctx.write(new DatagramPacket(buf.retainedSlice(off, len), t.destination()), ctx.voidPromise());
            }
            buf.release();
        }
    }

    private void sendEndpointTransmits() {
        ByteBuf buf = null;
        while (true) {
            if (buf == null) {
                buf = ctx.alloc().directBuffer(MAX_SEGMENT * 2);
            }
            Transmit t = quic.pollTransmit(buf.internalNioBuffer(0, buf.capacity()));
            if (t == null) {
                buf.release();
                return;
            }
            buf.writerIndex(t.size());
            write(buf, t);
            buf = null;
        }
    }

    /** Sends a datagram outside QUIC (disco); flushed with the next round. */
    void sendRaw(InetSocketAddress to, byte[] data) {
        ByteBuf buf = ctx.alloc().directBuffer(data.length);
        buf.writeBytes(data);
        datagramsOut++;
        ctx.write(new DatagramPacket(buf, to), ctx.voidPromise());
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
        timer = loop.schedule(timerTask, Math.max(0, top.at - now()), TimeUnit.NANOSECONDS);
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
            if (c.quic.pollTimeout() <= now) {
                c.quic.handleTimeout(now);
            }
            markDirty(c);
        }
        process();
    }

    // ================================================================================================
    // Connections (loop)

    void connect(EndpointAddr addr, List<String> alpns, long timeoutNanos, CompletableFuture<Connection> result) {
        if (closing) {
            result.completeExceptionally(new EndpointClosedException("endpoint closed"));
            return;
        }
        List<InetSocketAddress> candidates = dialOrder(addr);
        if (candidates.isEmpty()) {
            // no direct address given: where we last heard from this peer (a connection, or its disco Pings)
            InetSocketAddress known = knownAddress(addr.id());
            if (known != null) {
                candidates = List.of(known);
            }
        }
        if (candidates.isEmpty()) {
            result.completeExceptionally(new IOException("no usable direct address for " + addr.id()
                    + " (have " + addr.ipAddrs() + "; socket " + localAddress() + "; relays are not supported)"));
            return;
        }
        new Dial(addr, alpns, candidates, result).start(timeoutNanos);
    }

    /**
     * One {@code connect}: a QUIC handshake per candidate address, started one after another (a new one every
     * {@link #DIAL_STAGGER_NANOS} while no earlier attempt has heard from the peer, or at once when one fails).
     * The first handshake to complete wins and the others are closed. Fails with the most telling error (a peer's
     * refusal over a timeout) once every attempt failed, or with CONNECT_TIMEOUT when the time is up.
     */
    private final class Dial {
        private final EndpointAddr addr;
        /** Offered in this order of preference; the server picks one (ours: the first it serves). */
        private final List<byte[]> alpns;
        private final List<InetSocketAddress> candidates;
        private final CompletableFuture<Connection> result;
        private final List<Connection> attempts = new ArrayList<>();
        private int next;
        private int failed;
        private ConnectionLostException bestFailure;
        private ScheduledFuture<?> deadline;
        private boolean done;
        private long timeoutNanos;

        Dial(EndpointAddr addr, List<String> alpns, List<InetSocketAddress> candidates, CompletableFuture<Connection> result) {
            this.addr = addr;
            List<byte[]> offered = new ArrayList<>(alpns.size());
            for (String a : alpns) {
                offered.add(a.getBytes(StandardCharsets.UTF_8));
            }
            this.alpns = offered;
            this.candidates = candidates;
            this.result = result;
        }

        void start(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
            deadline = loop.schedule(this::giveUp, timeoutNanos, TimeUnit.NANOSECONDS);
            launchNext();
        }

        private void launchNext() {
            if (done || next >= candidates.size() || closing) {
                return;
            }
            InetSocketAddress remote = candidates.get(next++);
            TlsClientConfig tls = new TlsClientConfig(secretKey, addr.id(), alpns);
            CompletableFuture<Connection> attempt = new CompletableFuture<>();
            QuicConnection qc = quic.connect(now(), remote, tp -> new TlsClientSession(tls, tp), transportConfig);
            Connection c = new Connection(Driver.this, qc, attempt);
            connections.put(qc, c);
            attempts.add(c);
            // iroh 0.35 drops QUIC from addresses it has no mapping for; a disco Ping creates one. It goes out
            // first, in the same flush as the Initial, which is not held back (iroh 1.x ignores disco).
            disco.pingForDial(addr.id(), remote, c);
            attempt.whenComplete((conn, err) -> onAttemptDone(c, err));
            touch(c);
            if (next < candidates.size()) {
                loop.schedule(this::stagger, DIAL_STAGGER_NANOS, TimeUnit.NANOSECONDS);
            }
        }

        private void stagger() {
            for (Connection c : attempts) {
                if (c.closeInfo() == null && c.quic.stats().packetsReceived() > 0) {
                    return; // a handshake is under way; the next address is tried only if it fails
                }
            }
            launchNext();
        }

        private void onAttemptDone(Connection c, Throwable err) {
            if (done) {
                if (err == null) {
                    c.closeOnLoop(0, "superseded by another path");
                }
                return;
            }
            if (err == null) {
                done = true;
                deadline.cancel(false);
                for (Connection other : attempts) {
                    if (other != c && other.closeInfo() == null) {
                        other.closeOnLoop(0, "superseded by another path");
                    }
                }
                result.complete(c);
                return;
            }
            failed++;
            Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                    ? err.getCause() : err;
            if (cause instanceof ConnectionLostException lost && (bestFailure == null
                    || bestFailure.close().kind() == ConnectionClose.Kind.CONNECT_TIMEOUT)) {
                bestFailure = lost;
            }
            if (failed == attempts.size() && next >= candidates.size()) {
                done = true;
                deadline.cancel(false);
                result.completeExceptionally(bestFailure != null ? bestFailure : Waits.rethrow(cause));
            } else {
                launchNext();
            }
        }

        private void giveUp() {
            if (done) {
                return;
            }
            done = true;
            String msg = "no handshake with " + addr.id().fmtShort() + " at " + candidates.subList(0, next)
                    + " within " + timeoutNanos / 1_000_000 + " ms";
            for (Connection c : attempts) {
                c.abortConnect(msg);
            }
            ConnectionClose why = new ConnectionClose(ConnectionClose.Kind.CONNECT_TIMEOUT, false, 0, msg);
            result.completeExceptionally(bestFailure != null && bestFailure.close().kind() != ConnectionClose.Kind.CONNECT_TIMEOUT
                    ? bestFailure : new ConnectionLostException("could not connect to " + addr.id() + ": " + why, why));
        }
    }

    private InetSocketAddress knownAddress(EndpointId id) {
        for (Connection c : connections.values()) {
            if (id.equals(c.remoteId()) && c.closeInfo() == null) {
                return c.quic.remoteAddress();
            }
        }
        return disco.discoAddress(id);
    }

    /** Direct addresses we can reach from our socket, the likeliest first. */
    private List<InetSocketAddress> dialOrder(EndpointAddr addr) {
        InetAddress local = localAddress().getAddress();
        boolean v6Socket = local instanceof java.net.Inet6Address;
        boolean loopbackOnly = local.isLoopbackAddress();
        List<InetSocketAddress> remote = new ArrayList<>();
        List<InetSocketAddress> loopback = new ArrayList<>();
        for (InetSocketAddress a : addr.ipAddrs()) {
            InetAddress ip = a.getAddress();
            if (ip == null || a.getPort() == 0 || ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
                continue;
            }
            if (!v6Socket && ip instanceof java.net.Inet6Address) {
                continue;
            }
            if (v6Socket && !(ip instanceof java.net.Inet6Address) && !local.isAnyLocalAddress()) {
                continue;
            }
            if (ip.isLoopbackAddress()) {
                loopback.add(a);
            } else if (!loopbackOnly) {
                remote.add(a);
            }
        }
        // Another host's loopback address would reach our own machine; this host's LAN address reaches us too.
        remote.addAll(loopback);
        return remote;
    }

    /** A connection finished its handshake as a server: hand it to an acceptor or queue it. */
    void onIncomingEstablished(Connection c) {
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
            f.completeExceptionally(new EndpointClosedException("endpoint closed"));
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
            channel.closeFuture().addListener(f -> done.complete(null));
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
        CompletableFuture<Connection> f;
        while ((f = acceptors.poll()) != null) {
            f.completeExceptionally(new EndpointClosedException("endpoint closed"));
        }
        for (Connection c : acceptQueue) {
            c.closeOnLoop(0, "endpoint closing");
        }
        acceptQueue.clear();
        process();
        // the CONNECTION_CLOSE datagrams are written; wait until the socket took them (bounded), then close
        long deadline = now + graceNanos;
        waitForFlush(done, deadline);
    }

    private void waitForFlush(CompletableFuture<Void> done, long deadline) {
        boolean pending = channel.unsafe().outboundBuffer() != null && !channel.unsafe().outboundBuffer().isEmpty();
        if (pending && now() < deadline) {
            loop.schedule(() -> waitForFlush(done, deadline), 1, TimeUnit.MILLISECONDS);
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
        channel.close().addListener(x -> {
            group.shutdownGracefully(0, 500, TimeUnit.MILLISECONDS);
            done.complete(null);
        });
    }

    boolean isClosing() {
        return closing;
    }

    /** Counters for diagnostics and benchmarks (read on any thread; approximate). */
    String ioStats() {
        return mode + (mode.gso && !gsoActive ? "(gso off after a failure)" : "") + " datagramsIn=" + datagramsIn + " datagramsOut=" + datagramsOut + " sendCalls=" + sendCalls
                + " incomingHandshakeFailures=" + incomingFailures + " " + quic.halfOpenStats() + " disco=" + disco.stats();
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
