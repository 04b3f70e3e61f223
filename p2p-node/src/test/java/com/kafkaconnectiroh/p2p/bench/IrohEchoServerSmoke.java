package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.quic.ConnectionEvent;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import com.kafkaconnectiroh.p2p.quic.QuicEndpoint;
import com.kafkaconnectiroh.p2p.quic.Transmit;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerSession;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Manual interop smoke check, server side: echoes every bidirectional stream on ALPN {@code test/echo} with a
 * throwaway blocking driver, printing its id and port for an iroh client to dial. Exits after the first
 * connection closes. Usage: IrohEchoServerSmoke [port]
 */
public final class IrohEchoServerSmoke {
    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        SecretKey key = SecretKey.generate();
        TlsServerConfig tls = new TlsServerConfig(key, List.of("test/echo".getBytes()));
        QuicEndpoint ep = new QuicEndpoint(new EndpointConfig(), new TransportConfig(),
                tp -> new TlsServerSession(tls, tp), new SecureRandom());
        DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", port));
        ch.configureBlocking(false);
        Selector sel = Selector.open();
        ch.register(sel, SelectionKey.OP_READ);
        System.out.println(Hex.encode(key.publicKey().toBytes()) + " " + ((InetSocketAddress) ch.getLocalAddress())
                .getPort());
        System.out.flush();
        ByteBuffer out = ByteBuffer.allocate(16 * 1500);
        ByteBuffer in = ByteBuffer.allocate(65536);
        List<QuicConnection> conns = new ArrayList<>();
        Map<Long, ByteBuffer> pending = new HashMap<>();
        boolean sawConnection = false;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (sel.select(2) > 0) {
                sel.selectedKeys().clear();
                InetSocketAddress from;
                while ((from = (InetSocketAddress) ch.receive(in.clear())) != null) {
                    in.flip();
                    ep.handleDatagram(System.nanoTime(), from, in);
                }
            }
            QuicConnection nc;
            while ((nc = ep.pollIncoming()) != null) {
                conns.add(nc);
                sawConnection = true;
            }
            now = System.nanoTime();
            for (QuicConnection c : new ArrayList<>(conns)) {
                if (c.pollTimeout() <= now) {
                    c.handleTimeout(now);
                }
                ConnectionEvent e;
                while ((e = c.pollEvent()) != null) {
                    if (!(e instanceof ConnectionEvent.StreamReadable) && !(e instanceof ConnectionEvent.StreamWritable)) {
                        System.out.println("event " + e);
                    }
                }
                long sid;
                while ((sid = c.acceptBi()) >= 0) {
                    pending.put(sid, ByteBuffer.allocate(64 << 20));
                }
                for (Map.Entry<Long, ByteBuffer> en : new ArrayList<>(pending.entrySet())) {
                    ByteBuffer b = en.getValue();
                    int n;
                    while ((n = c.read(en.getKey(), b)) > 0) {
                        // accumulate
                    }
                    if (n == -1) {
                        b.flip();
                        c.write(en.getKey(), b);
                        if (!b.hasRemaining()) {
                            c.finish(en.getKey());
                            pending.remove(en.getKey());
                            System.out.println("echoed " + b.limit() + " bytes on stream " + en.getKey());
                        } else {
                            en.setValue(b.compact().flip());
                        }
                    }
                }
                Transmit t;
                while ((t = c.pollTransmit(now, out.clear(), 1)) != null) {
                    out.flip();
                    ch.send(out, t.destination());
                }
                if (c.isDrained()) {
                    conns.remove(c);
                    System.out.println("closed: " + c.closeReason() + " stats " + c.stats());
                }
            }
            Transmit t;
            while ((t = ep.pollTransmit(out.clear())) != null) {
                out.flip();
                ch.send(out, t.destination());
            }
            if (sawConnection && conns.isEmpty()) {
                return;
            }
        }
    }
}
