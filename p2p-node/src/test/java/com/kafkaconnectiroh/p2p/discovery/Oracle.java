package com.kafkaconnectiroh.p2p.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Independent implementations for the discovery tests: Node scripts in the iroh harness's {@code oracles/}
 * folder, on npm's {@code dns-packet}, {@code pkarr}, {@code bittorrent-dht} and {@code multicast-dns} (never our
 * code). {@link #run} runs a one-shot command and returns its JSON; {@link #start} keeps a script running and
 * talks JSON lines with it.
 */
public final class Oracle implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final PrintWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();

    private Oracle(Process process) {
        this.process = process;
        this.stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        Thread out = new Thread(() -> pump(true), "oracle-stdout");
        out.setDaemon(true);
        out.start();
        Thread err = new Thread(() -> pump(false), "oracle-stderr");
        err.setDaemon(true);
        err.start();
    }

    private void pump(boolean out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                out ? process.getInputStream() : process.getErrorStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (out) {
                    lines.add(l);
                } else {
                    stderr.append(l).append('\n');
                }
            }
        } catch (IOException e) {
            // process ended
        }
    }

    private static ProcessBuilder builder(String script, String... args) {
        Path dir = IrohPeer.harnessDir();
        List<String> cmd = new ArrayList<>(List.of(IrohPeer.nodeExecutable(), "oracles/" + script));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile());
    }

    /** Runs {@code oracles/<script> args…} to its end and returns the JSON it printed. */
    public static JsonNode run(String script, String... args) throws IOException, InterruptedException {
        return run(List.of(), script, args);
    }

    /** Like {@link #run(String, String...)}, wrapped in {@code prefix} (e.g. {@code ip netns exec ns}). */
    public static JsonNode run(List<String> prefix, String script, String... args) throws IOException, InterruptedException {
        try (Oracle o = new Oracle(prefixed(prefix, builder(script, args)).start())) {
            if (!o.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new IOException("oracle " + script + " did not finish in 60 s; stderr: " + o.stderr);
            }
            String line = o.lines.poll(5, TimeUnit.SECONDS);
            if (o.process.exitValue() != 0 || line == null) {
                throw new IOException("oracle " + script + " exited " + o.process.exitValue() + ": " + o.stderr);
            }
            return JSON.readTree(line);
        }
    }

    /** Starts a long-running script (wrapped, if needed, in {@code prefix}, e.g. {@code ip netns exec ns}). */
    public static Oracle start(List<String> prefix, String script, String... args) throws IOException {
        return new Oracle(prefixed(prefix, builder(script, args)).start());
    }

    private static ProcessBuilder prefixed(List<String> prefix, ProcessBuilder b) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(b.command());
        return b.command(cmd);
    }

    /** Sends one JSON command line. */
    public void send(Object command) throws IOException {
        stdin.println(JSON.writeValueAsString(command));
    }

    /** The next JSON line, waiting up to {@code timeout}. */
    public JsonNode next(Duration timeout) throws IOException, InterruptedException {
        String l = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (l == null) {
            throw new IOException("oracle said nothing within " + timeout + (process.isAlive() ? "" : " (it exited "
                    + process.exitValue() + ")") + "; stderr: " + stderr);
        }
        return JSON.readTree(l);
    }

    /** Sends a command and returns the answer. */
    public JsonNode call(Object command, Duration timeout) throws IOException, InterruptedException {
        send(command);
        return next(timeout);
    }

    public String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        stdin.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
