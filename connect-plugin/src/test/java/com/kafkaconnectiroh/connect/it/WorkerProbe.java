package com.kafkaconnectiroh.connect.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Looks into a worker process from outside, as an operator would: its live threads ({@code jcmd Thread.print}) and
 * its UDP sockets (/proc), to count what our nodes hold and prove nothing leaks across restarts.
 */
final class WorkerProbe {
    /** Threads our nodes and tasks start (the BLAKE3 pool is a JVM-wide cache and not counted). */
    static final List<String> NODE_THREAD_PREFIXES = List.of("iroh-", "blobs-provider-");

    private WorkerProbe() {
    }

    /**
     * Waits until the worker runs no connector of an earlier test (their tasks stop asynchronously after DELETE) and
     * its UDP socket count has held still for a second, so a test's "before" is not counting a node on its way out.
     */
    static void awaitSettled(com.kafkaconnectiroh.stack.ConnectRest rest, long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            boolean none = rest.get("/connectors").body().isEmpty();
            int a = udpSockets(pid);
            Thread.sleep(1000);
            if (none && a == udpSockets(pid)) {
                return;
            }
        }
        throw new AssertionError("the worker did not settle (connectors of earlier tests still running)");
    }

    static int nodeThreads(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        int n = 0;
        for (String line : out.split("\n")) {
            if (!line.startsWith("\"")) {
                continue;
            }
            String name = line.substring(1, line.indexOf('"', 1));
            if (NODE_THREAD_PREFIXES.stream().anyMatch(name::startsWith)) {
                n++;
            }
        }
        return n;
    }

    /** UDP sockets the process has open (Kafka uses none: these are iroh nodes). */
    static int udpSockets(long pid) throws IOException {
        Set<String> udpInodes = new HashSet<>();
        for (String table : List.of("/proc/" + pid + "/net/udp", "/proc/" + pid + "/net/udp6")) {
            Path t = Path.of(table);
            if (!Files.exists(t)) {
                continue;
            }
            List<String> lines = Files.readAllLines(t);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9) {
                    udpInodes.add(f[9]);
                }
            }
        }
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && udpInodes.contains(target.substring(8, target.length() - 1))) {
                        n++;
                    }
                } catch (IOException e) {
                    // the fd closed while we looked
                }
            }
        }
        return n;
    }
}
