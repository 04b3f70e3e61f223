package com.kafkaconnectiroh.p2p.relay;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to one relay that keeps itself up: it connects ({@link RelayDialer}), runs a
 * {@link RelayClientConnection} on the stream, and after any failure reconnects with exponential backoff and jitter
 * (as iroh 1.0.2's relay actor: from {@link #MIN_BACKOFF_NANOS} up to {@link #MAX_BACKOFF_NANOS}, back to the
 * start after a successful handshake) until {@link #close()}. Everything runs on the dialer's event loop, and
 * every method must be called there.
 *
 * <p>Datagrams sent while not connected wait in a small queue ({@link #PENDING_MAX} datagrams, at most
 * {@link #PENDING_MAX_AGE_NANOS} old, as iroh drops what waited 3 s) and go out once the handshake is done, so the
 * first Initial of a dial through a relay we are still connecting to is not lost. Sends are dropped (false) when the
 * stream cannot take more: QUIC treats it as loss.
 */
public final class RelayClient {
    private static final Logger LOG = LoggerFactory.getLogger(RelayClient.class);
    static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(16);
    static final int PENDING_MAX = 64;
    static final long PENDING_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(3);

    /** What the client tells its owner, on the loop. Datagram bytes are valid only during the call. */
    public interface Handler {
        default void onConnected(RelayClient client) {
        }

        default void onDisconnected(RelayClient client, String why) {
        }

        void onDatagrams(RelayClient client, PeerKey source, int ecn, int segmentSize, ByteBuf buf, int index, int length);

        /** A batch of reads was handled (the owner may now process what the datagrams caused). */
        default void onReadComplete(RelayClient client) {
        }

        default void onEndpointGone(RelayClient client, PeerKey endpoint) {
        }
    }

    private record Pending(PeerKey destination, ByteBuf data, int segmentSize, long at) {
    }

    private final RelayUrl url;
    private final SecretKey key;
    private final RelayDialer dialer;
    private final EventLoop loop;
    private final RelayClientConnection.Timings timings;
    private final Handler handler;
    private final SplittableRandom random;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private Channel channel;
    private RelayClientConnection conn;
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private ScheduledFuture<?> reconnect;
    private long backoff = MIN_BACKOFF_NANOS;
    private boolean started;
    private boolean closed;
    private String lastError;
    private long connects;
    private long datagramsSent;
    private long datagramsReceived;
    private long sendsDropped;

    public RelayClient(RelayUrl url, SecretKey key, RelayDialer dialer, RelayClientConnection.Timings timings, Handler handler) {
        this.url = url;
        this.key = key;
        this.dialer = dialer;
        this.loop = dialer.loop();
        this.timings = timings;
        this.handler = handler;
        this.random = new SplittableRandom(new java.security.SecureRandom().nextLong());
    }

    public RelayUrl url() {
        return url;
    }

    /** Starts connecting (once). */
    public void start() {
        if (!started && !closed) {
            started = true;
            connect();
        }
    }

    private void connect() {
        reconnect = null;
        if (closed) {
            return;
        }
        dialer.open(url, () -> new StreamHandler()).whenComplete((ch, err) -> {
            if (err != null) {
                onDown("cannot connect: " + RelayDialer.message(err));
                return;
            }
            if (closed) {
                ch.close();
                return;
            }
            channel = ch;
            ch.pipeline().get(StreamHandler.class).begin(ch);
        });
    }

    /** The stream failed or closed: tell the owner and try again after a backoff. */
    private void onDown(String why) {
        boolean wasConnected = conn != null && conn.isConnected();
        if (conn != null) {
            conn.releaseBuffers();
            conn = null;
        }
        channel = null;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
            timerAt = Long.MAX_VALUE;
        }
        lastError = why;
        if (closed) {
            return;
        }
        LOG.debug("relay {} down: {}", url, why);
        handler.onDisconnected(this, why);
        if (wasConnected) {
            backoff = MIN_BACKOFF_NANOS;
        }
        long delay = backoff / 2 + random.nextLong(backoff / 2 + 1); // jitter: half to the whole of the backoff
        backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        reconnect = loop.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }

    /** The Netty end of one stream. */
    private final class StreamHandler extends ChannelInboundHandlerAdapter
            implements RelayClientConnection.Listener, RelayClientConnection.Output {
        private ChannelHandlerContext ctx;
        private boolean down;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void begin(Channel ch) {
            conn = new RelayClientConnection(url, key, ch.alloc(), random, timings, this, this);
            conn.start(System.nanoTime());
            ctx.flush();
            armTimer(conn.nextTimeout());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (conn != null && !down) {
                    conn.onBytes(in, System.nanoTime());
                }
            } catch (RelayException e) {
                fail(e.getMessage());
            } finally {
                in.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (conn != null) {
                armTimer(conn.nextTimeout());
            }
            handler.onReadComplete(RelayClient.this);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!down) {
                down = true;
                onDown("relay closed the connection");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(RelayDialer.message(cause));
        }

        void fail(String why) {
            if (down) {
                return;
            }
            down = true;
            ctx.flush();
            ctx.close();
            onDown(why);
        }

        @Override
        public void write(ByteBuf bytes) {
            ctx.write(bytes, ctx.voidPromise());
        }

        @Override
        public void onConnected(RelayVersion version) {
            connects++;
            backoff = MIN_BACKOFF_NANOS;
            lastError = null;
            LOG.debug("relay {} connected ({})", url, version.subprotocol());
            long now = System.nanoTime();
            Pending p;
            while ((p = pending.poll()) != null) {
                if (now - p.at() <= PENDING_MAX_AGE_NANOS) {
                    send(p.destination(), p.data(), p.data().readerIndex(), p.data().readableBytes(), p.segmentSize());
                }
                p.data().release();
            }
            handler.onConnected(RelayClient.this);
        }

        @Override
        public void onDatagrams(PeerKey source, int ecn, int segmentSize, ByteBuf buf, int index, int length) {
            datagramsReceived++;
            handler.onDatagrams(RelayClient.this, source, ecn, segmentSize, buf, index, length);
        }

        @Override
        public void onEndpointGone(PeerKey endpoint) {
            handler.onEndpointGone(RelayClient.this, endpoint);
        }

        @Override
        public void onStatus(String status) {
            LOG.debug("relay {}: {}", url, status);
        }
    }

    private void armTimer(long at) {
        if (at == Long.MAX_VALUE || at >= timerAt) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        timer = loop.schedule(this::onTimer, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void onTimer() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        RelayClientConnection c = conn;
        Channel ch = channel;
        if (c == null || ch == null) {
            return;
        }
        try {
            c.onTimeout(System.nanoTime());
            ch.flush();
            armTimer(c.nextTimeout());
        } catch (RelayException e) {
            StreamHandler h = ch.pipeline().get(StreamHandler.class);
            if (h != null) {
                h.fail(e.getMessage());
            }
        }
    }

    /**
     * Sends one datagram (or a batch of {@code segmentSize}-byte ones) to {@code destination}; written with the
     * next {@link #flush()}. Copies the bytes.
     *
     * @return false if dropped: the stream cannot take more, or the relay is not connected and the wait queue is full
     */
    public boolean send(PeerKey destination, ByteBuf data, int index, int length, int segmentSize) {
        RelayClientConnection c = conn;
        if (c != null && c.isConnected()) {
            if (!channel.isWritable()) {
                sendsDropped++;
                return false;
            }
            datagramsSent++;
            return c.sendDatagrams(destination, 0, data, index, length, segmentSize);
        }
        if (closed) {
            return false;
        }
        long now = System.nanoTime();
        while (!pending.isEmpty() && (pending.size() >= PENDING_MAX || now - pending.peek().at() > PENDING_MAX_AGE_NANOS)) {
            pending.poll().data().release();
            sendsDropped++;
        }
        ByteBuf copy = io.netty.buffer.PooledByteBufAllocator.DEFAULT.heapBuffer(length);
        copy.writeBytes(data, index, length);
        pending.add(new Pending(destination, copy, segmentSize, now));
        start();
        return true;
    }

    public void flush() {
        if (channel != null) {
            channel.flush();
        }
    }

    public boolean isConnected() {
        return conn != null && conn.isConnected();
    }

    /** The round trip of the last answered relay Ping, or -1. */
    public long rttNanos() {
        return conn == null ? -1 : conn.rttNanos();
    }

    /** Why the last attempt or connection failed, or null while connected. */
    public String lastError() {
        return lastError;
    }

    /** Handshakes completed so far (reconnects count). */
    public long connects() {
        return connects;
    }

    public long datagramsSent() {
        return datagramsSent;
    }

    public long datagramsReceived() {
        return datagramsReceived;
    }

    public long sendsDropped() {
        return sendsDropped;
    }

    /** Closes the stream (with a WebSocket close) and stops reconnecting. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (reconnect != null) {
            reconnect.cancel(false);
        }
        if (timer != null) {
            timer.cancel(false);
        }
        Pending p;
        while ((p = pending.poll()) != null) {
            p.data().release();
        }
        if (conn != null) {
            conn.close();
            conn = null;
        }
        if (channel != null) {
            Channel ch = channel;
            channel = null;
            ch.flush();
            ch.close();
        }
    }

    @Override
    public String toString() {
        return "RelayClient[" + url + (isConnected() ? " connected" : lastError == null ? "" : " down: " + lastError) + "]";
    }
}
