package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * BLAKE3 from a fresh JVM, JIT warm-up included: what a one-shot command or a freshly started task meets. For each
 * kernel a child JVM hashes random data as 16 KiB subtrees (BAO leaves) and as 64 KiB ones (the bulk batches),
 * timed from its first hash to its last, and prints MB/s; the parent prints the median of each kernel's runs
 * against scalar's.
 *
 * <pre>
 * java -cp p2p-node/target/test-classes:p2p-node/target/classes:$(cat p2p-node/target/cp.txt) \
 *     com.kafkaconnectiroh.p2p.bench.Blake3ColdBench [MiB, default 512] [rounds, default 3]
 * </pre>
 * Kernels: scalar, lanes, and auto as the JVM runs by default (lanes on x86-64 where C2 vectorizes). The Vector API
 * kernel is left out: from a fresh JVM it needs seconds of warm-up first ({@link Blake3Bench} measures it warm).
 */
public final class Blake3ColdBench {
    private static final List<String> KERNELS = List.of("scalar", "lanes", "auto");

    private Blake3ColdBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        if (mib < 1 || mib > 1024) {
            throw new IllegalArgumentException("MiB must be 1..1024 (one array), got " + mib);
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf("BLAKE3 from fresh JVMs: %d MiB per run, %d rounds, %d cpus, load %s%n", mib, rounds,
                Runtime.getRuntime().availableProcessors(), ColdProcesses.load());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int piece : new int[] {16, 64}) {
            double scalar = 0;
            for (String kernel : KERNELS) {
                double[] rates = new double[rounds];
                String name = "";
                for (int r = 0; r < rounds; r++) {
                    Process p = new ProcessBuilder(java, "-Xmx" + (2 * mib + 512) + "m", "-Dkafkaconnectiroh.blake3.kernel="
                            + kernel, "-cp", System.getProperty("java.class.path"), Blake3ColdBench.class.getName(),
                            "child", Integer.toString(mib), Integer.toString(piece)).redirectErrorStream(true).start();
                    String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
                    if (p.waitFor() != 0 || out.length != 2) {
                        throw new IllegalStateException("child failed: " + String.join(" ", out));
                    }
                    name = out[0];
                    rates[r] = Double.parseDouble(out[1]);
                }
                Arrays.sort(rates);
                double median = rates[rounds / 2];
                scalar = kernel.equals("scalar") ? median : scalar;
                System.out.printf("  %2d KiB pieces, %-7s (%-8s) %7.1f MB/s  x%.2f of scalar%n", piece, kernel, name,
                        median, median / scalar);
            }
        }
        System.out.printf("load after: %s%n", ColdProcesses.load());
    }

    /** Keeps the hashes observable, so no JIT can drop the work. */
    static volatile int sink;

    /**
     * Prints the active kernel's name and MB/s over {@code mib} MiB hashed as non-root subtrees of {@code pieceKiB}
     * KiB, the way BAO hashes its leaves (16 KiB) and bulk hashing its batches (64 KiB).
     */
    private static void child(int mib, int pieceKiB) {
        byte[] data = new byte[mib << 20];
        new Random(7).nextBytes(data);
        int piece = pieceKiB << 10;
        long start = System.nanoTime();
        for (int off = 0; off + piece <= data.length; off += piece) {
            sink += Blake3.subtreeChainingValue(data, off, piece, off / Blake3.CHUNK_LEN, false)[0];
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s %.1f%n", Blake3.activeImplementation(), data.length / 1e6 / secs);
    }
}
