package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.quic.ConnectionEvent;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import com.kafkaconnectiroh.p2p.quic.QuicEndpoint;
import com.kafkaconnectiroh.p2p.quic.Transmit;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * Manual interop smoke check: dials an iroh endpoint that echoes bidirectional streams on ALPN {@code test/echo}
 * (e.g. an {@code @number0/iroh} script), sends bytes, and checks they come back, using the sans-IO core with a
 * throwaway blocking driver. Usage: IrohEchoSmoke host:port endpointIdHex [bytes] [streams]
 */
public final class IrohEchoSmoke {
    public static void main(String[] args) throws IOException {
        String[] hp = args[0].split(":");
        InetSocketAddress server = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        EndpointId serverId = EndpointId.parse(args[1]);
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        int streams = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        byte[] alpn = "test/echo".getBytes();
        TlsClientConfig tls = new TlsClientConfig(SecretKey.generate(), serverId, List.of(alpn));
        QuicEndpoint ep = new QuicEndpoint(new EndpointConfig(), new TransportConfig(), null, new SecureRandom());
        DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        ch.configureBlocking(false);
        Selector sel = Selector.open();
        ch.register(sel, SelectionKey.OP_READ);
        long t0 = System.nanoTime();
        QuicConnection c = ep.connect(t0, server, tp -> new TlsClientSession(tls, tp));
        ByteBuffer out = ByteBuffer.allocate(16 * 1500);
        ByteBuffer in = ByteBuffer.allocate(65536);
        byte[] payload = new byte[size];
        new SecureRandom().nextBytes(payload);
        int done = 0;
        long current = -1;
        ByteBuffer src = null;
        java.io.ByteArrayOutputStream echoed = new java.io.ByteArrayOutputStream();
        long deadline = t0 + 60_000_000_000L;
        while (done < streams) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("timed out; stats " + c.stats());
            }
            ConnectionEvent e;
            while ((e = c.pollEvent()) != null) {
                System.out.println("event " + e);
                if (e instanceof ConnectionEvent.ConnectionLost lost) {
                    throw new IllegalStateException("connection lost: " + lost.reason());
                }
            }
            if (c.isHandshakeComplete() && current < 0) {
                current = c.openBi();
                if (current >= 0) {
                    src = ByteBuffer.wrap(payload);
                    echoed.reset();
                }
            }
            if (current >= 0) {
                if (src.hasRemaining()) {
                    c.write(current, src);
                    if (!src.hasRemaining()) {
                        c.finish(current);
                    }
                }
                ByteBuffer rb = ByteBuffer.allocate(65536);
                int n;
                while ((n = c.read(current, rb.clear())) > 0) {
                    echoed.write(rb.array(), 0, n);
                }
                if (n == -1) {
                    boolean ok = Arrays.equals(payload, echoed.toByteArray());
                    System.out.printf("stream %d: %d bytes echoed %s after %.1f ms%n", current, echoed.size(),
                            ok ? "intact" : "CORRUPTED", (System.nanoTime() - t0) / 1e6);
                    if (!ok) {
                        throw new IllegalStateException("echo mismatch");
                    }
                    done++;
                    current = -1;
                }
            }
            Transmit t;
            while ((t = c.pollTransmit(now, out.clear(), 1)) != null) {
                out.flip();
                ch.send(out, t.destination());
            }
            long wait = Math.max(1, (c.pollTimeout() - System.nanoTime()) / 1_000_000);
            if (sel.select(Math.min(wait, 5)) > 0) {
                sel.selectedKeys().clear();
                InetSocketAddress from;
                while ((from = (InetSocketAddress) ch.receive(in.clear())) != null) {
                    in.flip();
                    ep.handleDatagram(System.nanoTime(), from, in);
                }
            }
            now = System.nanoTime();
            if (c.pollTimeout() <= now) {
                c.handleTimeout(now);
            }
        }
        System.out.println("stats " + c.stats());
        System.out.println("peer " + c.peerId() + " alpn " + new String(c.alpn()));
        c.close(System.nanoTime(), 0, "done".getBytes());
        Transmit t;
        while ((t = c.pollTransmit(System.nanoTime(), out.clear(), 1)) != null) {
            out.flip();
            ch.send(out, t.destination());
        }
    }
}
