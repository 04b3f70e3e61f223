package com.kafkaconnectiroh.p2p.relay.server;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.TokenBucket;
import com.kafkaconnectiroh.p2p.relay.PeerKey;
import com.kafkaconnectiroh.p2p.relay.RelayException;
import com.kafkaconnectiroh.p2p.relay.RelayServerConnection;
import com.kafkaconnectiroh.p2p.relay.RelayVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted TCP (or TLS) connection of a {@link RelayServer}: drives a {@link RelayServerConnection} on the
 * channel's event loop, forwards the client's datagrams to the destination's session, and owns the client's
 * outbound queue.
 *
 * <p>The queue takes whole WebSocket frames from any thread (other clients' loops) without locks: a bounded MPSC
 * queue of {@code queueFrames} frames and at most {@code queueBytes} bytes; what does not fit is dropped (a lossy
 * link, as iroh's relay drops when its 512-frame channel is full). One drain task at a time moves frames to the
 * socket while it is writable; a client that takes nothing for {@code writeTimeout} while frames wait is dropped
 * as a stalled reader, so a slow reader costs at most its queue plus the socket's write buffer. A receive rate limit
 * (when set) stops reading from a client that went over its token bucket until the bucket refills.
 */
final class ServerSession extends ChannelInboundHandlerAdapter
        implements RelayServerConnection.Listener, RelayServerConnection.Output {
    private static final Logger LOG = LoggerFactory.getLogger(ServerSession.class);
    /** Peers a client sent to that hear EndpointGone when it leaves, at most (iroh keeps them all). */
    private static final int MAX_SENT_TO = 4096;

    private final RelayServer server;
    private final RelayServerConfig config;
    private final RelayServerMetrics metrics;
    private final Queue<ByteBuf> queue;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;
    private ChannelHandlerContext ctx;
    private RelayServerConnection core;
    private volatile PeerKey key;
    private volatile RelayVersion version;
    private EndpointId id;
    private boolean registered;
    private final Set<PeerKey> sentTo = new HashSet<>();
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    /** Set on the loop; read by other loops offering frames (a late frame is released by {@link #drain}). */
    private volatile boolean closing;
    private long unwritableSince;
    private ScheduledFuture<?> stallCheck;
    // receive rate limit (loop-confined)
    private TokenBucket received; // null: no rate limit
    private boolean overRate;

    ServerSession(RelayServer server) {
        this.server = server;
        this.config = server.config();
        this.metrics = server.metrics();
        this.queue = PlatformDependent.newFixedMpscQueue(config.queueFrames());
    }

    PeerKey key() {
        return key;
    }

    RelayVersion version() {
        return version;
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    // ================================================================================================
    // Netty callbacks (the channel's loop)

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long now = System.nanoTime();
        if (config.rateBytesPerSecond() > 0) {
            received = new TokenBucket(config.burstBytes(), config.rateBytesPerSecond(), now);
        }
        core = new RelayServerConnection(ctx.alloc(), new SplittableRandom(server.seed()), config.timings(),
                config.serverName(), this, this, now);
        armTimer(core.nextTimeout());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (closing) {
                return;
            }
            int n = in.readableBytes();
            core.onBytes(in, System.nanoTime());
            if (received != null) {
                spend(n);
            }
        } catch (RelayException e) {
            fail(e.getMessage(), metrics.disconnectsProtocol);
        } finally {
            in.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!closing) {
            armTimer(core.nextTimeout());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateAutoRead();
        if (ctx.channel().isWritable()) {
            unwritableSince = 0;
            if (stallCheck != null) {
                stallCheck.cancel(false);
                stallCheck = null;
            }
            drain();
        } else if (unwritableSince == 0) {
            unwritableSince = System.nanoTime();
            stallCheck = ctx.executor().schedule(this::checkStall, config.writeTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (stallCheck != null) {
            stallCheck.cancel(false);
        }
        if (core != null) {
            core.releaseBuffers();
        }
        if (registered) {
            registered = false;
            if (server.registry().unregister(this)) {
                for (PeerKey peer : sentTo) {
                    ServerSession s = server.registry().active(peer);
                    if (s != null) {
                        s.offerControl(RelayServerConnection.encodeEndpointGone(ctx.alloc(), key));
                        metrics.endpointGoneSent.increment();
                    }
                }
            }
        }
        releaseQueued();
        server.onConnectionClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("relay connection {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }

    // ================================================================================================
    // RelayServerConnection.Listener and Output

    @Override
    public String authorize(EndpointId who, RelayVersion v) {
        if (config.allowed() != null && !config.allowed().contains(who)) {
            metrics.clientsDenied.increment();
            return "not authorized";
        }
        return null;
    }

    @Override
    public void onAuthenticated(EndpointId who, PeerKey k, RelayVersion v) {
        this.id = who;
        this.key = k;
        this.version = v;
        metrics.clientsAuthenticated.increment();
        registered = true;
        server.registry().register(this);
        LOG.debug("relay client {} connected from {} ({})", who.fmtShort(), ctx.channel().remoteAddress(), v.subprotocol());
    }

    @Override
    public void onDatagrams(PeerKey destination, int ecn, int segmentSize, ByteBuf buf, int index, int length) {
        metrics.datagramFramesReceived.increment();
        metrics.datagramBytesReceived.add(length);
        ServerSession to = server.registry().active(destination);
        if (to == null) {
            metrics.droppedUnknownDestination.increment();
            return;
        }
        if (!to.hasRoom(length)) {
            // full: drop before encoding, so a flood towards a slow reader costs no allocation per datagram
            metrics.droppedQueueFull.increment();
            return;
        }
        ByteBuf frame = RelayServerConnection.encodeDatagrams(ctx.alloc(), key, ecn, segmentSize, buf, index, length);
        if (to.offer(frame, length)) {
            if (sentTo.size() < MAX_SENT_TO) {
                sentTo.add(destination);
            }
        } else {
            metrics.droppedQueueFull.increment();
        }
    }

    @Override
    public void onUpgrade(RelayVersion v) {
        metrics.upgrades.increment();
    }

    @Override
    public void onHandshakeFailed(String why) {
        metrics.handshakesFailed.increment();
    }

    @Override
    public void onHttpRequest(String path, int status) {
        metrics.httpRequests.increment();
    }

    @Override
    public String metricsText() {
        return metrics.prometheusText();
    }

    @Override
    public void write(ByteBuf bytes) {
        ctx.write(bytes, ctx.voidPromise());
    }

    @Override
    public void closeAfterFlush() {
        closing = true;
        closeGracefully();
    }

    /** Flushes what is written, then closes; a peer that does not take it within the write timeout is cut off. */
    private void closeGracefully() {
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, config.writeTimeoutNanos(), TimeUnit.NANOSECONDS);
    }

    // ================================================================================================
    // The outbound queue (any thread in, this loop out)

    /** Whether a frame of about {@code bytes} could be queued now (a hint: {@link #offer} decides). */
    boolean hasRoom(int bytes) {
        return !closing && queuedBytes.get() + bytes <= config.queueBytes() && queue.size() < config.queueFrames();
    }

    /** Bytes written to the socket but not yet taken by the kernel (Netty's outbound buffer), for the gauge. */
    long socketPendingBytes() {
        ChannelHandlerContext c = ctx;
        if (c == null) {
            return 0;
        }
        io.netty.channel.ChannelOutboundBuffer b = c.channel().unsafe().outboundBuffer();
        return b == null ? 0 : b.totalPendingWriteBytes();
    }

    /** Queues a frame for this client; false (and released) if its queue is full or it is gone. */
    boolean offer(ByteBuf frame, int datagramBytes) {
        int n = frame.readableBytes();
        if (closing || queuedBytes.addAndGet(n) > config.queueBytes()) {
            queuedBytes.addAndGet(-n);
            frame.release();
            return false;
        }
        // counted before the frame is visible to the drain, so whoever sees it delivered sees it counted
        metrics.datagramFramesForwarded.increment();
        metrics.datagramBytesForwarded.add(datagramBytes);
        if (!queue.offer(frame)) {
            metrics.datagramFramesForwarded.decrement();
            metrics.datagramBytesForwarded.add(-datagramBytes);
            queuedBytes.addAndGet(-n);
            frame.release();
            return false;
        }
        if (drainScheduled.compareAndSet(false, true)) {
            ctx.executor().execute(drainTask);
        }
        return true;
    }

    /** A notice (status, EndpointGone): written in order on the loop, outside the datagram queue's limits. */
    void offerControl(ByteBuf frame) {
        ctx.executor().execute(() -> {
            if (closing) {
                frame.release();
            } else {
                ctx.writeAndFlush(frame, ctx.voidPromise());
            }
        });
    }

    private void drain() {
        drainScheduled.set(false);
        ByteBuf b;
        if (closing) {
            // a frame offered while the connection closed: free it here (channelInactive freed the others)
            if (!ctx.channel().isActive()) {
                releaseQueued();
            }
            return;
        }
        boolean wrote = false;
        while (ctx.channel().isWritable() && (b = queue.poll()) != null) {
            queuedBytes.addAndGet(-b.readableBytes());
            ctx.write(b, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        // frames offered after we cleared the flag but before the loop ended may have found it set: look again
        if (ctx.channel().isWritable() && !queue.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            ctx.executor().execute(drainTask);
        }
    }

    private void releaseQueued() {
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            queuedBytes.addAndGet(-b.readableBytes());
            b.release();
        }
    }

    private void checkStall() {
        stallCheck = null;
        if (!closing && unwritableSince != 0 && System.nanoTime() - unwritableSince >= config.writeTimeoutNanos()) {
            fail("took nothing we wrote for " + config.writeTimeoutNanos() / 1_000_000 + " ms (a stalled reader)",
                    metrics.disconnectsSlowReader);
            ctx.close(); // nothing more would get through
        }
    }

    // ================================================================================================
    // Timers, rate limit, failure (loop)

    private void armTimer(long at) {
        if (at == Long.MAX_VALUE || at >= timerAt) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        timer = ctx.executor().schedule(this::onTimer, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        if (closing) {
            return;
        }
        try {
            core.onTimeout(System.nanoTime());
            ctx.flush();
            armTimer(core.nextTimeout());
        } catch (RelayException e) {
            fail(e.getMessage(), metrics.disconnectsTimeout);
        }
    }

    /** Token bucket over the bytes read (IR {@code server/streams.rs} rate limiting): over it, stop reading a while. */
    private void spend(int n) {
        long wait = received.spend(n, System.nanoTime());
        if (wait > 0 && !overRate) {
            overRate = true;
            metrics.rateLimitPauses.increment();
            updateAutoRead();
            ctx.executor().schedule(this::resume, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void resume() {
        overRate = false;
        updateAutoRead();
    }

    /**
     * Reads from the client only while it is within its rate and takes what we write: what the relay writes because
     * of what a client sends (Pongs to its Pings, WebSocket pongs) would otherwise pile up in the socket's buffer
     * of a client that sends and never reads, until the write timeout.
     */
    private void updateAutoRead() {
        if (!closing) {
            ctx.channel().config().setAutoRead(!overRate && ctx.channel().isWritable());
        }
    }

    private void fail(String why, java.util.concurrent.atomic.LongAdder counter) {
        if (closing) {
            return;
        }
        counter.increment();
        LOG.debug("relay connection {} ({}) ends: {}", ctx.channel().remoteAddress(), id == null ? "?" : id.fmtShort(), why);
        closing = true;
        closeGracefully();
    }

    /** Closes the connection, telling the client why (relay shutdown). */
    void shutdown(String why) {
        ctx.executor().execute(() -> {
            if (!closing && core != null) {
                core.close(why);
            }
        });
    }
}
