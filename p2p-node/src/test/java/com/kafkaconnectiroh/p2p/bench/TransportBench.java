package com.kafkaconnectiroh.p2p.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.ping.Speedtest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The issue-4 transport benchmark, all on loopback in one run: handshake latency and single-stream throughput for
 * Java→Java, Java→iroh, iroh→Java and iroh→iroh, with ratios against iroh→iroh measured in the same run.
 *
 * <ul>
 * <li><b>Handshake</b>: connect until the connection is usable, then one 32-byte echo round trip on a new bi
 * stream, then close; median and p90 over {@code handshakes} iterations, with one reused client endpoint and with
 * a fresh client endpoint per iteration (binding it is not timed). Anchor and iroh side: iroh 1.0.2
 * ({@code @number0/iroh@1.1.0}), the harness's {@code bench-handshake}.</li>
 * <li><b>Throughput</b>: {@code gib} GiB on one bi stream to a sink that answers the count; MB/s (10^6 B) from the
 * first write to the count. Anchor and iroh side: iroh 0.35.0 (its Buffer API; the 1.x binding is too slow to be
 * an anchor), the harness's {@code bench-throughput} and {@code sink}. The Java sink is the CLI's speedtest
 * server, which speaks the sink protocol.</li>
 * </ul>
 *
 * <p>The Java server runs in a second JVM (this class with argument {@code child}), so the two Java sides share
 * no JIT or heap. Java figures are taken after a warm-up ({@code warmup} handshakes Java→Java, a third of that each
 * way with iroh, a tenth with fresh clients; 1 GiB Java→Java, 256 MiB Java→iroh, 512 MiB iroh→Java), as for a
 * long-running node; iroh needs none. Each run measures the paths in a rotated order. Ratios are "as fast as
 * iroh→iroh = 1.00": throughput divided by the anchor's, the anchor's handshake time divided by ours. A second
 * table gives the CPU time of each process per handshake and per MB (from {@code /proc}), which depends far less
 * on the machine's other load. Goals: Java→Java ≥ 1.00, Java↔iroh ≥ 0.80.
 *
 * <p>Arguments (all optional): {@code runs=3 handshakes=100 fresh=30 warmup=3000 gib=1} ({@code mib=N}
 * instead of {@code gib} for a quick try). Run in the {@code p2p-node} directory as {@code docs/benchmarks.md}
 * shows.
 */
public final class TransportBench {
    static final String ECHO = "bench/echo";
    static final String SINK = "bench/sink";
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private TransportBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child();
            return;
        }
        int runs = arg(args, "runs", 3);
        int handshakes = arg(args, "handshakes", 100);
        int fresh = arg(args, "fresh", 30);
        int warmup = arg(args, "warmup", 3000);
        int mib = arg(args, "mib", 0);
        long bytes = mib > 0 ? (long) mib << 20 : (long) arg(args, "gib", 1) << 30;
        System.out.printf(Locale.ROOT, "TransportBench: runs=%d handshakes=%d fresh=%d warmup=%d bytes=%d; %d cores, load %s%n",
                runs, handshakes, fresh, warmup, bytes, Runtime.getRuntime().availableProcessors(), loadAverage());

        ExecutorService pool = Executors.newFixedThreadPool(4);
        Future<IrohPeer> s1 = pool.submit(() -> IrohPeer.start(IrohVersion.V1, PeerOption.name("tb-server-1"),
                PeerOption.alpn(ECHO, Behaviour.ECHO), PeerOption.alpn(SINK, Behaviour.SINK)));
        Future<IrohPeer> c1 = pool.submit(() -> IrohPeer.start(IrohVersion.V1, PeerOption.name("tb-client-1")));
        Future<IrohPeer> s035 = pool.submit(() -> IrohPeer.start(IrohVersion.V035, PeerOption.name("tb-server-035"),
                PeerOption.alpn(ECHO, Behaviour.ECHO), PeerOption.alpn(SINK, Behaviour.SINK)));
        Future<IrohPeer> c035 = pool.submit(() -> IrohPeer.start(IrohVersion.V035, PeerOption.name("tb-client-035")));
        pool.shutdown();
        try (ChildJvm javaServer = ChildJvm.start();
             IrohPeer irohServer1 = s1.get(); IrohPeer irohClient1 = c1.get();
             IrohPeer irohServer035 = s035.get(); IrohPeer irohClient035 = c035.get();
             Endpoint javaClient = Endpoint.builder().bindAddr(LOOPBACK).bind()) {
            EndpointAddr javaAddr = javaServer.addr();
            EndpointAddr iroh1Addr = addrOf(irohServer1);
            EndpointAddr iroh035Addr = addrOf(irohServer035);

            long self = ProcessHandle.current().pid();
            long child = javaServer.process.pid();
            Path irohIroh = new Path("iroh→iroh (anchor)",
                    (n, reuse) -> irohHandshakes(irohClient1, iroh1Addr, n, reuse), pid(irohClient1), pid(irohServer1),
                    b -> irohUpload(irohClient035, iroh035Addr, SINK, b), pid(irohClient035), pid(irohServer035));
            Path javaJava = new Path("Java→Java",
                    (n, reuse) -> javaHandshakes(javaClient, javaAddr, n, reuse), self, child,
                    b -> javaUpload(javaClient, javaAddr, b), self, child);
            Path javaIroh = new Path("Java→iroh",
                    (n, reuse) -> javaHandshakes(javaClient, iroh1Addr, n, reuse), self, pid(irohServer1),
                    b -> javaUpload(javaClient, iroh035Addr, b), self, pid(irohServer035));
            Path irohJava = new Path("iroh→Java",
                    (n, reuse) -> irohHandshakes(irohClient1, javaAddr, n, reuse), pid(irohClient1), child,
                    b -> irohUpload(irohClient035, javaAddr, Speedtest.ALPN, b), pid(irohClient035), child);
            List<Path> paths = List.of(irohIroh, javaJava, javaIroh, irohJava);

            // Warm-up of both JVMs (and of the iroh paths into Java), not measured: the handshake path needs a few
            // thousand handshakes and the bulk path about a GiB before C2 has compiled them.
            System.out.println("warming up ...");
            javaJava.handshakes.measure(warmup, true);
            javaIroh.handshakes.measure(warmup / 3, true);
            irohJava.handshakes.measure(warmup / 3, true);
            javaJava.handshakes.measure(warmup / 10, false);
            javaJava.upload.measure(1L << 30);
            javaIroh.upload.measure(256L << 20);
            irohJava.upload.measure(512L << 20);

            for (int r = 0; r < runs; r++) {
                System.out.printf(Locale.ROOT, "run %d/%d (load %s)%n", r + 1, runs, loadAverage());
                // each run starts with another path, so none always runs right after the same one
                List<Path> order = new ArrayList<>(paths);
                Collections.rotate(order, -r);
                for (Path path : order) {
                    path.measureHandshakes(handshakes, true);
                }
                for (Path path : order) {
                    path.measureHandshakes(fresh, false);
                }
                for (Path path : order) {
                    path.measureUpload(bytes);
                }
                for (Path path : paths) {
                    System.out.println("  " + path.last());
                }
            }
            System.out.printf(Locale.ROOT, "%nmedians over %d runs (handshake = connect + 32 B echo round trip + close, ms;"
                    + " throughput = %d MiB on one stream, MB/s; ratio: 1.00 = as fast as iroh→iroh)%n", runs, bytes >> 20);
            System.out.printf(Locale.ROOT, "%-20s | %-28s | %-28s | %-18s%n", "path", "handshake, reused client",
                    "handshake, fresh client", "throughput");
            System.out.printf(Locale.ROOT, "%-20s | %8s %8s %8s  | %8s %8s %8s  | %8s %8s%n", "", "median", "p90", "ratio",
                    "median", "p90", "ratio", "MB/s", "ratio");
            for (Path row : paths) {
                System.out.printf(Locale.ROOT, "%-20s | %8.2f %8.2f %8.2f  | %8.2f %8.2f %8.2f  | %8.1f %8.2f%n",
                        row.name,
                        row.median(row.reused, 0), row.median(row.reused, 1), irohIroh.median(irohIroh.reused, 0) / row.median(row.reused, 0),
                        row.median(row.fresh, 0), row.median(row.fresh, 1), irohIroh.median(irohIroh.fresh, 0) / row.median(row.fresh, 0),
                        median(row.mbps), median(row.mbps) / median(irohIroh.mbps));
            }
            System.out.printf(Locale.ROOT, "%nCPU time (all threads of each process, from /proc; medians over runs; ratio:"
                    + " iroh→iroh's cost / this path's, 1.00 = as cheap)%n");
            System.out.printf(Locale.ROOT, "%-20s | %-38s | %-38s%n", "path", "per handshake (reused client), ms",
                    "per MB of throughput, ms");
            System.out.printf(Locale.ROOT, "%-20s | %8s %8s %8s %8s   | %8s %8s %8s %8s%n", "", "client", "server", "sum",
                    "ratio", "sender", "receiver", "sum", "ratio");
            for (Path row : paths) {
                double hc = median(row.cpuHandshakeClient);
                double hs = median(row.cpuHandshakeServer);
                double ts = median(row.cpuMbSender);
                double tr = median(row.cpuMbReceiver);
                double anchorH = median(irohIroh.cpuHandshakeClient) + median(irohIroh.cpuHandshakeServer);
                double anchorT = median(irohIroh.cpuMbSender) + median(irohIroh.cpuMbReceiver);
                System.out.printf(Locale.ROOT, "%-20s | %8.3f %8.3f %8.3f %8.2f   | %8.3f %8.3f %8.3f %8.2f%n", row.name,
                        hc, hs, hc + hs, anchorH / (hc + hs), ts, tr, ts + tr, anchorT / (ts + tr));
            }
            System.out.printf(Locale.ROOT, "load after: %s%n", loadAverage());
        }
    }

    @FunctionalInterface
    interface Handshakes {
        double[] measure(int count, boolean reuse) throws Exception;
    }

    @FunctionalInterface
    interface Upload {
        double measure(long bytes) throws Exception;
    }

    /** One direction between two implementations, and its samples per run. */
    static final class Path {
        final String name;
        final Handshakes handshakes;
        final long handshakeClient;
        final long handshakeServer;
        final Upload upload;
        final long sender;
        final long receiver;
        final List<double[]> reused = new ArrayList<>();
        final List<double[]> fresh = new ArrayList<>();
        final List<Double> mbps = new ArrayList<>();
        final List<Double> cpuHandshakeClient = new ArrayList<>();
        final List<Double> cpuHandshakeServer = new ArrayList<>();
        final List<Double> cpuMbSender = new ArrayList<>();
        final List<Double> cpuMbReceiver = new ArrayList<>();

        Path(String name, Handshakes handshakes, long handshakeClient, long handshakeServer, Upload upload, long sender,
                long receiver) {
            this.name = name;
            this.handshakes = handshakes;
            this.handshakeClient = handshakeClient;
            this.handshakeServer = handshakeServer;
            this.upload = upload;
            this.sender = sender;
            this.receiver = receiver;
        }

        void measureHandshakes(int count, boolean reuse) throws Exception {
            long c0 = cpuMillis(handshakeClient);
            long s0 = cpuMillis(handshakeServer);
            double[] r = handshakes.measure(count, reuse);
            if (reuse) {
                cpuHandshakeClient.add((cpuMillis(handshakeClient) - c0) / (double) count);
                cpuHandshakeServer.add((cpuMillis(handshakeServer) - s0) / (double) count);
                reused.add(r);
            } else {
                fresh.add(r);
            }
        }

        void measureUpload(long bytes) throws Exception {
            long c0 = cpuMillis(sender);
            long s0 = cpuMillis(receiver);
            mbps.add(upload.measure(bytes));
            cpuMbSender.add((cpuMillis(sender) - c0) / (bytes / 1e6));
            cpuMbReceiver.add((cpuMillis(receiver) - s0) / (bytes / 1e6));
        }

        double median(List<double[]> runs, int which) {
            List<Double> xs = new ArrayList<>();
            runs.forEach(r -> xs.add(r[which]));
            return TransportBench.median(xs);
        }

        String last() {
            double[] r = reused.get(reused.size() - 1);
            double[] f = fresh.get(fresh.size() - 1);
            int i = mbps.size() - 1;
            return String.format(Locale.ROOT, "%-20s reused %6.2f/%6.2f ms  fresh %6.2f/%6.2f ms  %7.1f MB/s"
                    + "  cpu/handshake %.2f+%.2f ms  cpu/MB %.2f+%.2f ms", name, r[0], r[1], f[0], f[1], mbps.get(i),
                    cpuHandshakeClient.get(i), cpuHandshakeServer.get(i), cpuMbSender.get(i), cpuMbReceiver.get(i));
        }
    }

    static long pid(IrohPeer p) {
        return p.readyEvent().get("pid").asLong();
    }

    /** User + system CPU time of a process in ms, from {@code /proc/<pid>/stat} (Linux; USER_HZ = 100). */
    static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    // ================================================================================================
    // Java client side

    /** {median, p90} in ms of connect + echo round trip + close; a fresh client endpoint per iteration if !reuse. */
    static double[] javaHandshakes(Endpoint reused, EndpointAddr target, int count, boolean reuse) throws IOException {
        double[] ms = new double[count];
        byte[] request = new byte[32];
        for (int i = 0; i < count; i++) {
            Endpoint client = reuse ? reused : Endpoint.builder().bindAddr(LOOPBACK).bind();
            try {
                long t0 = System.nanoTime();
                Connection c = client.connect(target, ECHO);
                BiStream s = c.openBi();
                s.send().writeAll(request);
                s.send().finish();
                byte[] back = s.recv().readToEnd(64);
                c.close(0, "bench");
                ms[i] = (System.nanoTime() - t0) / 1e6;
                if (back.length != request.length) {
                    throw new IOException("echo returned " + back.length + " bytes, expected " + request.length);
                }
            } finally {
                if (!reuse) {
                    client.close();
                }
            }
        }
        return stats(ms);
    }

    static double javaUpload(Endpoint client, EndpointAddr target, long bytes) throws IOException {
        Connection c = client.connect(target, alpnFor(target));
        try {
            return Speedtest.upload(c, bytes, null).mbPerSec();
        } finally {
            c.close(0, "done");
        }
    }

    /** The Java child serves the sink as the speedtest ALPN; iroh as {@link #SINK}. */
    private static volatile EndpointAddr childAddr;

    static String alpnFor(EndpointAddr target) {
        return target.equals(childAddr) ? Speedtest.ALPN : SINK;
    }

    // ================================================================================================
    // iroh client side

    static double[] irohHandshakes(IrohPeer client, EndpointAddr target, int count, boolean reuse) {
        JsonNode r = client.call("bench-handshake", IrohPeer.params("addr", harnessAddr(target), "alpn", ECHO,
                "count", count, "reuse", reuse), Duration.ofMinutes(10));
        return new double[] {r.get("medianMs").asDouble(), r.get("p90Ms").asDouble()};
    }

    static double irohUpload(IrohPeer client, EndpointAddr target, String alpn, long bytes) {
        JsonNode r = client.call("bench-throughput", IrohPeer.params("addr", harnessAddr(target), "alpn", alpn,
                "bytes", bytes), Duration.ofMinutes(15));
        return r.get("mbPerSec").asDouble();
    }

    static ObjectNode harnessAddr(EndpointAddr a) {
        ObjectNode o = IrohPeer.params("id", a.id().toString());
        var list = o.putArray("addrs");
        a.ipAddrs().forEach(x -> list.add(SocketAddrs.format(x)));
        return o;
    }

    static EndpointAddr addrOf(IrohPeer p) {
        List<InetSocketAddress> addrs = new ArrayList<>();
        p.addrs().forEach(a -> addrs.add(SocketAddrs.parse(a)));
        return EndpointAddr.of(p.endpointId(), null, addrs);
    }

    // ================================================================================================
    // The Java server, in its own JVM

    /** Child mode: a Java node with the echo and the speedtest (sink) protocols; runs until stdin closes. */
    static void child() throws Exception {
        try (Endpoint ep = Endpoint.builder().bindAddr(LOOPBACK).bind();
             Router router = Router.builder(ep).accept(ECHO, TransportBench::echo)
                     .accept(Speedtest.ALPN, new Speedtest()).spawn()) {
            System.out.println("addr " + ep.id() + "@" + SocketAddrs.format(ep.boundAddress()));
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to go away
            }
        }
    }

    static void echo(Connection c) throws Exception {
        while (true) {
            BiStream s;
            try {
                s = c.acceptBi(Duration.ZERO);
            } catch (IOException e) {
                return;
            }
            s.send().writeAll(s.recv().readToEnd(1 << 20));
            s.send().finish();
        }
    }

    /** The second JVM: same java, same class path, same module flags as this one. */
    static final class ChildJvm implements AutoCloseable {
        final Process process;
        final EndpointAddr addr;

        private ChildJvm(Process process, EndpointAddr addr) {
            this.process = process;
            this.addr = addr;
        }

        static ChildJvm start() throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if ((a.startsWith("--add-modules") || a.startsWith("-Xm") || a.startsWith("-XX:"))
                        && !a.contains("FlightRecord")) {
                    cmd.add(a);
                }
            }
            // e.g. -Dtb.childOpts="-XX:StartFlightRecording=filename=child.jfr" to profile the server side
            String extra = System.getProperty("tb.childOpts", "").trim();
            if (!extra.isEmpty()) {
                cmd.addAll(List.of(extra.split("\\s+")));
            }
            if (cmd.stream().noneMatch(a -> a.startsWith("--add-modules"))) {
                cmd.add("--add-modules=jdk.incubator.vector");
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TransportBench.class.getName(), "child"));
            java.nio.file.Path log = java.nio.file.Path.of("target", "transport-bench-child.log").toAbsolutePath();
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("addr ")) {
                line = out.readLine(); // e.g. JVM logging
            }
            if (line == null) {
                p.destroyForcibly();
                throw new IOException("child JVM did not start (" + line + "); see " + log);
            }
            EndpointAddr addr = EndpointAddrs.parse(line.substring(5));
            childAddr = addr;
            System.out.println("Java server JVM pid " + p.pid() + " at " + line.substring(5) + " (" + String.join(" ",
                    cmd.subList(1, cmd.indexOf("-cp"))) + ")");
            return new ChildJvm(p, addr);
        }

        EndpointAddr addr() {
            return addr;
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    // ================================================================================================

    static double[] stats(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        // the harness's quantiles: s[floor(q * n)]
        return new double[] {s[s.length / 2], s[Math.min(s.length - 1, (int) Math.floor(0.9 * s.length))]};
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static int arg(String[] args, String name, int dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return dflt;
    }
}
