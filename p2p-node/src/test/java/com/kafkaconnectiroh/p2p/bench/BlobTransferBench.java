package com.kafkaconnectiroh.p2p.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.BlobsProtocol;
import com.kafkaconnectiroh.p2p.blobs.DownloadListener;
import com.kafkaconnectiroh.p2p.blobs.DownloadResult;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One blob (1 GiB by default) over loopback through the iroh-blobs protocol in all four pairings: Java → Java,
 * iroh 0.35 → Java, Java → iroh 0.35, iroh 0.35 → iroh 0.35 (the reference). Every receiver verifies as it
 * stores (BAO) and writes to a file store on disk. Times are wall clock from request to complete, taken by the
 * receiving side (Java: the download call; iroh: the harness's {@code blob-download} {@code ms}). Prints MB/s
 * (10^6 bytes) and ratios to iroh → iroh; asserts nothing.
 *
 * <p>The JVM is warmed first by an untimed Java → Java transfer ({@code warmupMib}), and the BLAKE3 SIMD kernel
 * is warmed up and active before anything is timed, as in a long-running node: JIT compilation of the QUIC, BAO
 * and store paths and the kernel's warm-up otherwise dominate the first seconds ({@code ColdStartBench}
 * measures that case). iroh needs no warm-up.
 *
 * <p>The harness's iroh nodes keep blobs in memory ({@code Iroh.memory}); Java nodes use a file store (flushed to
 * disk, as a real node) unless {@code -Dbench.store=mem}.
 *
 * <p>Args: {@code [mib=1024] [runs=1] [warmupMib=256] [dir=/tmp]}. Needs the harness's node_modules and about
 * 8× the size on disk.
 */
public final class BlobTransferBench {
    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long warmupMib = args.length > 2 ? Long.parseLong(args[2]) : 256;
        Path base = Files.createTempDirectory(Path.of(args.length > 3 ? args[3] : System.getProperty("java.io.tmpdir")),
                "blob-bench");
        long size = mib << 20;
        System.out.printf(Locale.ROOT, "BlobTransferBench: %d MiB, %d run(s), %d cores, BLAKE3 %s, Java store %s, load average %.2f%n",
                mib, runs, Runtime.getRuntime().availableProcessors(), Blake3.implementation(), MEM ? "memory" : "files",
                loadAverage());
        Map<String, double[]> results = new LinkedHashMap<>();
        try {
            if (warmupMib > 0) {
                Path warm = base.resolve("warmup.bin");
                Pattern.writeFile(warm, 8, warmupMib << 20);
                // A long-running node has its SIMD kernel warm (a process starts that itself after some GB of
                // hashing); warmed here before the transfers, in a quiet JVM, where it reliably takes over.
                long k0 = System.nanoTime();
                warmBlake3Now();
                while (!Blake3.activeImplementation().equals(Blake3.implementation()) && System.nanoTime() - k0 < 180_000_000_000L) {
                    Thread.sleep(100);
                }
                System.out.printf(Locale.ROOT, "  BLAKE3 %s active after %.1f s%n", Blake3.activeImplementation(), (System.nanoTime() - k0) / 1e9);
                double w = javaToJava(base, warm, warmupMib << 20, 99);
                System.out.printf(Locale.ROOT, "  warm-up: Java -> Java %d MiB at %.1f MB/s (BLAKE3 now %s)%n", warmupMib, w,
                        Blake3.activeImplementation());
                Files.delete(warm);
            }
            Path file = base.resolve("source.bin");
            Pattern.writeFile(file, 7, size);
            for (int r = 0; r < runs; r++) {
                final int run = r;
                measure(results, "iroh -> iroh", run, () -> irohToIroh(base, file, size));
                measure(results, "iroh -> Java", run, () -> irohToJava(base, file, size, run));
                measure(results, "Java -> iroh", run, () -> javaToIroh(base, file, size, run));
                measure(results, "Java -> Java", run, () -> javaToJava(base, file, size, run));
            }
        } finally {
            ColdProcesses.deleteTreeQuietly(base);
        }
        double ref = best(results.get("iroh -> iroh"));
        double refCpu = minCpu(results.get("iroh -> iroh cpu"));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-14s %10s %10s %10s %14s %10s%n", "pairing", "best MB/s", "runs", "vs iroh->iroh",
                "CPU ms/MB (min)", "ratio");
        for (Map.Entry<String, double[]> e : results.entrySet()) {
            if (e.getKey().endsWith(" cpu")) {
                continue;
            }
            double cpuMin = minCpu(results.get(e.getKey() + " cpu"));
            double b = best(e.getValue());
            StringBuilder all = new StringBuilder();
            for (double v : e.getValue()) {
                if (v > 0) {
                    all.append(all.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.0f", v));
                }
            }
            System.out.printf(Locale.ROOT, "%-14s %10.1f %10s %10.2fx %14.2f %9.2fx%n", e.getKey(), b, all, ref > 0 ? b / ref : 0,
                    cpuMin, refCpu / cpuMin);
        }
        System.out.printf(Locale.ROOT, "load average after: %.2f%n", loadAverage());
        System.exit(0);
    }

    private interface Transfer {
        double mbPerSec() throws Exception;
    }

    /** CPU ms per MB (both sides) of the last transfer; see {@link CpuMeter}. */
    private static double lastCpuPerMb;

    /**
     * CPU of the processes on both sides of one transfer, from {@code /proc}: this JVM when a Java side takes part,
     * plus the harness processes of the iroh sides. Unlike MB/s it barely depends on the machine's other load.
     */
    private static final class CpuMeter {
        private final long[] pids;
        private final long[] start;

        CpuMeter(boolean thisJvm, IrohPeer... iroh) {
            pids = new long[iroh.length + (thisJvm ? 1 : 0)];
            for (int i = 0; i < iroh.length; i++) {
                pids[i] = iroh[i].readyEvent().get("pid").asLong();
            }
            if (thisJvm) {
                pids[iroh.length] = ProcessHandle.current().pid();
            }
            start = new long[pids.length];
            for (int i = 0; i < pids.length; i++) {
                start[i] = ColdProcesses.cpuMillis(pids[i]);
            }
        }

        void done(long bytes) {
            long ms = 0;
            for (int i = 0; i < pids.length; i++) {
                ms += ColdProcesses.cpuMillis(pids[i]) - start[i];
            }
            lastCpuPerMb = ms / (bytes / 1e6);
        }
    }

    private static void measure(Map<String, double[]> results, String name, int run, Transfer t) {
        double[] r = results.computeIfAbsent(name, k -> new double[64]);
        try {
            lastCpuPerMb = Double.NaN;
            r[run] = t.mbPerSec();
            results.computeIfAbsent(name + " cpu", k -> new double[64])[run] = lastCpuPerMb;
            System.out.printf(Locale.ROOT, "  %-14s run %d: %8.1f MB/s, CPU %.2f ms/MB both sides (load %.2f, BLAKE3 %s)%n", name, run + 1,
                    r[run], lastCpuPerMb, loadAverage(), Blake3.activeImplementation());
        } catch (Exception e) {
            System.out.printf(Locale.ROOT, "  %-14s run %d: FAILED %s%n", name, run + 1, e);
        }
    }

    private static double irohToIroh(Path base, Path file, long size) {
        try (IrohPeer a = IrohPeer.start(IrohVersion.V035, PeerOption.name("bench-provider"),
                PeerOption.callTimeout(Duration.ofMinutes(30)));
                IrohPeer b = IrohPeer.start(IrohVersion.V035, PeerOption.name("bench-getter"),
                        PeerOption.callTimeout(Duration.ofMinutes(30)))) {
            String hash = a.call("blob-add", "path", file.toString()).get("hashHex").asText();
            String ticket = a.call("blob-ticket", "hash", hash, "format", "raw").get("ticket").asText();
            CpuMeter cpu = new CpuMeter(false, a, b);
            JsonNode r = b.call("blob-download", IrohPeer.params("ticket", ticket, "timeoutMs", 1_800_000));
            cpu.done(size);
            check(r.get("complete").asBoolean(), "iroh getter not complete: " + r);
            return size / 1e6 / (r.get("ms").asDouble() / 1000);
        }
    }

    private static double irohToJava(Path base, Path file, long size, int run) throws IOException {
        try (IrohPeer a = IrohPeer.start(IrohVersion.V035, PeerOption.name("bench-provider"),
                PeerOption.callTimeout(Duration.ofMinutes(30)));
                Node j = new Node(base.resolve("i2j-" + run))) {
            String hash = a.call("blob-add", "path", file.toString()).get("hashHex").asText();
            BlobTicket t = BlobTicket.parse(a.call("blob-ticket", "hash", hash, "format", "raw").get("ticket").asText());
            CpuMeter cpu = new CpuMeter(true, a);
            long t0 = System.nanoTime();
            DownloadResult r = j.blobs.download(t, DownloadListener.NONE);
            double secs = (System.nanoTime() - t0) / 1e9;
            cpu.done(size);
            check(r.totalBytes() == size && j.blobs.status(Hash.parse(hash)).isComplete(), "Java getter: " + r);
            return size / 1e6 / secs;
        }
    }

    private static double javaToIroh(Path base, Path file, long size, int run) throws IOException {
        try (Node j = new Node(base.resolve("j2i-" + run));
                IrohPeer b = IrohPeer.start(IrohVersion.V035, PeerOption.name("bench-getter"),
                        PeerOption.callTimeout(Duration.ofMinutes(30)))) {
            Blobs.AddOutcome added = j.blobs.add(file);
            String ticket = j.blobs.ticket(added.content()).toString();
            CpuMeter cpu = new CpuMeter(true, b);
            JsonNode r = b.call("blob-download", IrohPeer.params("ticket", ticket, "timeoutMs", 1_800_000));
            cpu.done(size);
            check(r.get("complete").asBoolean(), "iroh getter not complete: " + r);
            return size / 1e6 / (r.get("ms").asDouble() / 1000);
        }
    }

    private static double javaToJava(Path base, Path file, long size, int run) throws IOException {
        try (Node p = new Node(base.resolve("j2j-p-" + run)); Node g = new Node(base.resolve("j2j-g-" + run))) {
            Blobs.AddOutcome added = p.blobs.add(file);
            CpuMeter cpu = new CpuMeter(true);
            long t0 = System.nanoTime();
            DownloadResult r = g.blobs.download(p.blobs.ticket(added.content()), DownloadListener.NONE);
            double secs = (System.nanoTime() - t0) / 1e9;
            cpu.done(size);
            check(r.totalBytes() == size && g.blobs.status(added.hash()).isComplete(), "Java getter: " + r);
            return size / 1e6 / secs;
        }
    }

    private static final boolean MEM = "mem".equals(System.getProperty("bench.store"));

    /** A Java blobs node with a file store (or memory, see the class comment), serving. */
    private static final class Node implements AutoCloseable {
        final com.kafkaconnectiroh.p2p.blobs.store.BlobStore store;
        final Endpoint endpoint;
        final Router router;
        final Blobs blobs;
        final Path dir;

        Node(Path dir) throws IOException {
            this.dir = dir;
            store = MEM ? new com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore() : FsBlobStore.open(dir);
            endpoint = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind();
            blobs = new Blobs(endpoint, store);
            router = Router.builder(endpoint).accept(BlobsProtocol.ALPN, blobs.provider()).spawn();
        }

        @Override
        public void close() throws IOException {
            router.close();
            store.close();
            if (Files.exists(dir)) {
                ColdProcesses.deleteTreeQuietly(dir); // keeps the disk use to a few copies of the blob
            }
        }
    }

    /** {@code Blake3.warmUpNow()}; builds before it had {@code expectBulkUse()} start the warm-up at once. */
    private static void warmBlake3Now() throws ReflectiveOperationException {
        try {
            Blake3.class.getMethod("warmUpNow").invoke(null);
        } catch (NoSuchMethodException older) {
            Blake3.class.getMethod("expectBulkUse").invoke(null);
        }
    }

    /** The lowest CPU per MB over the runs (the least disturbed one). */
    private static double minCpu(double[] r) {
        double m = Double.NaN;
        if (r != null) {
            for (double v : r) {
                if (v > 0 && !(v >= m)) {
                    m = v;
                }
            }
        }
        return m;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    private static double best(double[] r) {
        double b = 0;
        if (r != null) {
            for (double v : r) {
                b = Math.max(b, v);
            }
        }
        return b;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
