package com.kafkaconnectiroh.p2p.relay;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManagerFactory;

/** Real {@link RelayClient}s on their own event loop, with what they received kept for assertions. */
public final class RelayTestClients implements AutoCloseable {
    /** A datagram (or batch) as received. */
    public record Received(PeerKey source, int segmentSize, byte[] bytes) {
    }

    /** One client and what it saw. */
    public final class Client {
        public final SecretKey key;
        public final PeerKey peerKey;
        public final RelayClient relay;
        public final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        public final List<PeerKey> gone = new CopyOnWriteArrayList<>();
        public final AtomicLong receivedCount = new AtomicLong();
        public volatile boolean keep = true;
        final CompletableFuture<Void> connected = new CompletableFuture<>();

        Client(RelayUrl url, SecretKey key) {
            this.key = key;
            this.peerKey = PeerKey.of(key.publicKey());
            this.relay = new RelayClient(url, key, dialer, RelayClientConnection.Timings.DEFAULT, new RelayClient.Handler() {
                @Override
                public void onConnected(RelayClient client) {
                    connected.complete(null);
                }

                @Override
                public void onDatagrams(RelayClient client, PeerKey source, int ecn, int segmentSize, ByteBuf buf, int index, int length) {
                    receivedCount.incrementAndGet();
                    if (keep) {
                        received.add(new Received(source, segmentSize, ByteBufUtil.getBytes(buf, index, length)));
                    }
                }

                @Override
                public void onEndpointGone(RelayClient client, PeerKey endpoint) {
                    gone.add(endpoint);
                }
            });
        }

        public Client awaitConnected() throws Exception {
            connected.get(20, TimeUnit.SECONDS);
            return this;
        }

        public boolean send(PeerKey to, byte[] data, int segmentSize) throws Exception {
            return onLoop(() -> {
                ByteBuf b = io.netty.buffer.Unpooled.wrappedBuffer(data);
                boolean ok = relay.send(to, b, 0, data.length, segmentSize);
                relay.flush();
                return ok;
            });
        }

        public <T> T onLoop(Callable<T> c) throws Exception {
            return loop.submit(c).get(10, TimeUnit.SECONDS);
        }

        public Received next(Duration timeout) throws InterruptedException {
            return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        public void close() throws Exception {
            onLoop(() -> {
                relay.close();
                return null;
            });
        }
    }

    final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final EventLoop loop = group.next();
    final RelayDialer dialer;

    public RelayTestClients() {
        this(null);
    }

    public RelayTestClients(TrustManagerFactory trust) {
        dialer = new RelayDialer(loop, NioSocketChannel.class, trust);
    }

    public RelayDialer dialer() {
        return dialer;
    }

    /** A started client for {@code url} with {@code key}. */
    public Client start(RelayUrl url, SecretKey key) throws Exception {
        Client c = new Client(url, key);
        c.onLoop(() -> {
            c.relay.start();
            return null;
        });
        return c;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
