package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.Backoff;
import com.kafkaconnectiroh.connect.common.MdcThreads;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Issue 17: the first 256 MiB a freshly started source task fetches, measured by its in-JVM equivalent: a fresh
 * JVM (this class with argument {@code child}) started with the JVM options {@code connect-distributed.sh} gives
 * a Connect worker (G1, {@code -Xms256M -Xmx2G}, {@code MaxInlineLevel=15}), once without and once with {@code
 * --add-modules jdk.incubator.vector} (a worker has no SIMD BLAKE3 unless {@code KAFKA_OPTS} adds it). The child
 * starts a node as {@code TaskNodes} does (file store in a data dir, loopback) and fetches through the task's own
 * {@link BlobFetcher} ({@code blob.fetch=inline}: download, verified read into the record value, tag dropped), 4
 * at a time ({@code blob.fetch.concurrency} default). Two shapes: 268 blobs of 1,000,000 bytes (the default
 * {@code blob.inline.max.bytes}) and one 256 MiB blob (the limit raised).
 *
 * <p>The provider is a node in this (parent) JVM, warmed by serving the same data once first: the task's peer,
 * a long-running sink or publisher. Prints, per child: time from JVM start to the node up, to the first blob
 * fetched and to the last, MB/s over the fetching, the child's CPU and its per-thread split (from {@code
 * /proc/self/task}). Medians over rounds; asserts nothing.
 *
 * <pre>
 * mvn -q -B test-compile dependency:build-classpath -pl connector-source -am -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test -Dskip.cds=true     # the reactor's modules resolve to their target/classes
 * cd connector-source && java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     com.kafkaconnectiroh.connect.source.ColdTaskFetchBench [rounds=3]
 * </pre>
 */
public final class ColdTaskFetchBench {
    private static final int SMALL = 1_000_000;
    private static final int SMALL_COUNT = 268;
    private static final int BIG = 256 << 20;
    /** What {@code connect-distributed.sh} sets (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS). */
    private static final List<String> WORKER_OPTS = List.of("-Xms256M", "-Xmx2G", "-server", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true");

    private ColdTaskFetchBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0].replace("rounds=", "")) : 3;
        Path base = Files.createTempDirectory("cold-task-bench");
        try (Node provider = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            Random rnd = new Random(17);
            List<Hash> small = new ArrayList<>();
            for (int i = 0; i < SMALL_COUNT; i++) {
                byte[] b = new byte[SMALL];
                rnd.nextBytes(b);
                small.add(provider.blobs().add(b).hash());
            }
            byte[] big = new byte[BIG];
            rnd.nextBytes(big);
            List<Hash> bigOne = List.of(provider.blobs().add(big).hash());
            big = null;
            String addr = provider.addr().id() + "@" + provider.endpoint().boundAddress().getPort();
            System.out.printf(Locale.ROOT, "ColdTaskFetchBench: %d cores, load %s; provider %s warming up%n",
                    Runtime.getRuntime().availableProcessors(), load(), provider.id().fmtShort());
            // The provider is a long-running peer: let it serve everything once (to a throwaway child) first.
            child(base, "warm-up", false, addr, small, SMALL);
            child(base, "warm-up", false, addr, bigOne, BIG);
            Map<String, List<double[]>> results = new TreeMap<>();
            for (int r = 0; r < rounds; r++) {
                for (boolean vector : new boolean[] {false, true}) {
                    for (boolean one : new boolean[] {false, true}) {
                        String label = (one ? "1 x 256 MiB" : SMALL_COUNT + " x 1 MB") + (vector ? ", --add-modules vector" : ", worker default");
                        double[] row = child(base, label, vector, addr, one ? bigOne : small, one ? BIG : SMALL);
                        results.computeIfAbsent(label, k -> new ArrayList<>()).add(row);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%nmedians over %d round(s):%n  %-38s %8s %9s %9s %8s %8s%n", rounds, "child",
                    "node ms", "first ms", "total s", "MB/s", "CPU s");
            for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
                double[] m = new double[5];
                for (int c = 0; c < 5; c++) {
                    final int col = c;
                    m[c] = median(e.getValue().stream().mapToDouble(x -> x[col]).toArray());
                }
                System.out.printf(Locale.ROOT, "  %-38s %8.0f %9.0f %9.2f %8.1f %8.1f%n", e.getKey(), m[0], m[1], m[2] / 1000, m[3], m[4]);
            }
        } finally {
            try (Stream<Path> s = Files.walk(base)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** Runs one child JVM; returns {node ms, first blob ms, total ms (from JVM start), MB/s, CPU s}. */
    private static double[] child(Path base, String label, boolean vector, String addr, List<Hash> hashes, int size)
            throws IOException, InterruptedException {
        Path list = base.resolve("hashes.txt");
        Files.write(list, hashes.stream().map(Hash::toHex).toList());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(WORKER_OPTS);
        if (vector) {
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        Path dataDir = Files.createTempDirectory(base, "task-node");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ColdTaskFetchBench.class.getName(), "child",
                addr, list.toString(), Integer.toString(size), dataDir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String result = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                all.append(l).append('\n');
                if (l.startsWith("result ")) {
                    result = l;
                }
            }
        }
        p.waitFor(10, TimeUnit.MINUTES);
        if (result == null) {
            System.out.println("  " + label + ": FAILED\n" + all);
            return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        }
        String[] f = result.split(" ");
        double[] row = {Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                Double.parseDouble(f[5])};
        System.out.printf(Locale.ROOT, "  %-38s node up %5.0f ms, first blob %6.0f ms, all %7.2f s from JVM start, %6.1f MB/s fetching, CPU %5.1f s (load %s)%n      threads %s%n",
                label, row[0], row[1], row[2] / 1000, row[3], row[4], load(), result.substring(result.indexOf("threads ") + 8));
        return row;
    }

    /** The fresh task node: prints "result nodeMs firstMs totalMs mbPerSec cpuS threads ..." (times from JVM start). */
    private static void child(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        String[] addr = args[1].split("@");
        List<Hash> hashes = Files.readAllLines(Path.of(args[2])).stream().map(Hash::parse).toList();
        long size = Long.parseLong(args[3]);
        EndpointAddr provider = EndpointAddr.of(com.kafkaconnectiroh.p2p.base.EndpointId.parse(addr[0]), null,
                List.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(addr[1]))));
        try (Node node = Node.builder().dataDir(Path.of(args[4])).bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn();
                BlobFetcher fetcher = new BlobFetcher(node.blobs(), 4, Duration.ofMinutes(5),
                        new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)), List.of(), new MdcThreads("bench-task"))) {
            long nodeUp = System.currentTimeMillis();
            long t0 = System.nanoTime();
            List<CompletableFuture<byte[]>> fetches = new ArrayList<>();
            for (Hash h : hashes) {
                fetches.add(fetcher.fetch(new BlobRef(HashAndFormat.raw(h), size, List.of(provider)), provider.id(), size));
            }
            long[] firstDone = {-1};
            CompletableFuture.anyOf(fetches.toArray(CompletableFuture[]::new)).thenRun(() -> firstDone[0] = System.currentTimeMillis());
            long total = 0;
            for (CompletableFuture<byte[]> f : fetches) {
                total += f.get(10, TimeUnit.MINUTES).length;
            }
            long end = System.currentTimeMillis();
            double secs = (System.nanoTime() - t0) / 1e9;
            double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            System.out.printf(Locale.ROOT, "result %d %d %d %.1f %.2f BLAKE3 %s; threads %s%n", nodeUp - jvmStart,
                    firstDone[0] - jvmStart, end - jvmStart, total / 1e6 / secs, cpu, Blake3.activeImplementation(), threads());
        }
        System.exit(0);
    }

    /** CPU ms per thread name (numbers dropped), from /proc/self/task. */
    private static String threads() throws IOException {
        Map<String, Long> g = new TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) s::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("-[0-9a-f]{6,}", "").replaceAll("([-# ]*[0-9]+)+$", "");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    g.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10, Long::sum);
                } catch (IOException | RuntimeException gone) {
                    // thread ended
                }
            }
        }
        StringBuilder b = new StringBuilder();
        g.entrySet().stream().filter(e -> e.getValue() >= 30).sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> b.append(e.getKey()).append(' ').append(e.getValue()).append(", "));
        return b.length() > 2 ? b.substring(0, b.length() - 2) : "";
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
