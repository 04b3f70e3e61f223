package com.kafkaconnectiroh.p2p.relay.server;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iroh 1.x compatible relay server ({@code iroh-relay-v2} and {@code v1}): real iroh 1.x endpoints and ours
 * connect to it over HTTP (or HTTPS) with a WebSocket on {@code /relay}, authenticate with their endpoint key, and
 * send each other QUIC datagrams by endpoint id when no direct path works. Also answers iroh's probes
 * ({@code /ping}, {@code /generate_204}), {@code /healthz} and {@code /metrics}.
 *
 * <pre>{@code
 * try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)))) {
 *     RelayUrl url = relay.url();             // http://127.0.0.1:<port>/ : give it to endpoints as their relay
 *     ...
 *     relay.metrics().snapshot();              // counters: clients, forwarded and dropped datagrams, ...
 * }
 * }</pre>
 *
 * Limits (see {@link RelayServerConfig}): a bounded queue per client, stalled readers dropped, an optional
 * receive rate limit per client, a connection cap, a deadline for setting up, an optional allowlist of endpoint ids.
 * Threads: a few Netty event loops; each connection lives on one of them, forwarding crosses loops through the
 * destination's lock-free queue.
 */
public final class RelayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

    private final RelayServerConfig config;
    private final MultiThreadIoEventLoopGroup group;
    private final Channel channel;
    private final RelayServerMetrics metrics;
    private final ClientRegistry registry;
    private final AtomicInteger connections = new AtomicInteger();
    private final SecureRandom seeds = new SecureRandom();
    private volatile boolean closed;

    private RelayServer(RelayServerConfig config) throws IOException {
        this.config = config;
        this.metrics = new RelayServerMetrics(new RelayServerMetrics.ServerGauges() {
            @Override
            public int connections() {
                return connections.get();
            }

            @Override
            public int clients() {
                return registry.size();
            }

            @Override
            public long queuedBytes() {
                return sumOverClients(ServerSession::queuedBytes);
            }

            @Override
            public long socketPendingBytes() {
                return sumOverClients(ServerSession::socketPendingBytes);
            }
        });
        this.registry = new ClientRegistry(metrics);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory("iroh-relay", true), io);
        ServerBootstrap b = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 << 10, 256 << 10))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        metrics.connectionsAccepted.increment();
                        if (closed || connections.incrementAndGet() > config.maxConnections()) {
                            connections.decrementAndGet();
                            metrics.connectionsRefused.increment();
                            ch.close();
                            return;
                        }
                        if (config.tls() != null) {
                            ch.pipeline().addLast(config.tls().newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new ServerSession(RelayServer.this));
                    }
                });
        try {
            this.channel = b.bind(config.bind()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("interrupted while binding " + config.bind(), e);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            // Netty's epoll says "bind(..) failed with error(-98): Address already in use": keep the OS's words
            String why = String.valueOf(e.getMessage()).replaceFirst("^bind\\(\\.\\.\\) failed with error\\(-?\\d+\\): ", "");
            throw new IOException("could not listen on " + SocketAddrs.format(config.bind()) + ": " + why, e);
        }
        LOG.debug("relay listening on {} ({})", channel.localAddress(), config.tls() == null ? "http" : "https");
    }

    /**
     * Binds and starts serving.
     *
     * @throws IOException the address cannot be bound
     */
    public static RelayServer start(RelayServerConfig config) throws IOException {
        return new RelayServer(config);
    }

    /** The bound address, with the real port. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * The URL clients use: {@code http://IP:PORT/} ({@code https} with TLS) with the bound address, or with the
     * loopback address if bound to a wildcard (give clients an address they can reach).
     */
    public RelayUrl url() {
        InetSocketAddress a = localAddress();
        InetSocketAddress shown = a.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), a.getPort()) : a;
        return RelayUrl.parse((config.tls() == null ? "http://" : "https://") + SocketAddrs.format(shown));
    }

    public RelayServerMetrics metrics() {
        return metrics;
    }

    /** Endpoint ids connected now. */
    public int clientCount() {
        return registry.size();
    }

    /** Closes every client connection (WebSocket close 1001) and the listener, then the threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        for (ServerSession s : registry.all()) {
            s.shutdown("relay shutting down");
        }
        group.shutdownGracefully(100, 2000, TimeUnit.MILLISECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private long sumOverClients(java.util.function.ToLongFunction<ServerSession> f) {
        long n = 0;
        for (ServerSession s : registry.all()) {
            n += f.applyAsLong(s);
        }
        return n;
    }

    RelayServerConfig config() {
        return config;
    }

    ClientRegistry registry() {
        return registry;
    }

    long seed() {
        return seeds.nextLong();
    }

    void onConnectionClosed() {
        connections.decrementAndGet();
    }
}
