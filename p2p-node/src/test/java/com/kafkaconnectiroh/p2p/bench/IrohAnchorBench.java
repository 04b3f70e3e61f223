package com.kafkaconnectiroh.p2p.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Anchor figures for real iroh on loopback, measured entirely inside the harness (no Java QUIC involved):
 * handshake latency (connect + first echo round trip + close; reused vs fresh client endpoint) and
 * single-stream throughput to a sink. The Java node's benchmarks compare against these.
 *
 * <p>Arguments (all optional): {@code runs=3 handshakes=50 freshV035=5 gib035=1 mib1=32}.
 */
public final class IrohAnchorBench {
    private static final String ECHO = "bench/echo";
    private static final String SINK = "bench/sink";

    private IrohAnchorBench() {
    }

    public static void main(String[] args) {
        int runs = arg(args, "runs", 3);
        int handshakes = arg(args, "handshakes", 50);
        int freshV035 = arg(args, "freshV035", 5);
        int gib035 = arg(args, "gib035", 1);
        int mib1 = arg(args, "mib1", 32);
        System.out.printf(Locale.ROOT, "iroh anchor bench: runs=%d handshakes=%d freshV035=%d gib035=%d mib1=%d%n",
                runs, handshakes, freshV035, gib035, mib1);
        for (IrohVersion v : IrohVersion.values()) {
            try (IrohPeer server = IrohPeer.start(v, PeerOption.name("bench-server-" + v.name()),
                    PeerOption.alpn(ECHO, Behaviour.ECHO), PeerOption.alpn(SINK, Behaviour.SINK));
                 IrohPeer client = IrohPeer.start(v, PeerOption.name("bench-client-" + v.name()))) {
                int freshCount = v == IrohVersion.V035 ? freshV035 : handshakes;
                handshake(client, server, v, true, handshakes, runs);
                handshake(client, server, v, false, freshCount, runs);
                long bytes = v == IrohVersion.V035 ? (long) gib035 << 30 : (long) mib1 << 20;
                throughput(client, server, v, bytes, runs);
            }
        }
    }

    private static void handshake(IrohPeer client, IrohPeer server, IrohVersion v, boolean reuse, int count, int runs) {
        List<Double> medians = new ArrayList<>();
        List<Double> connect = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            JsonNode res = client.call("bench-handshake", IrohPeer.params("addr", server.addr(), "alpn", ECHO, "count", count,
                    "reuse", reuse), Duration.ofMinutes(10));
            medians.add(res.get("medianMs").asDouble());
            connect.add(res.get("connectMedianMs").asDouble());
            System.out.printf(Locale.ROOT, "  iroh %-6s handshake %-6s run %d: median %.2f ms, p90 %.2f ms, connect median %.2f ms (n=%d)%n",
                    v.release(), reuse ? "reused" : "fresh", r + 1, res.get("medianMs").asDouble(), res.get("p90Ms").asDouble(),
                    res.get("connectMedianMs").asDouble(), res.get("n").asInt());
        }
        System.out.printf(Locale.ROOT, "iroh %-6s handshake %-6s: median of run medians %.2f ms (connect only %.2f ms)%n",
                v.release(), reuse ? "reused" : "fresh", median(medians), median(connect));
    }

    private static void throughput(IrohPeer client, IrohPeer server, IrohVersion v, long bytes, int runs) {
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            JsonNode res = client.call("bench-throughput", IrohPeer.params("addr", server.addr(), "alpn", SINK, "bytes", bytes),
                    Duration.ofMinutes(15));
            rates.add(res.get("mbPerSec").asDouble());
            System.out.printf(Locale.ROOT, "  iroh %-6s throughput run %d: %d bytes in %.0f ms = %.1f MB/s%n",
                    v.release(), r + 1, bytes, res.get("ms").asDouble(), res.get("mbPerSec").asDouble());
        }
        System.out.printf(Locale.ROOT, "iroh %-6s throughput (%d MiB, one stream, 1 MB = 10^6 B): median %.1f MB/s%n",
                v.release(), bytes >> 20, median(rates));
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static int arg(String[] args, String name, int dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return dflt;
    }
}
