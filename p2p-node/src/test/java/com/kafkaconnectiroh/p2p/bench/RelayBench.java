package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.PathType;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Relayed vs direct between two Java endpoints on loopback, in one run: the same pair of endpoints dials the
 * server once by its direct address and once by its id and relay URL only (the Java relay server in this
 * process), then measures bulk throughput of one stream (1 MiB writes to a sink) and small request/response round
 * trips on each connection, alternating, and prints the figures and the relayed/direct ratio. Asserts nothing.
 *
 * <p>Args: {@code [megabytes=128] [rounds=1000] [repeats=3]}. The relay shares the machine's cores with both
 * endpoints (as a relay on the same host would): the ratio is a lower bound of what a dedicated relay gives.
 */
public final class RelayBench {
    private static final String SINK = "bench/sink";
    private static final String ECHO = "bench/echo";
    private static final Duration WAIT = Duration.ofSeconds(30);

    public static void main(String[] args) throws Exception {
        long mb = args.length > 0 ? Long.parseLong(args[0]) : 128;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf(Locale.ROOT, "RelayBench: %d MB per run, %d round trips, %d repeats; %d cores%n", mb, rounds,
                repeats, Runtime.getRuntime().availableProcessors());
        InetSocketAddress lo = new InetSocketAddress("127.0.0.1", 0);
        try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(lo))) {
            RelayUrl url = relay.url();
            try (Endpoint server = Endpoint.builder().bindAddr(lo).relayUrls(url).bind();
                 Endpoint client = Endpoint.builder().bindAddr(lo).relayUrls(url).bind();
                 Router router = Router.builder(server).accept(SINK, EndpointBench::sink).accept(ECHO, EndpointBench::echo)
                         .spawn()) {
                if (!server.online(WAIT) || !client.online(WAIT)) {
                    throw new IllegalStateException("relay " + url + " not connected within " + WAIT);
                }
                EndpointAddr direct = EndpointAddr.of(server.addr().id(), null, server.addr().ipAddrs());
                EndpointAddr relayed = EndpointAddr.of(server.addr().id(), url, List.of());
                Pair d = new Pair(client, direct, PathType.DIRECT);
                Pair r = new Pair(client, relayed, PathType.RELAY);
                d.warmUp();
                r.warmUp();
                for (int i = 0; i < repeats; i++) {
                    d.run(mb << 20, rounds);
                    r.run(mb << 20, rounds);
                }
                double[] dm = d.medians();
                double[] rm = r.medians();
                System.out.printf(Locale.ROOT, "%-8s %8s %12s %12s%n", "path", "MB/s", "rtt med us", "rtt p90 us");
                System.out.printf(Locale.ROOT, "%-8s %8.0f %12.0f %12.0f%n", "direct", dm[0], dm[1], dm[2]);
                System.out.printf(Locale.ROOT, "%-8s %8.0f %12.0f %12.0f%n", "relayed", rm[0], rm[1], rm[2]);
                System.out.printf(Locale.ROOT, "relayed/direct: throughput %.2fx, rtt median %.2fx, p90 %.2fx%n",
                        rm[0] / dm[0], rm[1] / dm[1], rm[2] / dm[2]);
                System.out.printf(Locale.ROOT, "relay: %s%n", relay.metrics().snapshot());
                d.close();
                r.close();
            }
        }
    }

    /** A sink and an echo connection to one address of the server, and the figures of each run. */
    private static final class Pair {
        final Connection sink;
        final Connection echo;
        final double[][] runs = new double[64][];
        int n;

        Pair(Endpoint client, EndpointAddr addr, PathType expected) throws IOException {
            sink = client.connect(addr, SINK, WAIT);
            echo = client.connect(addr, ECHO, WAIT);
            for (Connection c : List.of(sink, echo)) {
                if (c.pathType() != expected) {
                    throw new IllegalStateException("expected a " + expected + " path, got " + c.path());
                }
            }
            System.out.printf(Locale.ROOT, "  %s: %s%n", expected, sink.path());
        }

        void warmUp() throws Exception {
            EndpointBench.bulk(sink, 64L << 20, 1 << 20); // JIT, congestion window
            rtt(echo, 200);
        }

        void run(long bytes, int rounds) throws Exception {
            double mbs = EndpointBench.bulk(sink, bytes, 1 << 20);
            long[] lat = rtt(echo, rounds);
            runs[n++] = new double[] {mbs, lat[rounds / 2] / 1e3, lat[rounds * 9 / 10] / 1e3};
        }

        /** The median over runs of each figure. */
        double[] medians() {
            double[] out = new double[3];
            for (int k = 0; k < 3; k++) {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = runs[i][k];
                }
                Arrays.sort(v);
                out[k] = v[n / 2];
            }
            return out;
        }

        void close() {
            sink.close(0, "");
            echo.close(0, "");
        }
    }

    /** {@code rounds} 32-byte request/response exchanges, one bi stream each; sorted nanoseconds. */
    private static long[] rtt(Connection echo, int rounds) throws Exception {
        long[] lat = new long[rounds];
        byte[] req = new byte[32];
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            BiStream s = echo.openBi();
            s.send().writeAll(req);
            s.send().finish();
            s.recv().readToEnd(64);
            lat[i] = System.nanoTime() - t0;
        }
        Arrays.sort(lat);
        return lat;
    }
}
