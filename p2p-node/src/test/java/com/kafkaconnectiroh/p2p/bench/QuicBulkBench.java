package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.quic.ConnectionEvent;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import com.kafkaconnectiroh.p2p.quic.QuicEndpoint;
import com.kafkaconnectiroh.p2p.quic.Transmit;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.quic.protection.DirectionalKeys;
import com.kafkaconnectiroh.p2p.quic.protection.PacketKey;
import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientSession;
import com.kafkaconnectiroh.p2p.tls.TlsServerConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerSession;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;

/**
 * Bulk stream transfer between two sans-IO QUIC endpoints in one thread, with datagrams handed over directly (no
 * loss, no sockets) and the real clock. Prints payload throughput overall and the share spent sending
 * (pollTransmit: framing + AEAD + header protection) and receiving (handleDatagram: decrypt + reassembly).
 * Usage: QuicBulkBench [megabytes per run] [runs] [suite: aes128|aes256|chacha]
 */
public final class QuicBulkBench {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 4433);

    public static void main(String[] args) {
        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        CipherSuite suite = args.length > 2 ? switch (args[2]) {
            case "aes256" -> CipherSuite.TLS_AES_256_GCM_SHA384;
            case "chacha" -> CipherSuite.TLS_CHACHA20_POLY1305_SHA256;
            default -> CipherSuite.TLS_AES_128_GCM_SHA256;
        } : CipherSuite.TLS_AES_128_GCM_SHA256;
        for (int i = 0; i < runs; i++) {
            run(megabytes << 20, suite);
            aeadFloor(megabytes << 20, suite);
        }
    }

    /** The floor: sealing and opening the same payload as bare 1400-byte packets with our PacketKey. */
    private static void aeadFloor(long total, CipherSuite suite) {
        byte[] secret = new byte[suite.hashLength];
        PacketKey key = DirectionalKeys.packetKey(suite, secret);
        PacketKey peer = DirectionalKeys.packetKey(suite, secret);
        byte[] header = new byte[13];
        byte[] plain = new byte[1400];
        byte[] sealed = new byte[1500];
        byte[] opened = new byte[1500];
        long packets = total / 1400;
        long c0 = THREADS.getCurrentThreadCpuTime();
        for (long pn = 0; pn < packets; pn++) {
            key.seal(pn, header, 0, 13, plain, 0, 1400, sealed, 0);
        }
        long c1 = THREADS.getCurrentThreadCpuTime();
        for (long pn = 0; pn < packets; pn++) {
            key.seal(pn + packets, header, 0, 13, plain, 0, 1400, sealed, 0);
            peer.open(pn + packets, header, 0, 13, sealed, 0, 1416, opened, 0);
        }
        long c2 = THREADS.getCurrentThreadCpuTime();
        System.out.printf("  AEAD floor: seal %.0f MB/s, seal+open %.0f MB/s per CPU-second%n",
                total / 1e6 / ((c1 - c0) / 1e9), total / 1e6 / ((c2 - c1) / 1e9));
    }

    private static void run(long total, CipherSuite suite) {
        byte[] alpn = "bench/1".getBytes();
        SecretKey serverKey = SecretKey.generate();
        SecretKey clientKey = SecretKey.generate();
        TransportConfig tc = new TransportConfig()
                .streamReceiveWindow(16L << 20)
                .connectionReceiveWindow(64L << 20)
                .streamSendBufferSize(16 << 20)
                .connectionSendBufferSize(64L << 20);
        TlsServerConfig stls = new TlsServerConfig(serverKey, List.of(alpn)).withCipherSuites(suite);
        TlsClientConfig ctls = new TlsClientConfig(clientKey, serverKey.publicKey(), List.of(alpn))
                .withCipherSuites(suite);
        SecureRandom rnd = new SecureRandom();
        QuicEndpoint server = new QuicEndpoint(new EndpointConfig(), tc, tp -> new TlsServerSession(stls, tp), rnd);
        QuicEndpoint clientEp = new QuicEndpoint(new EndpointConfig(), tc, null, rnd);
        QuicConnection client = clientEp.connect(System.nanoTime(), SERVER, tp -> new TlsClientSession(ctls, tp));
        QuicConnection[] serverConn = new QuicConnection[1];
        ByteBuffer out = ByteBuffer.allocateDirect(64 * 1500);
        ByteBuffer in = ByteBuffer.allocate(1 << 20);
        byte[] payload = new byte[1 << 20];
        rnd.nextBytes(payload);
        ByteBuffer src = ByteBuffer.wrap(payload);

        long id = -1;
        long written = 0;
        long received = 0;
        long sendNanos = 0;
        long recvNanos = 0;
        long start = 0;
        long cpuStart = 0;
        boolean finished = false;
        while (true) {
            long now = System.nanoTime();
            // sender
            if (client.isHandshakeComplete() && id < 0) {
                id = client.openBi();
                start = System.nanoTime();
                cpuStart = THREADS.getCurrentThreadCpuTime();
            }
            if (id >= 0 && written < total) {
                while (written < total) {
                    if (!src.hasRemaining()) {
                        src.clear();
                    }
                    int lim = (int) Math.min(src.remaining(), total - written);
                    src.limit(src.position() + lim);
                    int n = client.write(id, src);
                    src.limit(src.capacity());
                    written += n;
                    if (n == 0) {
                        break;
                    }
                }
                if (written == total && !finished) {
                    client.finish(id);
                    finished = true;
                }
            }
            long t0 = System.nanoTime();
            Transmit t;
            int sentBatches = 0;
            while ((t = client.pollTransmit(now, out.clear(), 16)) != null) {
                long t1 = System.nanoTime();
                sendNanos += t1 - t0;
                deliver(server, CLIENT, out, t, now);
                recvNanos += System.nanoTime() - t1;
                t0 = System.nanoTime();
                if (++sentBatches > 64) {
                    break;
                }
            }
            QuicConnection inc = server.pollIncoming();
            if (inc != null) {
                serverConn[0] = inc;
            }
            QuicConnection s = serverConn[0];
            if (s != null) {
                long sid = s.acceptBi();
                if (sid >= 0) {
                    in.clear();
                }
                ConnectionEvent e;
                while ((e = s.pollEvent()) != null) {
                    // drain
                }
                long ids = StreamReaderHolder.id;
                if (sid >= 0) {
                    StreamReaderHolder.id = sid;
                    ids = sid;
                }
                if (ids >= 0) {
                    int n;
                    long r0 = System.nanoTime();
                    while ((n = s.read(ids, in.clear())) > 0) {
                        received += n;
                    }
                    recvNanos += System.nanoTime() - r0;
                    if (n == -1) {
                        long elapsed = System.nanoTime() - start;
                        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
                        report(total, elapsed, cpu, sendNanos, recvNanos, client, suite);
                        StreamReaderHolder.id = -1;
                        return;
                    }
                }
                while ((t = s.pollTransmit(now, out.clear(), 16)) != null) {
                    deliver(clientEp, SERVER, out, t, now);
                }
            }
            while (client.pollEvent() != null) {
                // drain
            }
            now = System.nanoTime();
            if (client.pollTimeout() <= now) {
                client.handleTimeout(now);
            }
            if (s != null && s.pollTimeout() <= now) {
                s.handleTimeout(now);
            }
            if (client.isClosed()) {
                throw new IllegalStateException("client closed: " + client.closeReason());
            }
        }
    }

    /** Reader state kept across loop turns. */
    private static final class StreamReaderHolder {
        static long id = -1;
    }

    private static void deliver(QuicEndpoint to, InetSocketAddress from, ByteBuffer out, Transmit t, long now) {
        out.flip();
        int base = out.position();
        for (int off = 0; off < t.size(); off += t.segmentSize()) {
            int len = Math.min(t.segmentSize(), t.size() - off);
            out.limit(base + off + len).position(base + off);
            to.handleDatagram(now, from, out);
            out.limit(out.capacity());
        }
    }

    private static void report(long total, long elapsed, long cpu, long sendNanos, long recvNanos,
                               QuicConnection client, CipherSuite suite) {
        double mb = total / 1e6;
        // wall time is shared with other processes on a busy machine; scale the split by this thread's CPU time
        double cpuShare = Math.min(1.0, (double) cpu / elapsed);
        System.out.printf("%s: %d MiB, %.2f s wall, %.2f s CPU: %.0f MB/s per CPU-second end to end (one thread"
                        + " does both sides); sender pollTransmit %.0f MB/s, receiver handleDatagram+read %.0f MB/s"
                        + " (CPU-scaled); mtu %d, packets %d, lost %d%n", suite, total >> 20, elapsed / 1e9, cpu / 1e9,
                mb / (cpu / 1e9), mb / (sendNanos * cpuShare / 1e9), mb / (recvNanos * cpuShare / 1e9),
                client.stats().pathMtu(), client.stats().packetsSent(), client.stats().packetsLost());
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
}
