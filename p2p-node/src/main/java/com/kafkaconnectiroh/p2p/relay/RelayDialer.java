package com.kafkaconnectiroh.p2p.relay;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * Opens TCP (and for {@code https} relays TLS, with the JDK's trust store unless told otherwise, SNI and host name
 * verification) streams to relays on a given event loop, as IR {@code iroh-relay/src/client.rs} does: plain TCP for
 * {@code http}, the URL's port or the scheme's default, TCP_NODELAY. IP literals are used as they are; host names
 * are resolved off the loop (the JDK resolver blocks) by a small shared pool of daemon threads.
 */
public final class RelayDialer {
    /** Resolution is rare (a relay per endpoint): threads come and go, none stays idle over a minute. */
    private static final ExecutorService RESOLVER = new ThreadPoolExecutor(0, 4, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), new DefaultThreadFactory("iroh-relay-dns", true), new ThreadPoolExecutor.CallerRunsPolicy());
    /** iroh's dial timeout per attempt is 1.5 s; we allow the whole connect a bit more on a loaded machine. */
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final EventLoop loop;
    private final Class<? extends SocketChannel> channelClass;
    private final SslContext tls;

    /**
     * @param channelClass the socket channel class matching the loop's transport (epoll or NIO)
     * @param trust        trust for {@code https} relays; null: the JDK's default trust store
     */
    public RelayDialer(EventLoop loop, Class<? extends SocketChannel> channelClass, TrustManagerFactory trust) {
        this.loop = loop;
        this.channelClass = channelClass;
        try {
            SslContextBuilder b = SslContextBuilder.forClient();
            if (trust != null) {
                b.trustManager(trust);
            }
            this.tls = b.build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException("cannot set up TLS for relays: " + e.getMessage(), e);
        }
    }

    public EventLoop loop() {
        return loop;
    }

    /**
     * Connects to {@code url}'s host and port; the future completes on the loop with the channel once TCP (and TLS)
     * is up, its pipeline ending in {@code handler}.
     */
    public CompletableFuture<Channel> open(RelayUrl url, Supplier<ChannelHandler> handler) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        resolve(url).whenComplete((addr, err) -> loop.execute(() -> {
            if (err != null) {
                result.completeExceptionally(err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                        ? err.getCause() : err);
                return;
            }
            connect(url, addr, handler, result);
        }));
        return result;
    }

    private void connect(RelayUrl url, InetSocketAddress addr, Supplier<ChannelHandler> handler, CompletableFuture<Channel> result) {
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (url.isHttps()) {
                            String host = url.host().startsWith("[") ? url.host().substring(1, url.host().length() - 1) : url.host();
                            SslHandler ssl = tls.newHandler(ch.alloc(), host, url.port());
                            SSLEngine engine = ssl.engine();
                            SSLParameters p = engine.getSSLParameters();
                            p.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(p);
                            ch.pipeline().addLast(ssl);
                        }
                        ch.pipeline().addLast(handler.get());
                    }
                });
        ChannelFuture f = b.connect(addr);
        f.addListener(x -> {
            if (!x.isSuccess()) {
                result.completeExceptionally(new java.io.IOException("cannot reach relay " + url + " at "
                        + SocketAddrs.format(addr) + ": " + message(x.cause()), x.cause()));
                return;
            }
            Channel ch = f.channel();
            SslHandler ssl = ch.pipeline().get(SslHandler.class);
            if (ssl == null) {
                result.complete(ch);
                return;
            }
            ssl.handshakeFuture().addListener(h -> {
                if (h.isSuccess()) {
                    result.complete(ch);
                } else {
                    ch.close();
                    result.completeExceptionally(new java.io.IOException("TLS with relay " + url + " failed: "
                            + message(h.cause()), h.cause()));
                }
            });
        });
    }

    private static CompletableFuture<InetSocketAddress> resolve(RelayUrl url) {
        String host = url.host();
        byte[] ip = host.startsWith("[") ? SocketAddrs.parseIpv6(host.substring(1, host.length() - 1)) : SocketAddrs.parseIpv4(host);
        if (ip != null) {
            return CompletableFuture.completedFuture(SocketAddrs.of(ip, url.port()));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
                return new InetSocketAddress(InetAddress.getByName(name), url.port());
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(new java.io.IOException("cannot resolve relay host " + host, e));
            }
        }, RESOLVER);
    }

    static String message(Throwable t) {
        return t == null ? "?" : t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
