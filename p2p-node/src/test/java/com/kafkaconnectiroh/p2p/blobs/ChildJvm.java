package com.kafkaconnectiroh.p2p.blobs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A main class run in its own JVM (same class path), or any command, its stdout lines queued, so a test can wait for
 * what it prints, write to its stdin ({@link #send}) and kill it at will.
 */
public final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000eof";
    public final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process died; EOF below says so
            }
            lines.add(EOF);
        }, "child-stdout");
        t.setDaemon(true);
        t.start();
    }

    public static ChildJvm start(Class<?> main, Path log, String... args) throws IOException {
        return start(javaCommand(main, args), log);
    }

    /** Runs {@code command} (e.g. {@link #javaCommand} behind {@code ip netns exec NAME}), stderr appended to {@code log}. */
    public static ChildJvm start(List<String> command, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildJvm(pb.start(), log);
    }

    /** {@code java ... <main> <args>} on this JVM's class path: a test main or the CLI ({@code cli.Main}). */
    public static List<String> javaCommand(Class<?> main, String... args) {
        return javaCommand(List.of(), main, args);
    }

    /** Like {@link #javaCommand(Class, String...)} with these JVM options too (e.g. {@code -XX:TieredStopAtLevel=1}). */
    public static List<String> javaCommand(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx512m"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Writes one line to its stdin. */
    public void send(String line) throws IOException {
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Waits for a line matching {@code p}; null if the process ended or the time ran out first. */
    public String await(Predicate<String> p, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String l = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (l == null || l.equals(EOF)) {
                if (l != null) {
                    lines.add(EOF);
                }
                return null;
            }
            seen.add(l);
            if (p.test(l)) {
                return l;
            }
        }
    }

    /** Like {@link #await} but fails, saying what it printed and the tail of its log, when no line matches. */
    public String expect(Predicate<String> p, Duration timeout) throws InterruptedException {
        String l = await(p, timeout);
        if (l == null) {
            throw new AssertionError("no matching line within " + timeout + "; " + describe());
        }
        return l;
    }

    /** Whether it runs, the lines seen, the tail of its log: for assertion messages. */
    public String describe() {
        String text;
        try {
            text = Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            text = "(log unreadable: " + e.getMessage() + ")";
        }
        return "alive " + process.isAlive() + ", stdout " + seen + ", log " + log + ":\n"
                + (text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text);
    }

    public List<String> seen() {
        return seen;
    }

    /** SIGKILL, as {@code kill -9}. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
            throw new IllegalStateException("child did not exit within " + timeout);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
