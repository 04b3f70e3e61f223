package com.kafkaconnectiroh.p2p.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A p2p-node command in its own JVM (the test class path, {@link Main}), as a user would run it: stdout lines
 * are queued for the test, stderr is collected, {@link #stop()} sends SIGTERM.
 */
final class CliProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;
    /** Open while the test lets stdout be read; {@link #pauseStdout} holds the reader, so the pipe fills up. */
    private final java.util.concurrent.Semaphore stdoutGate = new java.util.concurrent.Semaphore(1);

    private CliProcess(Process process) {
        this.process = process;
        this.outReader = pump(process.getInputStream(), l -> {
            stdoutGate.acquireUninterruptibly();
            stdoutGate.release();
            lines.add(l);
        }, "cli-stdout");
        this.errReader = pump(process.getErrorStream(), l -> stderr.append(l).append('\n'), "cli-stderr");
    }

    /** Runs {@code java -cp <this JVM's class path> ...Main <args>}. */
    static CliProcess start(String... args) throws IOException {
        return start(List.of("-XX:TieredStopAtLevel=1"), args); // these JVMs live briefly: start fast
    }

    /** Like {@link #start(String...)} with these JVM options (e.g. {@code -Xmx512m}). */
    static CliProcess start(List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        // A JVM whose parent ignores SIGINT (a build started in the background by a non-interactive shell) inherits
        // that, and then cannot catch it: reset INT and TERM so the signal tests test the command, not the launcher.
        cmd.addAll(List.of("env", "--default-signal=INT,TERM"));
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("IROH_SECRET");
        return new CliProcess(pb.start());
    }

    private static Thread pump(java.io.InputStream in, java.util.function.Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    sink.accept(l);
                }
            } catch (IOException e) {
                // process gone
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Waits for the address block a serving command prints ({@code endpoint id:} … {@code alpns:}) and returns it
     * by name.
     */
    Map<String, String> awaitAddressLines(Duration timeout) throws InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!out.containsKey("alpns")) {
            String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null) {
                throw new AssertionError("no address lines within " + timeout + "; got " + out + "; alive "
                        + process.isAlive() + "; stderr:\n" + stderr);
            }
            int colon = l.indexOf(": ");
            if (colon < 0) {
                throw new AssertionError("unexpected line before the address block: '" + l + "'");
            }
            out.put(l.substring(0, colon), l.substring(colon + 2));
        }
        return out;
    }

    /** The next stdout line, or fails after {@code timeout}. */
    String nextLine(Duration timeout) throws InterruptedException {
        String l = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (l == null) {
            throw new AssertionError("no stdout line within " + timeout + "; stderr:\n" + stderr);
        }
        return l;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stderr() {
        return stderr.toString();
    }

    /** The next stdout line already read, or null. */
    String pollLine() {
        return lines.poll();
    }

    /** The process's stdin (close it for EOF). */
    java.io.OutputStream stdin() {
        return process.getOutputStream();
    }

    /**
     * Stops reading stdout after the line being read: the pipe fills and the process blocks on its next write, as
     * behind a reader that stalls.
     */
    void pauseStdout() {
        stdoutGate.acquireUninterruptibly();
    }

    void resumeStdout() {
        stdoutGate.release();
    }

    /**
     * Closes our end of its stdout, as {@code head} does when it has enough: the process's next write fails with
     * EPIPE (the JVM ignores SIGPIPE). Lines read before stay available.
     */
    void closeStdout() throws IOException {
        process.getInputStream().close();
    }

    /** Sends {@code SIG<name>} with kill(1) and returns at once. */
    void send(String signal) throws InterruptedException, IOException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -" + signal + " failed");
        }
    }

    /** The exit code, waiting at most {@code timeout} (fails, killing it, if it does not exit). */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not exit within " + timeout + "; stderr:\n" + stderr);
        }
        outReader.join(2000);
        errReader.join(2000);
        return process.exitValue();
    }

    /** SIGTERM, then the exit code (fails if it does not exit within 10 s). */
    int stop() throws InterruptedException {
        // Process.destroy() would also close our ends of its stdout/stderr, losing what it prints while stopping.
        process.toHandle().destroy();
        return awaitExit();
    }

    /** Sends {@code SIG<name>} with kill(1), then the exit code. */
    int signal(String name) throws InterruptedException, IOException {
        send(name);
        return awaitExit();
    }

    private int awaitExit() throws InterruptedException {
        return awaitExit(Duration.ofSeconds(10));
    }

    @Override
    public void close() throws InterruptedException {
        stdoutGate.release(); // a paused reader must not hold the pump thread forever
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
