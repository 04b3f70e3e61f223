package com.kafkaconnectiroh.p2p.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Process plumbing for {@link ColdStartBench}: the {@code bin/p2p-node} launcher as a user runs it, output
 * read as it arrives with the arrival time of each piece, CPU time from {@code /proc}, and per-thread CPU
 * snapshots (which thread of a cold JVM spends the time: JIT compilers, GC, the event loop, the main thread).
 */
final class ColdProcesses {
    private ColdProcesses() {}

    /** A text piece of a process's output (a line, or a {@code \r}-separated progress update) and when it arrived. */
    record Piece(long nanos, String text) {}

    /** A started {@code bin/p2p-node} command with its stdout and stderr split into timestamped pieces. */
    static final class Cli implements AutoCloseable {
        final Process process;
        final long startNanos;
        final BlockingQueue<Piece> out = new LinkedBlockingQueue<>();
        final BlockingQueue<Piece> err = new LinkedBlockingQueue<>();
        final List<Piece> errLog = Collections.synchronizedList(new ArrayList<>());
        private final Thread outPump;
        private final Thread errPump;

        private Cli(Process process, long startNanos) {
            this.process = process;
            this.startNanos = startNanos;
            this.outPump = pump(process.getInputStream(), out::add, "cold-out-" + process.pid());
            this.errPump = pump(process.getErrorStream(), p -> {
                err.add(p);
                errLog.add(p);
            }, "cold-err-" + process.pid());
        }

        /**
         * Runs {@code launcher args} with {@code P2P_NODE_JAVA_OPTS=javaOpts}; with {@code timeFile}, under
         * {@code /usr/bin/time} writing the exact user and system CPU (from the kernel's rusage) there.
         */
        static Cli start(Path launcher, String javaOpts, Path timeFile, Path stdin, String... args) throws IOException {
            List<String> cmd = new ArrayList<>();
            if (timeFile != null) {
                cmd.addAll(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", timeFile.toString()));
            }
            cmd.add(launcher.toString());
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().remove("IROH_SECRET");
            pb.environment().put("P2P_NODE_JAVA_OPTS", javaOpts == null ? "" : javaOpts);
            if (stdin != null) {
                pb.redirectInput(stdin.toFile());
            }
            long t0 = System.nanoTime();
            return new Cli(pb.start(), t0);
        }

        /** The JVM's pid: the launcher execs java, {@code /usr/bin/time} forks it. */
        long javaPid(long waitMillis) throws InterruptedException {
            long deadline = System.nanoTime() + waitMillis * 1_000_000L;
            while (System.nanoTime() < deadline) {
                if (process.info().command().orElse("").endsWith("time")) {
                    var child = process.children().findFirst();
                    if (child.isPresent()) {
                        return child.get().pid();
                    }
                } else {
                    return process.pid();
                }
                Thread.sleep(2);
            }
            return -1;
        }

        /** The first stdout line starting with {@code prefix}, or null after {@code millis}. */
        String awaitOut(String prefix, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            for (;;) {
                Piece p = out.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (p == null) {
                    return null;
                }
                if (p.text.startsWith(prefix)) {
                    return p.text;
                }
            }
        }

        String stderrText() {
            StringBuilder b = new StringBuilder();
            synchronized (errLog) {
                for (Piece p : errLog) {
                    b.append(p.text).append('\n');
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy(); // SIGTERM: the CLI closes its node and exits
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            outPump.join(2000);
            errPump.join(2000);
        }
    }

    /**
     * Reads {@code in} as it arrives; each piece between {@code \n} or {@code \r} separators is passed on with the
     * time the read that brought its first byte returned (a progress bar writes {@code \r<line>} in one flush).
     */
    static Thread pump(InputStream in, Consumer<Piece> sink, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            StringBuilder cur = new StringBuilder();
            long curStart = -1;
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    long now = System.nanoTime();
                    String s = new String(buf, 0, n, StandardCharsets.UTF_8);
                    for (int i = 0; i < s.length(); i++) {
                        char c = s.charAt(i);
                        if (c == '\n' || c == '\r') {
                            if (cur.length() > 0) {
                                sink.accept(new Piece(curStart, cur.toString()));
                                cur.setLength(0);
                            }
                            curStart = -1;
                        } else {
                            if (curStart < 0) {
                                curStart = now;
                            }
                            cur.append(c);
                        }
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            if (cur.length() > 0) {
                sink.accept(new Piece(curStart, cur.toString()));
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** User + system CPU of a live process in ms ({@code /proc/<pid>/stat}, USER_HZ = 100), or -1. */
    static long cpuMillis(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** {@code /usr/bin/time}'s line: wall s, user s, system s, max RSS KiB. */
    record Rusage(double wallSeconds, double userSeconds, double sysSeconds, long maxRssKib) {
        double cpuSeconds() {
            return userSeconds + sysSeconds;
        }

        static Rusage read(Path file) {
            try {
                List<String> lines = Files.readAllLines(file);
                String[] f = lines.get(lines.size() - 1).trim().split(" ");
                return new Rusage(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Long.parseLong(f[3]));
            } catch (IOException | RuntimeException e) {
                return new Rusage(-1, -1, -1, -1);
            }
        }
    }

    /**
     * Per-thread CPU of one process, sampled from {@code /proc/<pid>/task/*}/stat every 100 ms while it lives;
     * the last sample stands for the whole run (at most 100 ms of the end are missing). Threads are grouped by
     * name without numbers (the kernel keeps the first 15 characters of a Java thread's name).
     */
    static final class ThreadCpu implements AutoCloseable {
        private final long pid;
        private final Thread sampler;
        private final Map<Long, String> names = new TreeMap<>();
        private final Map<Long, Long> ticks = new TreeMap<>();
        private volatile boolean stop;

        ThreadCpu(long pid) {
            this.pid = pid;
            this.sampler = new Thread(this::run, "thread-cpu-" + pid);
            sampler.setDaemon(true);
            sampler.start();
        }

        private void run() {
            Path tasks = Path.of("/proc/" + pid + "/task");
            while (!stop) {
                try (var s = Files.list(tasks)) {
                    for (Path t : (Iterable<Path>) s::iterator) {
                        try {
                            String stat = Files.readString(t.resolve("stat"));
                            int open = stat.indexOf('(');
                            int close = stat.lastIndexOf(')');
                            String[] f = stat.substring(close + 2).split(" ");
                            long tid = Long.parseLong(t.getFileName().toString());
                            synchronized (this) {
                                names.put(tid, stat.substring(open + 1, close));
                                ticks.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12]));
                            }
                        } catch (IOException | RuntimeException gone) {
                            // thread ended between list and read
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    return; // process ended
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** CPU ms per thread group, largest first, groups under 20 ms folded into "other". */
        synchronized Map<String, Long> byGroup() {
            Map<String, Long> g = new TreeMap<>();
            for (Map.Entry<Long, Long> e : ticks.entrySet()) {
                String name = names.get(e.getKey()).replaceAll("-[0-9a-f]{6,}", "").replaceAll("([-# ]*[0-9]+)+$", "");
                g.merge(name, e.getValue() * 10, Long::sum);
            }
            Map<String, Long> out = new java.util.LinkedHashMap<>();
            long other = 0;
            List<Map.Entry<String, Long>> sorted = new ArrayList<>(g.entrySet());
            sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
            for (Map.Entry<String, Long> e : sorted) {
                if (e.getValue() >= 20) {
                    out.put(e.getKey(), e.getValue());
                } else {
                    other += e.getValue();
                }
            }
            if (other > 0) {
                out.put("other", other);
            }
            return out;
        }

        static String format(Map<String, Long> groups) {
            long total = groups.values().stream().mapToLong(Long::longValue).sum();
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d ms:", total));
            groups.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %d,", k, v)));
            return b.substring(0, b.length() - 1);
        }

        @Override
        public void close() {
            stop = true;
            sampler.interrupt();
        }
    }

    /** The 1-minute load average and the number of runnable tasks, from {@code /proc/loadavg}. */
    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /** Deletes {@code dir} and what is under it as far as it goes (benchmarks clean up; nothing to fail for). */
    static void deleteTreeQuietly(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
