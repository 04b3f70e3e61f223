package com.kafkaconnectiroh.p2p.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.bench.ColdProcesses.Cli;
import com.kafkaconnectiroh.p2p.bench.ColdProcesses.Piece;
import com.kafkaconnectiroh.p2p.bench.ColdProcesses.Rusage;
import com.kafkaconnectiroh.p2p.bench.ColdProcesses.ThreadCpu;
import com.kafkaconnectiroh.p2p.interop.IrohHarnessException;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;

/**
 * Issue 17: what a user meets, every transfer and every gossip run in fresh processes, beside iroh 0.35 in the
 * same run.
 *
 * <p><b>Blobs.</b> For each size (default 64 MiB, 256 MiB, 1 GiB of pseudo-random data) and each pairing (iroh →
 * iroh, iroh → Java, Java → iroh, Java → Java, in a rotated order per round), a fresh provider process adds the
 * file (Java: {@code bin/p2p-node blob send FILE --bind 127.0.0.1:0}, in-memory store; iroh: a new harness process,
 * {@code blob-add}, in-memory store) and prints a ticket; then a fresh getter process fetches it and writes it to
 * a file (Java: {@code bin/p2p-node blob get TICKET -o OUT}; iroh: a new harness process, {@code blob-download}
 * then {@code blob-export}). Per transfer:
 *
 * <ul>
 * <li><b>MB/s</b> (10^6 B/s) during the transfer, as the getter reports it: request (connect included) until
 * complete. Java: the CLI's own closing line; iroh: the harness's {@code ms} around the download call.</li>
 * <li><b>time to first byte</b>: getter process launch until its first verified data. Java: the downloader's
 * debug line for its first verified leaf (builds without it: the first progress line showing data, an upper
 * bound); iroh: the first download progress event with data (wall clock, {@code firstByteAt}).</li>
 * <li><b>wall</b>: getter process launch until the file is written (Java: the process exited; iroh: the export
 * returned, before its process shuts down).</li>
 * <li>CPU seconds of the getter (Java: {@code /usr/bin/time}, exact) and of the provider while the getter ran.</li>
 * </ul>
 *
 * <p><b>Gossip.</b> Fresh processes per run: two subscribers (the second bootstraps from the first), then one
 * publisher that joins through both and sends {@code msgs} distinct messages of {@code msgSize} bytes. Java: the
 * CLI ({@code gossip subscribe}, {@code gossip publish} reading the messages from stdin); iroh 0.35: harness
 * processes, the publisher's {@code gossip-broadcast-many} (every broadcast awaited in turn inside the harness).
 * Per receiver: messages delivered (and the share of those sent), the rate from its first to its last message,
 * and the rate from the publisher's launch to its last message.
 *
 * <p>Prints per-run lines and medians with ratios against iroh → iroh (per round, then the median); asserts
 * nothing. Arguments ({@code key=value}, all optional): {@code sizes=64,256,1024 rounds=2 blobs=1 gossip=1
 * msgs=10000 msgSize=100 gossipRounds=3 threads=0 dir=/tmp label= pairs=ii,ij,ji,jj store=mem}; {@code store=fs}
 * makes every getter store into a file store in a fresh folder (Java {@code --data-dir}, iroh 0.35 {@code
 * Iroh.persistent}) instead of memory (Java: its temporary throwaway store). System properties: {@code cs.launcher}
 * (default {@code bin/p2p-node}), {@code cs.javaOpts} (every CLI JVM), {@code cs.sendOpts} and {@code cs.getOpts}
 * (added for providers/publishers and getters/subscribers), passed as {@code P2P_NODE_JAVA_OPTS}. {@code
 * threads=1} also samples the Java getters' per-thread CPU (JIT compiler threads, GC, event loop, main).
 * Run from {@code p2p-node} after {@code mvn package} (the CLI jar) as {@code docs/benchmarks.md} shows.
 */
public final class ColdStartBench {
    private static final java.util.regex.Pattern PROGRESS =
            java.util.regex.Pattern.compile("\\]\\s+\\d+% ([0-9.]+) (B|KiB|MiB|GiB) /");
    private static final java.util.regex.Pattern DONE =
            java.util.regex.Pattern.compile("received in ([0-9.]+) s, ([0-9.]+) MB/s");
    private static final long LONG_MS = TimeUnit.MINUTES.toMillis(30);

    private final Path launcher;
    private final Path base;
    private final String javaOpts;
    private final String sendOpts;
    private final String getOpts;
    private final boolean threads;
    private List<String> pairs = List.of("ii", "ij", "ji", "jj");
    /** Getters store into a file store in a fresh folder (Java {@code --data-dir}, iroh {@code Iroh.persistent}). */
    private boolean fileStore;

    private ColdStartBench(Path launcher, Path base, boolean threads) {
        this.launcher = launcher;
        this.base = base;
        this.threads = threads;
        this.javaOpts = System.getProperty("cs.javaOpts", "");
        this.sendOpts = (javaOpts + " " + System.getProperty("cs.sendOpts", "")).trim();
        this.getOpts = (javaOpts + " " + System.getProperty("cs.getOpts", "")).trim();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        long[] sizes = Arrays.stream(a.getOrDefault("sizes", "64,256,1024").split(",")).mapToLong(Long::parseLong).toArray();
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "2"));
        Path launcher = Path.of(System.getProperty("cs.launcher", "bin/p2p-node")).toAbsolutePath();
        Path base = Files.createTempDirectory(Path.of(a.getOrDefault("dir", System.getProperty("java.io.tmpdir"))), "cold-bench");
        ColdStartBench b = new ColdStartBench(launcher, base, "1".equals(a.get("threads")));
        if (a.containsKey("pairs")) {
            b.pairs = List.of(a.get("pairs").split(","));
        }
        b.fileStore = "fs".equals(a.getOrDefault("store", "mem"));
        System.out.printf(Locale.ROOT, "ColdStartBench %s: %d cores, load %s, launcher %s%n  JVM options: all '%s', providers '%s', getters '%s'%n",
                a.getOrDefault("label", ""), Runtime.getRuntime().availableProcessors(), ColdProcesses.load(), launcher,
                b.javaOpts, b.sendOpts, b.getOpts);
        try {
            if (!"0".equals(a.get("blobs"))) {
                for (long mib : sizes) {
                    b.blobs(mib, rounds);
                }
            }
            if (!"0".equals(a.get("gossip"))) {
                b.gossip(Integer.parseInt(a.getOrDefault("msgs", "10000")), Integer.parseInt(a.getOrDefault("msgSize", "100")),
                        Integer.parseInt(a.getOrDefault("gossipRounds", "3")));
            }
        } finally {
            ColdProcesses.deleteTreeQuietly(base);
        }
        System.out.printf(Locale.ROOT, "load after: %s%n", ColdProcesses.load());
        System.exit(0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Blobs

    private enum Side { IROH, JAVA }

    private record Pairing(Side provider, Side getter) {
        String label() {
            return name(provider) + " -> " + name(getter);
        }

        /** {@code ii}, {@code ij}, {@code ji}, {@code jj}: provider then getter. */
        String code() {
            return (provider == Side.IROH ? "i" : "j") + (getter == Side.IROH ? "i" : "j");
        }

        private static String name(Side s) {
            return s == Side.IROH ? "iroh" : "Java";
        }
    }

    private static final List<Pairing> PAIRINGS = List.of(new Pairing(Side.IROH, Side.IROH), new Pairing(Side.IROH, Side.JAVA),
            new Pairing(Side.JAVA, Side.IROH), new Pairing(Side.JAVA, Side.JAVA));

    /** One transfer's figures; -1 where unknown. */
    private record Transfer(double mbPerSec, double ttfbMs, double barMs, double wallMs, double getterCpuS, double providerCpuS,
                            String load, String threads) {}

    /** A fresh provider process serving one file: its ticket, its CPU so far, and how to stop it. */
    private record Provider(String ticket, long pid, AutoCloseable process) implements AutoCloseable {
        long cpuMillis() {
            return ColdProcesses.cpuMillis(pid);
        }

        @Override
        public void close() throws Exception {
            process.close();
        }
    }

    private void blobs(long mib, int rounds) throws Exception {
        long size = mib << 20;
        Path file = base.resolve("data-" + mib + ".bin");
        Pattern.writeFile(file, 17 + (int) mib, size);
        System.out.printf(Locale.ROOT, "%nblobs, %d MiB, %d round(s), fresh provider and getter per transfer%n", mib, rounds);
        Map<Pairing, List<Transfer>> all = new LinkedHashMap<>();
        Map<Pairing, List<Double>> ratios = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            Map<Pairing, Transfer> round = new LinkedHashMap<>();
            for (int i = 0; i < PAIRINGS.size(); i++) {
                Pairing p = PAIRINGS.get((i + r) % PAIRINGS.size());
                if (!pairs.contains(p.code())) {
                    continue;
                }
                Transfer t;
                try {
                    t = transfer(p, file, size);
                } catch (Exception e) {
                    System.out.printf(Locale.ROOT, "  %-13s round %d: FAILED %s%n", p.label(), r + 1, e);
                    continue;
                }
                round.put(p, t);
                all.computeIfAbsent(p, k -> new ArrayList<>()).add(t);
                System.out.printf(Locale.ROOT, "  %-13s round %d: %7.1f MB/s  first byte %6.0f ms%s  wall %6.2f s  CPU getter %5.1f s provider %5.1f s  (load %s)%s%n",
                        p.label(), r + 1, t.mbPerSec, t.ttfbMs, t.barMs < 0 ? "" : String.format(Locale.ROOT, " (bar %.0f)", t.barMs),
                        t.wallMs / 1000, t.getterCpuS, t.providerCpuS, t.load,
                        t.threads == null ? "" : "\n      getter threads " + t.threads);
            }
            Transfer anchor = round.get(PAIRINGS.get(0));
            if (anchor != null) {
                round.forEach((p, t) -> ratios.computeIfAbsent(p, k -> new ArrayList<>()).add(t.mbPerSec / anchor.mbPerSec));
            }
        }
        Files.deleteIfExists(file);
        List<Transfer> anchorRuns = all.get(PAIRINGS.get(0));
        double anchorTtfb = anchorRuns == null ? Double.NaN : median(anchorRuns.stream().mapToDouble(Transfer::ttfbMs).toArray());
        System.out.printf(Locale.ROOT, "%n  %d MiB, medians over %d round(s):%n  %-13s %8s %14s %9s %9s %8s %8s %9s %9s%n", mib, rounds,
                "pairing", "MB/s", "x iroh->iroh", "TTFB ms", "vs iroh", "bar ms", "wall s", "CPU get", "CPU prov");
        for (Pairing p : PAIRINGS) {
            List<Transfer> ts = all.get(p);
            if (ts == null) {
                continue;
            }
            double ttfb = median(ts.stream().mapToDouble(Transfer::ttfbMs).toArray());
            List<Double> rs = ratios.getOrDefault(p, List.of());
            double bar = median(ts.stream().mapToDouble(Transfer::barMs).toArray());
            System.out.printf(Locale.ROOT, "  %-13s %8.1f %8.2f (%s) %9.0f %+9.0f %8s %8.2f %9.1f %9.1f%n", p.label(),
                    median(ts.stream().mapToDouble(Transfer::mbPerSec).toArray()),
                    median(rs.stream().mapToDouble(Double::doubleValue).toArray()), joined(rs), ttfb, ttfb - anchorTtfb,
                    bar < 0 ? "-" : String.format(Locale.ROOT, "%.0f", bar),
                    median(ts.stream().mapToDouble(Transfer::wallMs).toArray()) / 1000,
                    median(ts.stream().mapToDouble(Transfer::getterCpuS).toArray()),
                    median(ts.stream().mapToDouble(Transfer::providerCpuS).toArray()));
        }
    }

    private Transfer transfer(Pairing p, Path file, long size) throws Exception {
        Path out = base.resolve("out.bin");
        Files.deleteIfExists(out);
        try (Provider provider = p.provider == Side.JAVA ? javaProvider(file) : irohProvider(file)) {
            long cpu0 = provider.cpuMillis();
            Transfer t = getter(p.getter, provider.ticket(), out, size);
            double providerCpu = (provider.cpuMillis() - cpu0) / 1000.0;
            if (Files.size(out) != size) {
                throw new IllegalStateException("the getter wrote " + Files.size(out) + " bytes, expected " + size);
            }
            return new Transfer(t.mbPerSec, t.ttfbMs, t.barMs, t.wallMs, t.getterCpuS, providerCpu, t.load, t.threads);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private Provider javaProvider(Path file) throws Exception {
        Cli cli = Cli.start(launcher, sendOpts, null, null, "blob", "send", file.toString(), "--bind", "127.0.0.1:0");
        String ticket = cli.awaitOut("blob", LONG_MS);
        if (ticket == null) {
            cli.close();
            throw new IllegalStateException("blob send printed no ticket: " + cli.stderrText());
        }
        long pid = cli.javaPid(5000);
        return new Provider(ticket, pid, cli);
    }

    private Provider irohProvider(Path file) {
        IrohPeer peer = IrohPeer.start(IrohVersion.V035, PeerOption.name("cold-provider"), PeerOption.callTimeout(Duration.ofMinutes(30)));
        try {
            String hash = peer.call("blob-add", "path", file.toString()).get("hashHex").asText();
            String ticket = peer.call("blob-ticket", "hash", hash, "format", "raw").get("ticket").asText();
            long pid = peer.readyEvent().get("pid").asLong();
            return new Provider(ticket, pid, peer::close);
        } catch (RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    private Transfer javaGetter(String ticket, Path out, Path store) throws Exception {
        Path timeFile = base.resolve("time.txt");
        Files.deleteIfExists(timeFile);
        String load = ColdProcesses.load();
        // The Downloader logs its first verified data at debug level: the exact first byte. (Builds without that
        // line fall back to the first progress line showing data: at least 1 MiB in, up to 100 ms late.)
        String opts = (getOpts + " -Dorg.slf4j.simpleLogger.log.com.kafkaconnectiroh.p2p.blobs.Downloader=debug").trim();
        List<String> cmd = new java.util.ArrayList<>(List.of("blob", "get", ticket, "-o", out.toString()));
        if (store != null) {
            cmd.addAll(List.of("--data-dir", store.toString()));
        }
        Cli cli = Cli.start(launcher, opts, timeFile, null, cmd.toArray(String[]::new));
        ThreadCpu tc = threads ? new ThreadCpu(cli.javaPid(5000)) : null;
        long firstByte = -1;
        long firstBar = -1;
        double mbPerSec = -1;
        try (cli) {
            for (;;) {
                Piece piece = cli.err.poll(100, TimeUnit.MILLISECONDS);
                if (piece == null) {
                    if (!cli.process.isAlive() && cli.err.isEmpty()) {
                        break;
                    }
                    if (System.nanoTime() - cli.startNanos > LONG_MS * 1_000_000L) {
                        throw new IllegalStateException("blob get did not finish in 30 minutes");
                    }
                    continue;
                }
                if (firstByte < 0 && piece.text().contains("first verified data of ")) {
                    firstByte = piece.nanos();
                }
                Matcher m = PROGRESS.matcher(piece.text());
                if (firstBar < 0 && m.find() && Double.parseDouble(m.group(1)) > 0) {
                    firstBar = piece.nanos();
                }
                Matcher d = DONE.matcher(piece.text());
                if (d.find()) {
                    mbPerSec = Double.parseDouble(d.group(2));
                }
            }
            cli.process.waitFor();
            long end = System.nanoTime();
            if (cli.process.exitValue() != 0 || mbPerSec < 0) {
                throw new IllegalStateException("blob get exited " + cli.process.exitValue() + ": " + cli.stderrText());
            }
            Rusage ru = Rusage.read(timeFile);
            String thr = tc == null ? null : ThreadCpu.format(tc.byGroup());
            long first = firstByte >= 0 ? firstByte : firstBar;
            String how = firstByte >= 0 ? "" : " (first byte from the progress bar: an upper bound)";
            return new Transfer(mbPerSec, first < 0 ? -1 : (first - cli.startNanos) / 1e6,
                    firstBar < 0 ? -1 : (firstBar - cli.startNanos) / 1e6, (end - cli.startNanos) / 1e6,
                    ru.cpuSeconds(), -1, load, thr == null && how.isEmpty() ? null : (thr == null ? "" : thr) + how);
        } finally {
            if (tc != null) {
                tc.close();
            }
        }
    }

    /** A getter, its file store (with {@code store=fs}) deleted afterwards: a run of 1 GiB transfers adds up. */
    private Transfer getter(Side side, String ticket, Path out, long size) throws Exception {
        Path store = fileStore ? Files.createTempDirectory(base, "store") : null;
        try {
            return side == Side.JAVA ? javaGetter(ticket, out, store) : irohGetter(ticket, out, size, store);
        } finally {
            if (store != null) {
                ColdProcesses.deleteTreeQuietly(store);
            }
        }
    }

    private Transfer irohGetter(String ticket, Path out, long size, Path store) {
        String load = ColdProcesses.load();
        long t0 = System.nanoTime();
        Instant launched = Instant.now();
        List<PeerOption> options = new java.util.ArrayList<>(List.of(PeerOption.name("cold-getter"),
                PeerOption.callTimeout(Duration.ofMinutes(30))));
        if (store != null) {
            options.add(PeerOption.store(store));
        }
        try (IrohPeer peer = IrohPeer.start(IrohVersion.V035, options.toArray(PeerOption[]::new))) {
            JsonNode r = peer.call("blob-download", IrohPeer.params("ticket", ticket, "timeoutMs", LONG_MS));
            if (!r.path("complete").asBoolean()) {
                throw new IllegalStateException("iroh getter not complete: " + r);
            }
            String hash = r.get("hashHex").asText();
            peer.call("blob-export", "hash", hash, "path", out.toString());
            long end = System.nanoTime();
            long cpu = ColdProcesses.cpuMillis(peer.readyEvent().get("pid").asLong());
            double launchedMs = launched.getEpochSecond() * 1000.0 + launched.getNano() / 1e6;
            double ttfb = r.path("firstByteAt").isNumber() ? r.get("firstByteAt").asDouble() - launchedMs : -1;
            return new Transfer(size / 1e6 / (r.get("ms").asDouble() / 1000), ttfb, -1, (end - t0) / 1e6, cpu / 1000.0, -1, load, null);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Gossip

    /** One receiver's deliveries: count, first and last arrival (nanoTime), duplicates, lags. */
    private static final class Receiver {
        final AtomicLong count = new AtomicLong();
        volatile long first = -1;
        volatile long last = -1;
        final AtomicLong lagged = new AtomicLong();
        final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

        void got(long nanos, String content) {
            if (seen.add(content)) {
                if (first < 0) {
                    first = nanos;
                }
                last = nanos;
                count.incrementAndGet();
            }
        }
    }

    private record GossipRun(long sent, Receiver[] receivers, long t0, long publisherEnd) {}

    private void gossip(int msgs, int msgSize, int rounds) throws Exception {
        Path lines = base.resolve("messages.txt");
        try (Writer w = Files.newBufferedWriter(lines, StandardCharsets.UTF_8)) {
            for (int i = 0; i < msgs; i++) {
                w.write(message(i, msgSize));
                w.write('\n');
            }
        }
        System.out.printf(Locale.ROOT, "%ngossip, fresh processes: 1 publisher, 2 subscribers, %d x %d B, %d round(s)%n", msgs, msgSize, rounds);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 2; k++) {
                boolean iroh = (k + r) % 2 == 0;
                String name = iroh ? "iroh 0.35" : "Java CLI";
                String load = ColdProcesses.load();
                GossipRun run;
                try {
                    run = iroh ? irohGossip(msgs, msgSize) : javaGossip(lines, msgs);
                } catch (Exception e) {
                    System.out.printf(Locale.ROOT, "  %-9s round %d: FAILED %s%n", name, r + 1, e);
                    continue;
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-9s round %d: publisher %.2f s;", name, r + 1,
                        (run.publisherEnd - run.t0) / 1e9));
                for (Receiver rc : run.receivers) {
                    double pct = 100.0 * rc.count.get() / msgs;
                    double rate = rc.last > rc.first ? (rc.count.get() - 1) / ((rc.last - rc.first) / 1e9) : 0;
                    double endToEnd = rc.last > run.t0 ? rc.count.get() / ((rc.last - run.t0) / 1e9) : 0;
                    results.computeIfAbsent(name, x -> new ArrayList<>()).add(new double[] {rate, pct, endToEnd});
                    if (rc.count.get() < msgs) {
                        List<Integer> missing = new ArrayList<>();
                        for (int i = 0; i < msgs && missing.size() < 2000; i++) {
                            if (!rc.seen.contains(message(i, msgSize)) && !rc.seen.contains(HexFormat.of().formatHex(message(i, msgSize).getBytes(StandardCharsets.UTF_8)))) {
                                missing.add(i);
                            }
                        }
                        System.out.println("    missing: " + missing.subList(0, Math.min(10, missing.size())) + " ... " + missing.subList(Math.max(0, missing.size() - 5), missing.size()));
                    }
                    line.append(String.format(Locale.ROOT, " receiver %d/%d (%.1f %%) at %.0f msg/s first-to-last, %.0f msg/s from launch%s;",
                            rc.count.get(), msgs, pct, rate, endToEnd, rc.lagged.get() > 0 ? ", " + rc.lagged.get() + " lag events" : ""));
                }
                System.out.println(line.append(" (load ").append(load).append(')'));
            }
        }
        double[] anchor = medians(results.get("iroh 0.35"));
        System.out.printf(Locale.ROOT, "%n  gossip, medians over receivers and rounds:%n  %-9s %16s %10s %16s %10s%n", "", "msg/s (f-to-l)",
                "delivered", "msg/s (launch)", "x iroh");
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            double[] m = medians(e.getValue());
            System.out.printf(Locale.ROOT, "  %-9s %16.0f %9.1f%% %16.0f %5.2f / %.2f%n", e.getKey(), m[0], m[1], m[2],
                    anchor == null ? Double.NaN : m[0] / anchor[0], anchor == null ? Double.NaN : m[2] / anchor[2]);
        }
    }

    private static String message(int i, int size) {
        StringBuilder b = new StringBuilder("m").append(String.format(Locale.ROOT, "%08d", i));
        while (b.length() < size) {
            b.append('.');
        }
        return b.toString();
    }

    private GossipRun javaGossip(Path lines, int msgs) throws Exception {
        String topic = randomTopic();
        List<Cli> procs = new ArrayList<>();
        try {
            Cli s1 = Cli.start(launcher, getOpts, null, null, "gossip", "subscribe", "--topic", topic, "--bind", "127.0.0.1:0");
            procs.add(s1);
            String addr1 = awaitValue(s1, "addr: ");
            Cli s2 = Cli.start(launcher, getOpts, null, null, "gossip", "subscribe", "--topic", topic, "--bind", "127.0.0.1:0",
                    "--peer", addr1);
            procs.add(s2);
            String addr2 = awaitValue(s2, "addr: ");
            awaitValue(s1, "topic: ");
            awaitValue(s2, "topic: ");
            awaitErr(s1, "neighbor up");
            Receiver[] receivers = {new Receiver(), new Receiver()};
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Cli s = procs.get(i);
                Receiver rc = receivers[i];
                Thread t = new Thread(() -> {
                    try {
                        for (;;) {
                            Piece p = s.out.poll(1, TimeUnit.SECONDS);
                            if (p == null) {
                                if (!s.process.isAlive()) {
                                    return;
                                }
                                continue;
                            }
                            if (p.text().startsWith("m")) {
                                rc.got(p.nanos(), p.text());
                            }
                        }
                    } catch (InterruptedException e) {
                        // done
                    }
                }, "gossip-reader-" + i);
                t.setDaemon(true);
                t.start();
                readers.add(t);
            }
            ThreadCpu subCpu = threads ? new ThreadCpu(s1.javaPid(5000)) : null;
            Cli pub = Cli.start(launcher, sendOpts, null, lines, "gossip", "publish", "--topic", topic, "--peer", addr1, "--peer", addr2);
            procs.add(pub);
            ThreadCpu pubCpu = threads ? new ThreadCpu(pub.javaPid(5000)) : null;
            if (!pub.process.waitFor(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("gossip publish did not finish in 10 minutes");
            }
            long pubEnd = System.nanoTime();
            String said = pub.stderrText().strip();
            System.out.println("    publisher exited " + pub.process.exitValue() + ": "
                    + (pub.process.exitValue() != 0 ? said : said.substring(said.lastIndexOf('\n') + 1)));
            awaitQuiet(receivers, msgs);
            for (int i = 0; i < 2; i++) {
                String err = procs.get(i).stderrText();
                receivers[i].lagged.set(err.lines().filter(l -> l.contains("lagged")).count());
                if (receivers[i].count.get() < msgs) {
                    System.out.println("    subscriber " + (i + 1) + " stderr: " + err.strip().replace("\n", " | "));
                }
            }
            readers.forEach(Thread::interrupt);
            if (threads) {
                System.out.println("    publisher threads " + ThreadCpu.format(pubCpu.byGroup()) + "\n    subscriber 1 threads "
                        + ThreadCpu.format(subCpu.byGroup()));
                pubCpu.close();
                subCpu.close();
            }
            return new GossipRun(msgs, receivers, pub.startNanos, pubEnd);
        } finally {
            for (Cli c : procs) {
                c.close();
            }
        }
    }

    private GossipRun irohGossip(int msgs, int msgSize) throws Exception {
        String topic = randomTopic();
        List<IrohPeer> peers = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        try {
            IrohPeer s1 = IrohPeer.start(IrohVersion.V035, PeerOption.name("cold-gossip-s1"));
            peers.add(s1);
            s1.call("gossip-subscribe", IrohPeer.params("topic", topic, "bootstrap", List.of()));
            IrohPeer s2 = IrohPeer.start(IrohVersion.V035, PeerOption.name("cold-gossip-s2"));
            peers.add(s2);
            s2.call("add-node-addr", IrohPeer.params("addr", s1.addr()));
            s2.call("gossip-subscribe", IrohPeer.params("topic", topic, "bootstrap", List.of(s1.id())));
            s1.awaitEvent("gossip", e -> "neighbor-up".equals(e.path("kind").asText()) || "joined".equals(e.path("kind").asText()),
                    Duration.ofSeconds(30));
            Receiver[] receivers = {new Receiver(), new Receiver()};
            for (int i = 0; i < 2; i++) {
                IrohPeer s = peers.get(i);
                Receiver rc = receivers[i];
                Thread t = new Thread(() -> {
                    try {
                        for (;;) {
                            JsonNode e = s.awaitEvent("gossip", x -> {
                                String kind = x.path("kind").asText();
                                return "received".equals(kind) || "lagged".equals(kind);
                            }, Duration.ofDays(1));
                            if ("lagged".equals(e.path("kind").asText())) {
                                rc.lagged.incrementAndGet();
                            } else {
                                rc.got(System.nanoTime(), e.path("content").asText());
                            }
                        }
                    } catch (IrohHarnessException e) {
                        // interrupted or the process ended
                    }
                }, "iroh-gossip-reader-" + i);
                t.setDaemon(true);
                t.start();
                readers.add(t);
            }
            long t0 = System.nanoTime();
            IrohPeer pub = IrohPeer.start(IrohVersion.V035, PeerOption.name("cold-gossip-pub"), PeerOption.callTimeout(Duration.ofMinutes(10)));
            peers.add(pub);
            pub.call("add-node-addr", IrohPeer.params("addr", s1.addr()));
            pub.call("add-node-addr", IrohPeer.params("addr", s2.addr()));
            pub.call("gossip-subscribe", IrohPeer.params("topic", topic, "bootstrap", List.of(s1.id(), s2.id())));
            pub.awaitEvent("gossip", e -> "joined".equals(e.path("kind").asText()) || "neighbor-up".equals(e.path("kind").asText()),
                    Duration.ofSeconds(30));
            pub.call("gossip-broadcast-many", IrohPeer.params("topic", topic, "count", msgs, "size", msgSize, "prefix", "m"));
            long pubEnd = System.nanoTime();
            awaitQuiet(receivers, msgs);
            return new GossipRun(msgs, receivers, t0, pubEnd);
        } finally {
            readers.forEach(Thread::interrupt);
            for (IrohPeer p : peers) {
                p.close();
            }
        }
    }

    /** Waits until every receiver has everything, or none got anything new for 10 s. */
    private static void awaitQuiet(Receiver[] receivers, int msgs) throws InterruptedException {
        long lastChange = System.nanoTime();
        long lastTotal = -1;
        for (;;) {
            long total = 0;
            boolean all = true;
            for (Receiver r : receivers) {
                total += r.count.get();
                all &= r.count.get() >= msgs;
            }
            if (all) {
                return;
            }
            if (total != lastTotal) {
                lastTotal = total;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 10_000_000_000L) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static String awaitValue(Cli cli, String prefix) throws InterruptedException {
        String l = cli.awaitOut(prefix, 60_000);
        if (l == null) {
            throw new IllegalStateException("no '" + prefix + "' line: " + cli.stderrText());
        }
        return l.substring(prefix.length()).trim();
    }

    private static void awaitErr(Cli cli, String needle) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (cli.stderrText().contains(needle)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no '" + needle + "' on stderr: " + cli.stderrText());
    }

    private static String randomTopic() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static double[] medians(List<double[]> rows) {
        if (rows == null || rows.isEmpty()) {
            return null;
        }
        double[] m = new double[rows.get(0).length];
        for (int c = 0; c < m.length; c++) {
            final int col = c;
            m[c] = median(rows.stream().mapToDouble(r -> r[col]).toArray());
        }
        return m;
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String joined(List<Double> v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() == 0 ? "" : "/").append(String.format(Locale.ROOT, "%.2f", d));
        }
        return b.toString();
    }
}
