package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.quic.ConnectionEvent;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import com.kafkaconnectiroh.p2p.quic.QuicEndpoint;
import com.kafkaconnectiroh.p2p.quic.Transmit;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientSession;
import com.kafkaconnectiroh.p2p.tls.TlsServerConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerSession;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;

/**
 * The ceiling the endpoint driver works under: one thread moves a stream between two sans-IO QUIC endpoints,
 * handing datagrams over in memory (no sockets, no loss, no threads). Compare with {@link EndpointBench}, which adds
 * the Netty driver, UDP and two threads. Args: {@code [megabytes=1024]}.
 */
public final class QuicCoreBench {
    public static void main(String[] args) {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 1024) << 20;
        for (int run = 0; run < 5; run++) {
            System.out.printf(Locale.ROOT, "run %d: %.0f MB/s through the QUIC core alone (one thread)%n", run,
                    run(bytes));
        }
    }

    private static double run(long bytes) {
        byte[] alpn = "bench".getBytes(StandardCharsets.US_ASCII);
        SecretKey sk = SecretKey.generate();
        SecretKey ck = SecretKey.generate();
        TransportConfig tc = new TransportConfig().pacing(false);
        TlsServerConfig stls = new TlsServerConfig(sk, List.of(alpn));
        QuicEndpoint server = new QuicEndpoint(new EndpointConfig(), tc, tp -> new TlsServerSession(stls, tp),
                new SecureRandom());
        QuicEndpoint client = new QuicEndpoint(new EndpointConfig(), tc, null, new SecureRandom());
        InetSocketAddress sa = new InetSocketAddress("127.0.0.1", 1);
        InetSocketAddress ca = new InetSocketAddress("127.0.0.1", 2);
        TlsClientConfig ctls = new TlsClientConfig(ck, sk.publicKey(), List.of(alpn));
        long now = System.nanoTime();
        QuicConnection c = client.connect(now, sa, tp -> new TlsClientSession(ctls, tp));
        QuicConnection[] s = new QuicConnection[1];
        ByteBuffer wire = ByteBuffer.allocateDirect(64 * 1500);
        ByteBuffer data = ByteBuffer.allocate(1 << 20);
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        long stream = -1;
        long sent = 0;
        long received = 0;
        long t0 = 0;
        while (received < bytes) {
            now = System.nanoTime();
            pump(c, server, ca, wire, now, s);
            if (s[0] != null) {
                pump(s[0], client, sa, wire, now, null);
            }
            if (c.pollTimeout() <= now) {
                c.handleTimeout(now);
            }
            if (s[0] != null && s[0].pollTimeout() <= now) {
                s[0].handleTimeout(now);
            }
            while (c.pollEvent() != null) {
                // writability is polled below
            }
            if (stream < 0 && c.isHandshakeComplete()) {
                stream = c.openUni();
                t0 = System.nanoTime();
            }
            if (stream >= 0 && sent < bytes) {
                data.clear();
                if (bytes - sent < data.capacity()) {
                    data.limit((int) (bytes - sent));
                }
                sent += c.write(stream, data);
            }
            if (s[0] != null) {
                ConnectionEvent e;
                while ((e = s[0].pollEvent()) != null) {
                    // reads are polled below
                }
                long id;
                while ((id = s[0].acceptUni()) >= 0) {
                    stream = id;
                }
                if (stream >= 0 && s[0].isHandshakeComplete()) {
                    int n;
                    do {
                        sink.clear();
                        n = s[0].read(stream, sink);
                        if (n > 0) {
                            received += n;
                        }
                    } while (n > 0);
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return received / 1e6 / secs;
    }

    /** Moves everything {@code from} has to send into {@code to}. */
    private static void pump(QuicConnection from, QuicEndpoint to, InetSocketAddress fromAddr, ByteBuffer wire,
                             long now, QuicConnection[] accepted) {
        while (true) {
            wire.clear();
            Transmit t = from.pollTransmit(now, wire, 40);
            if (t == null) {
                return;
            }
            for (int off = 0; off < t.size(); off += t.segmentSize()) {
                int len = Math.min(t.segmentSize(), t.size() - off);
                to.handleDatagram(now, fromAddr, wire.duplicate().position(off).limit(off + len));
            }
            if (accepted != null && accepted[0] == null) {
                accepted[0] = to.pollIncoming();
            }
        }
    }
}
