package com.kafkaconnectiroh.p2p.relay;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.relay.ws.HttpHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A relay's latency as iroh measures it to choose a home relay (IR {@code iroh/src/net_report/reportgen.rs}
 * {@code run_https_probe}): a fresh connection, {@code GET /ping}, time until a 2xx status line (connection set-up
 * included, as iroh's HTTP client does it the same way).
 */
public final class RelayProbe {
    private RelayProbe() {
    }

    /** Completes with the latency in nanoseconds, or exceptionally (unreachable, not 2xx, no answer in time). */
    public static CompletableFuture<Long> ping(RelayDialer dialer, RelayUrl url, long timeoutNanos) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        long start = System.nanoTime();
        dialer.loop().schedule(() -> result.completeExceptionally(
                new IOException("no answer to GET " + RelayPaths.PING + " from " + url + " within "
                        + timeoutNanos / 1_000_000 + " ms")), timeoutNanos, TimeUnit.NANOSECONDS);
        Probe probe = new Probe(url, start, result);
        dialer.open(url, () -> probe).whenComplete((ch, err) -> {
            if (err != null) {
                result.completeExceptionally(err);
            } else if (result.isDone()) {
                ch.close();
            } else {
                probe.send(ch);
            }
        });
        return result;
    }

    private static final class Probe extends ChannelInboundHandlerAdapter {
        private final RelayUrl url;
        private final long start;
        private final CompletableFuture<Long> result;
        private ByteBuf received;

        Probe(RelayUrl url, long start, CompletableFuture<Long> result) {
            this.url = url;
            this.start = start;
            this.result = result;
            result.whenComplete((v, e) -> release());
        }

        void send(Channel ch) {
            int defaultPort = url.isHttps() ? 443 : 80;
            String req = "GET " + RelayPaths.PING + " HTTP/1.1\r\nHost: " + url.host()
                    + (url.port() == defaultPort ? "" : ":" + url.port()) + "\r\nUser-Agent: p2p-node\r\nConnection: close\r\n\r\n";
            ByteBuf out = ch.alloc().buffer(req.length());
            out.writeCharSequence(req, StandardCharsets.ISO_8859_1);
            ch.writeAndFlush(out);
            result.whenComplete((v, e) -> ch.close());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (result.isDone()) {
                    return;
                }
                if (received == null) {
                    received = ctx.alloc().heapBuffer(256);
                }
                received.writeBytes(in);
                int n = HttpHead.headLength(received, HttpHead.MAX_HEAD);
                if (n < 0) {
                    return;
                }
                HttpHead h = HttpHead.parseResponse(received, n);
                if (h.status() / 100 == 2) {
                    result.complete(System.nanoTime() - start);
                } else {
                    result.completeExceptionally(new IOException(url + " answered '" + h.statusLine() + "' to GET " + RelayPaths.PING));
                }
            } catch (HttpHead.HttpException e) {
                result.completeExceptionally(new IOException(url + ": " + e.getMessage()));
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new IOException(url + " closed the connection before answering GET " + RelayPaths.PING));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(new IOException(url + ": " + RelayDialer.message(cause), cause));
            ctx.close();
        }

        private void release() {
            if (received != null) {
                received.release();
                received = null;
            }
        }
    }
}
