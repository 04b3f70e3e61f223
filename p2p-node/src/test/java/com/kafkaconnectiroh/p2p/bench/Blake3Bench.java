package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEvent;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;

/**
 * BLAKE3 and BAO throughput against the Rust reference {@code b3sum} measured in the same run.
 *
 * <p>Run (from the repository root; add {@code --add-modules jdk.incubator.vector} for the SIMD kernel):
 * <pre>
 * mvn -q -B -o -pl p2p-node test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test
 * java -Xmx6g --add-modules jdk.incubator.vector -cp p2p-node/target/test-classes:p2p-node/target/classes:$(cat \
 *     p2p-node/target/cp.txt) com.kafkaconnectiroh.p2p.bench.Blake3Bench [MiB, default 1024] [runs, default 5]
 * </pre>
 * b3sum maps the file (it is in the page cache after the first run); its process start-up, timed on an
 * empty file, is subtracted. Our figures are the median of warmed-up runs on data in memory (and one on the
 * file, read from the page cache).
 */
public final class Blake3Bench {
    private Blake3Bench() {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long size = (long) mib << 20;
        System.out.printf("BLAKE3/BAO bench: %d MiB, %d runs, kernel %s, %d cpus, load %s%n", mib, runs,
                Blake3.implementation(), Runtime.getRuntime().availableProcessors(), load());

        byte[] data = new byte[(int) Math.min(size, Integer.MAX_VALUE - 8)];
        new Random(1).nextBytes(data);
        Path file = Files.createTempFile("b3bench", ".bin");
        Path empty = Files.createTempFile("b3bench-empty", ".bin");
        try {
            Files.write(file, data);
            // Let the default selection hand over to the SIMD kernel before timing anything (a process would start
            // its warm-up by itself only after 4 GiB of bulk hashing).
            long warmStart = System.nanoTime();
            Blake3.warmUpNow();
            while (!Blake3.activeImplementation().equals(Blake3.implementation())
                    && System.nanoTime() - warmStart < 180_000_000_000L) {
                Blake3.hash(data, 0, Math.min(data.length, 16 << 20));
            }
            System.out.printf("kernel active: %s (hand-over after %.1f s of hashing)%n",
                    Blake3.activeImplementation(), (System.nanoTime() - warmStart) / 1e9);
            String expected = b3sum(file, null);
            String ours = Hex.encode(Blake3.hash(data));
            if (!expected.equals(ours)) {
                throw new IllegalStateException("hash differs from b3sum: " + ours + " vs " + expected);
            }

            double startup = median(runs, () -> b3sumSeconds(empty, "1"));
            double b3One = median(runs, () -> b3sumSeconds(file, "1")) - startup;
            double b3All = median(runs, () -> b3sumSeconds(file, null)) - startup;
            System.out.printf("b3sum start-up %.1f ms (subtracted below)%n", startup * 1e3);
            report("b3sum --num-threads 1", size, b3One, b3One, b3All);
            report("b3sum (all threads)", size, b3All, b3One, b3All);

            report("Blake3.hash (1 thread)", size, median(runs, () -> time(() -> Blake3.hash(data))), b3One, b3All);
            report("Blake3 incremental 64 KiB updates", size, median(runs, () -> time(() -> {
                Blake3 h = Blake3.newHasher();
                for (int p = 0; p < data.length; p += 65536) {
                    h.update(data, p, Math.min(65536, data.length - p));
                }
                h.digest();
            })), b3One, b3All);
            report("Blake3.hashParallel", size, median(runs, () -> time(() -> Blake3.hashParallel(data))), b3One,
                    b3All);
            report("Blake3.hashFile (1 MiB reads, parallel)", size, median(runs, () -> time(() -> {
                try {
                    Blake3.hashFile(file);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            })), b3One, b3All);

            report("Outboard.compute (1 thread)", size, median(runs, () -> time(() -> Outboard.compute(data))),
                    b3One, b3All);
            report("Outboard.computeParallel", size, median(runs, () -> time(
                    () -> Outboard.computeParallel(ByteBuffer.wrap(data), Blake3.hashingPool()))), b3One, b3All);
            Outboard ob = Outboard.compute(data);
            byte[] encoded = new byte[(int) (8 + data.length + ob.tree().outboardSize())];
            if (!new BaoEncoder(BaoEncoder.DataReader.of(data), ob, ChunkRanges.all()).writeTo(ByteBuffer.wrap(encoded))) {
                throw new IllegalStateException("encoding longer than size + outboard");
            }
            report("BaoEncoder (all, verified)", size, median(runs, () -> time(() -> {
                try {
                    BaoEncoder e = new BaoEncoder(BaoEncoder.DataReader.of(data), ob, ChunkRanges.all());
                    ByteBuffer sink = ByteBuffer.allocate(1 << 16);
                    while (!e.writeTo(sink.clear())) {
                        // drain
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            })), b3One, b3All);
            report("BaoDecoder (all, verified)", size, median(runs, () -> time(() -> {
                try {
                    BaoDecoder d = new BaoDecoder(ob.root(), ChunkRanges.all());
                    ByteBuffer in = ByteBuffer.wrap(encoded);
                    for (BaoEvent ev; (ev = d.feed(in)) != null; ) {
                        // consume
                    }
                    d.finish();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            })), b3One, b3All);
            System.out.printf("load after: %s%n", load());
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(empty);
        }
    }

    private interface Measure {
        double seconds() throws Exception;
    }

    /** One warm-up, then the median of {@code runs}. */
    private static double median(int runs, Measure m) throws Exception {
        m.seconds();
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            xs.add(m.seconds());
        }
        Double[] a = xs.toArray(new Double[0]);
        Arrays.sort(a);
        return a[a.length / 2];
    }

    private static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static void report(String what, long size, double seconds, double b3One, double b3All) {
        double gbs = size / seconds / 1e9;
        System.out.printf("%-38s %7.3f s %7.2f GB/s   x%.2f of b3sum 1-thread, x%.2f of b3sum all%n", what, seconds,
                gbs, b3One / seconds, b3All / seconds);
    }

    private static double b3sumSeconds(Path f, String threads) throws IOException, InterruptedException {
        long t = System.nanoTime();
        b3sum(f, threads);
        return (System.nanoTime() - t) / 1e9;
    }

    private static String b3sum(Path f, String threads) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("b3sum", "--no-names"));
        if (threads != null) {
            cmd.addAll(List.of("--num-threads", threads));
        }
        cmd.add(f.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        if (p.waitFor() != 0) {
            throw new IOException("b3sum failed: " + out);
        }
        return out;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
