package com.kafkaconnectiroh.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@code p2p-node} CLI process (bin/p2p-node) as the demo runs it: stdout lines queued for reading, stderr to a
 * log file, stdin writable.
 */
public final class CliPeer implements AutoCloseable {
    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;

    private CliPeer(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, name + "-stdout");
        t.setDaemon(true);
        t.start();
    }

    public static CliPeer start(String name, Path repoRoot, Path logDir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(repoRoot.resolve("p2p-node/bin/p2p-node").toString());
        cmd.addAll(List.of(args));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().remove("IROH_SECRET");
        // a local stack: peers are given each other's addresses, nobody publishes to n0's discovery servers
        pb.environment().putIfAbsent("P2P_NODE_DISCOVERY", "none");
        return new CliPeer(name, pb.start(), log);
    }

    /** The next stdout line, or null after {@code timeoutMs}. */
    public String nextLine(long timeoutMs) throws InterruptedException {
        return lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Waits for a line starting with {@code prefix}; other lines are dropped. */
    public String awaitLine(String prefix, long timeoutMs) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadline) {
            String l = lines.poll(200, TimeUnit.MILLISECONDS);
            if (l != null && l.startsWith(prefix)) {
                return l;
            }
            if (l == null && !process.isAlive() && lines.isEmpty()) {
                throw new IOException(name + " exited with " + process.exitValue() + " (log: " + log + ")");
            }
        }
        throw new IOException(name + " printed no line starting with '" + prefix + "' within " + timeoutMs
                + " ms (log: " + log + ")");
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public int waitFor(long timeoutMs) throws InterruptedException, IOException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new IOException(name + " did not finish within " + timeoutMs + " ms (log: " + log + ")");
        }
        return process.exitValue();
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
