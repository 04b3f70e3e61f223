package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.RecvStream;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.endpoint.SendStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Java → Java over loopback through the Netty driver: bulk throughput of one stream (64 KiB and 1 MiB writes)
 * and small request/response latency, for each I/O mode (epoll+GSO/GRO, epoll without, NIO). Prints figures and
 * ratios; asserts nothing.
 *
 * <p>Args: {@code [megabytes=512] [rounds=2000] [modes=AUTO,EPOLL_NO_GSO,NIO]}.
 */
public final class EndpointBench {
    private static final String SINK = "bench/sink";
    private static final String ECHO = "bench/echo";

    public static void main(String[] args) throws Exception {
        long mb = args.length > 0 ? Long.parseLong(args[0]) : 512;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        String[] modes = (args.length > 2 ? args[2] : "AUTO,EPOLL_NO_GSO,NIO").split(",");
        System.out.printf(Locale.ROOT, "EndpointBench: %d MB per run, %d round trips; %d cores%n", mb, rounds,
                Runtime.getRuntime().availableProcessors());
        double first = 0;
        for (String m : modes) {
            Endpoint.Transport t = Endpoint.Transport.valueOf(m);
            double[] r = run(t, mb << 20, rounds);
            if (first == 0) {
                first = r[1];
            }
            System.out.printf(Locale.ROOT, "%-14s 64KiB writes %7.0f MB/s   1MiB writes %7.0f MB/s (%.2fx of first)"
                    + "   rtt median %6.1f us  p90 %6.1f us%n", m, r[0], r[1], r[1] / first, r[2], r[3]);
        }
    }

    private static double[] run(Endpoint.Transport t, long bytes, int rounds) throws Exception {
        InetSocketAddress lo = new InetSocketAddress("127.0.0.1", 0);
        try (Endpoint server = Endpoint.builder().bindAddr(lo).transport(t).bind();
             Endpoint client = Endpoint.builder().bindAddr(lo).transport(t).bind();
             Router router = Router.builder(server).accept(SINK, EndpointBench::sink).accept(ECHO, EndpointBench::echo)
                     .spawn()) {
            String mode = server.ioMode();
            Connection sink = client.connect(server.addr(), SINK);
            bulk(sink, 256L << 20, 64 * 1024); // warm-up: JIT, congestion window
            double large = bulk(sink, bytes, 1 << 20);
            double small = bulk(sink, bytes, 64 * 1024);
            Connection echo = client.connect(server.addr(), ECHO);
            long[] lat = new long[rounds];
            byte[] req = new byte[32];
            for (int i = 0; i < rounds + 200; i++) {
                long t0 = System.nanoTime();
                BiStream s = echo.openBi();
                s.send().writeAll(req);
                s.send().finish();
                s.recv().readToEnd(64);
                if (i >= 200) {
                    lat[i - 200] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(lat);
            System.out.printf(Locale.ROOT, "  [%s] client %s%n  stats %s%n", mode, client.ioStats(), sink.stats());
            sink.close(0, "");
            echo.close(0, "");
            return new double[] {small, large, lat[rounds / 2] / 1e3, lat[rounds * 9 / 10] / 1e3};
        }
    }

    /**
     * One stream of {@code bytes} in {@code chunk}-sized writes; MB/s (10^6) from first write to the reply. Also
     * {@link RelayBench}'s, with {@link #sink} and {@link #echo}.
     */
    static double bulk(Connection c, long bytes, int chunk) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(chunk);
        long t0 = System.nanoTime();
        BiStream s = c.openBi();
        for (long sent = 0; sent < bytes; sent += chunk) {
            buf.clear();
            s.send().writeAll(buf);
        }
        s.send().finish();
        long count = ByteBuffer.wrap(s.recv().readToEnd(8)).getLong();
        long t1 = System.nanoTime();
        if (count < bytes) {
            throw new IllegalStateException("sink counted " + count + " of " + bytes);
        }
        return count / 1e6 / ((t1 - t0) / 1e9);
    }

    static void sink(Connection c) throws Exception {
        while (true) {
            BiStream s;
            try {
                s = c.acceptBi(java.time.Duration.ZERO);
            } catch (java.io.IOException e) {
                return;
            }
            RecvStream in = s.recv();
            SendStream out = s.send();
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            long n = 0;
            while (true) {
                buf.clear();
                int r = in.read(buf);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            out.writeAll(ByteBuffer.allocate(8).putLong(0, n));
            out.finish();
        }
    }

    static void echo(Connection c) throws Exception {
        while (true) {
            BiStream s;
            try {
                s = c.acceptBi(java.time.Duration.ZERO);
            } catch (java.io.IOException e) {
                return;
            }
            s.send().writeAll(s.recv().readToEnd(1 << 20));
            s.send().finish();
        }
    }
}
