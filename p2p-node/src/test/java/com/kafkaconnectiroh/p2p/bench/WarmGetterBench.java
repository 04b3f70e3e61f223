package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.DownloadResult;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.node.Node;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * How a getter's speed grows as its JVM warms: one {@code bin/p2p-node blob send} process serves a file, and this
 * JVM fetches it {@code rounds} times, each round with a fresh node and in-memory store (so only the JIT's work
 * carries over), printing MB/s (request to complete) and this process's CPU per round. The provider warms too,
 * serving round after round. The first round is a fresh getter (in a JVM without the CLI's class-data archive);
 * the last ones are as warm as it gets on the machine.
 *
 * <pre>
 * java -Xmx2g --add-modules jdk.incubator.vector -cp p2p-node/target/test-classes:p2p-node/target/classes:$(cat \
 *     p2p-node/target/cp.txt) com.kafkaconnectiroh.p2p.bench.WarmGetterBench [MiB, default 256] [rounds, default 8]
 * </pre>
 * {@code -Dcs.launcher=OTHER/bin/p2p-node} serves from another build.
 */
public final class WarmGetterBench {
    private WarmGetterBench() {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path launcher = Path.of(System.getProperty("cs.launcher", "bin/p2p-node")).toAbsolutePath();
        Path dir = Files.createTempDirectory("warm-getter");
        try {
            Path file = dir.resolve("blob.bin");
            byte[] data = new byte[1 << 20];
            Random rnd = new Random(3);
            try (var out = Files.newOutputStream(file)) {
                for (int i = 0; i < mib; i++) {
                    rnd.nextBytes(data);
                    out.write(data);
                }
            }
            System.out.printf("WarmGetterBench: %d MiB, %d rounds, provider %s, load %s%n", mib, rounds, launcher,
                    ColdProcesses.load());
            try (ColdProcesses.Cli provider = ColdProcesses.Cli.start(launcher, "", null, null, "blob", "send",
                    file.toString(), "--bind", "127.0.0.1:0")) {
                String ticket = provider.awaitOut("blob", 60_000);
                if (ticket == null) {
                    throw new IllegalStateException("blob send printed no ticket: " + provider.stderrText());
                }
                BlobTicket t = BlobTicket.parse(ticket.trim());
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                for (int r = 1; r <= rounds; r++) {
                    long cpu0 = os.getProcessCpuTime();
                    try (MemBlobStore store = new MemBlobStore();
                            Node node = Node.builder().blobStore(store).bindAddr(new InetSocketAddress("127.0.0.1", 0))
                                    .spawn()) {
                        DownloadResult res = node.blobs().download(t, p -> { });
                        double secs = res.elapsed().toNanos() / 1e9;
                        System.out.printf("  round %d: %6.1f MB/s (%.2f s), getter CPU %.2f s%n", r,
                                res.receivedBytes() / 1e6 / secs, secs, (os.getProcessCpuTime() - cpu0) / 1e9);
                    }
                }
            }
            System.out.printf("load after: %s%n", ColdProcesses.load());
        } finally {
            ColdProcesses.deleteTreeQuietly(dir);
        }
    }
}
