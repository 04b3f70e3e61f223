package com.kafkaconnectiroh.p2p.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.gossip.Gossip;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gossip throughput and delivery latency: one node broadcasts {@code messages} messages into a swarm, keeping at
 * most {@code window} of them not yet delivered everywhere (closed loop, so the slowest receiver sets the pace
 * and nobody lags); every other node's deliveries are timed against the send time (one clock: every node runs
 * on this machine and is observed from this JVM). Swarms: Java only, iroh 0.35 only (the npm harness), and mixed.
 *
 * <p>iroh nodes are driven and observed through the harness: each broadcast is a JSON command, each delivery a
 * JSON event handed from Rust to JavaScript (which awaits each one) and printed; so "iroh" figures are iroh-gossip
 * plus that path, an upper bound on what can be observed of it here, not iroh-gossip's own ceiling.
 *
 * <p>Args: {@code [messages=1000] [window=64] [size=200] [swarms=java10,iroh10,mixed,iroh4,java4] [runs=3]}; each
 * configuration runs {@code runs} times, interleaved, and the median run is reported (the machine is shared).
 * {@code -Dbench.trace=true} prints deliveries slower than 50 ms, {@code -Dbench.stats=true} each Java node's stats.
 */
public final class GossipBench {
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final boolean TRACE = Boolean.getBoolean("bench.trace");
    private static final long T0 = System.nanoTime();

    interface Node extends AutoCloseable {
        String name();

        EndpointAddr addr();

        void join(TopicId topic, List<Node> bootstrap) throws Exception;

        void broadcast(byte[] content) throws Exception;

        /** Starts delivering received contents to {@code sink} (on some thread). */
        void listen(java.util.function.Consumer<byte[]> sink);

        boolean hasNeighbor();

        @Override
        void close();
    }

    static final class JavaNode implements Node {
        final Endpoint ep;
        final Gossip gossip;
        final Router router;
        GossipTopic topic;
        final String name;

        JavaNode(String name) throws Exception {
            this.name = name;
            ep = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                    .transportConfig(new TransportConfig().keepAliveInterval(Duration.ofSeconds(1))).bind();
            gossip = Gossip.builder().spawn(ep);
            router = gossip.registerWith(Router.builder(ep)).spawn();
        }

        public String name() {
            return name;
        }

        public EndpointAddr addr() {
            return ep.addr();
        }

        public void join(TopicId t, List<Node> bootstrap) {
            topic = gossip.subscribe(t, bootstrap.stream().map(Node::addr).toList(), 1 << 16);
        }

        public void broadcast(byte[] content) throws Exception {
            topic.broadcast(content);
        }

        public void listen(java.util.function.Consumer<byte[]> sink) {
            Thread th = new Thread(() -> {
                try {
                    GossipEvent e;
                    while ((e = topic.next()) != null) {
                        if (e instanceof GossipEvent.Received r) {
                            sink.accept(r.content());
                        } else if (e instanceof GossipEvent.Lagged) {
                            System.out.println("  !! " + name + " lagged");
                        }
                    }
                } catch (InterruptedException ignored) {
                    // done
                }
            }, "bench-listen-" + name);
            th.setDaemon(true);
            th.start();
        }

        public boolean hasNeighbor() {
            return !topic.neighbors().isEmpty();
        }

        public void close() {
            if (Boolean.getBoolean("bench.stats")) {
                System.out.println("  " + name + " " + gossip.stats() + " " + ep.ioStats());
            }
            router.close();
        }
    }

    static final class IrohNode implements Node {
        final IrohPeer peer;
        final String name;
        String topicHex;
        volatile boolean joined;
        volatile boolean stop;

        IrohNode(String name) {
            this.name = name;
            this.peer = IrohPeer.start(IrohVersion.V035, PeerOption.name("bench-" + name));
        }

        public String name() {
            return name;
        }

        public EndpointAddr addr() {
            return EndpointAddr.of(peer.endpointId(), null, peer.addrs().stream().map(SocketAddrs::parse).toList());
        }

        public void join(TopicId t, List<Node> bootstrap) {
            topicHex = t.toString();
            List<String> ids = new ArrayList<>();
            for (Node b : bootstrap) {
                EndpointAddr a = b.addr();
                peer.call("add-node-addr", "addr", IrohPeer.params("id", a.id().toString(),
                        "addrs", a.ipAddrs().stream().map(SocketAddrs::format).toList()));
                ids.add(a.id().toString());
            }
            peer.call("gossip-subscribe", "topic", topicHex, "bootstrap", ids);
        }

        /** Commands go out from several threads (the harness runs them concurrently), so one JSON round trip at a
         * time does not cap the rate; failures are reported, not thrown. */
        public void broadcast(byte[] content) {
            String hex = Hex.encode(content);
            senders.execute(() -> {
                try {
                    peer.call("gossip-broadcast", "topic", topicHex, "hex", hex);
                } catch (RuntimeException e) {
                    System.out.println("  !! " + name + " broadcast failed: " + e.getMessage());
                }
            });
        }

        private final ExecutorService senders = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "bench-send");
            t.setDaemon(true);
            return t;
        });

        public void listen(java.util.function.Consumer<byte[]> sink) {
            Thread th = new Thread(() -> {
                while (!stop) {
                    JsonNode e;
                    try {
                        e = peer.awaitEvent("gossip", x -> true, Duration.ofMillis(500));
                    } catch (RuntimeException timeout) {
                        if (!peer.isAlive()) {
                            return;
                        }
                        continue;
                    }
                    switch (e.path("kind").asText()) {
                        case "received" -> sink.accept(Hex.decode(e.path("content").asText()));
                        case "joined", "neighbor-up" -> joined = true;
                        case "lagged" -> System.out.println("  !! " + name + " lagged");
                        default -> { }
                    }
                }
            }, "bench-listen-" + name);
            th.setDaemon(true);
            th.start();
        }

        public boolean hasNeighbor() {
            return joined;
        }

        public void close() {
            stop = true;
            senders.shutdownNow();
            peer.close();
        }
    }

    record Result(String swarm, String sender, int messages, double seconds, long[] latenciesNanos, int lost) {
        double rate() {
            return messages / seconds;
        }

        double pct(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            long[] s = latenciesNanos.clone();
            Arrays.sort(s);
            return s[Math.min(s.length - 1, (int) Math.floor(p * s.length))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int window = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        List<String> swarms = List.of((args.length > 3 ? args[3] : "java10,iroh10,mixed,iroh4,java4").split(","));
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        System.out.printf(Locale.ROOT, "GossipBench: %d messages of %d B, window %d, %d runs each (interleaved), %d cores, load %s%n",
                messages, size, window, reps, Runtime.getRuntime().availableProcessors(), load());
        java.util.LinkedHashMap<String, List<Result>> results = new java.util.LinkedHashMap<>();
        for (int rep = 0; rep < reps; rep++) {
            for (String s : swarms) {
                for (Result r : runSwarm(s, messages, window, size)) {
                    results.computeIfAbsent(r.swarm() + " / " + r.sender(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n%-26s %9s %9s %9s  %-28s %s%n", "swarm / sender", "msgs/s", "p50 ms", "p99 ms",
                "rates of each run", "lost");
        java.util.Map<String, Double> median = new java.util.HashMap<>();
        for (var e : results.entrySet()) {
            List<Result> rs = new ArrayList<>(e.getValue());
            rs.sort(java.util.Comparator.comparingDouble(Result::rate));
            Result m = rs.get(rs.size() / 2);
            median.put(e.getKey(), m.rate());
            String all = e.getValue().stream().map(r -> String.format(Locale.ROOT, "%.0f", r.rate()))
                    .collect(java.util.stream.Collectors.joining(" "));
            int lost = e.getValue().stream().mapToInt(Result::lost).sum();
            System.out.printf(Locale.ROOT, "%-26s %9.0f %9.2f %9.2f  %-28s %d%n", e.getKey(), m.rate(), m.pct(0.5),
                    m.pct(0.99), all, lost);
        }
        ratio(median, "java x10 / java", "iroh x10 / iroh");
        ratio(median, "java x4 / java", "iroh x4 / iroh");
        ratio(median, "java 2 + iroh 2 / java", "java 2 + iroh 2 / iroh");
        System.out.println("load after: " + load());
        System.exit(0);
    }

    private static void ratio(java.util.Map<String, Double> median, String a, String b) {
        if (median.containsKey(a) && median.containsKey(b)) {
            System.out.printf(Locale.ROOT, "%s vs %s: %.2fx the rate%n", a, b, median.get(a) / median.get(b));
        }
    }

    private static List<Result> runSwarm(String s, int messages, int window, int size) throws Exception {
        if (s.equals("mixed")) {
            return List.of(run("java 2 + iroh 2", 2, 2, false, messages, window, size),
                    run("java 2 + iroh 2", 2, 2, true, messages, window, size));
        }
        int n = Integer.parseInt(s.substring(4));
        if (s.startsWith("java")) {
            return List.of(run("java x" + n, n, 0, false, messages, window, size));
        }
        if (s.startsWith("iroh")) {
            return List.of(run("iroh x" + n, 0, n, true, messages, window, size));
        }
        throw new IllegalArgumentException("unknown swarm " + s + " (javaN, irohN, mixed)");
    }

    private static Result find(List<Result> rs, String swarm) {
        return rs.stream().filter(r -> r.swarm().equals(swarm)).findFirst().orElse(null);
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    static Result run(String swarm, int javaCount, int irohCount, boolean irohSends, int messages, int window,
                      int size) throws Exception {
        System.out.printf(Locale.ROOT, "%s (sender %s): starting nodes...%n", swarm, irohSends ? "iroh" : "java");
        List<Node> nodes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Node>> starting = new ArrayList<>();
            for (int i = 0; i < irohCount; i++) {
                String n = "iroh" + i;
                starting.add(pool.submit(() -> new IrohNode(n)));
            }
            for (Future<Node> f : starting) {
                nodes.add(f.get(120, TimeUnit.SECONDS));
            }
            for (int i = 0; i < javaCount; i++) {
                nodes.add(new JavaNode("java" + i));
            }
            // the sender first; every other node bootstraps from a node before it, alternating kinds when mixed
            List<Node> ordered = new ArrayList<>();
            List<Node> irohs = nodes.stream().filter(n -> n instanceof IrohNode).toList();
            List<Node> javas = nodes.stream().filter(n -> n instanceof JavaNode).toList();
            List<Node> first = irohSends ? irohs : javas;
            List<Node> second = irohSends ? javas : irohs;
            for (int i = 0; i < Math.max(first.size(), second.size()); i++) {
                if (i < first.size()) {
                    ordered.add(first.get(i));
                }
                if (i < second.size()) {
                    ordered.add(second.get(i));
                }
            }
            TopicId topic = TopicId.fromName("bench " + swarm + " " + System.nanoTime());
            for (int i = 0; i < ordered.size(); i++) {
                Node n = ordered.get(i);
                List<Node> boot = i == 0 ? List.of() : i == 1 ? List.of(ordered.get(0))
                        : List.of(ordered.get(i - 1), ordered.get((i * 7) % (i - 1)));
                n.join(topic, boot);
            }
            Node sender = ordered.get(0);
            List<Node> receivers = ordered.subList(1, ordered.size());

            long[] sentAt = new long[messages];
            AtomicIntegerArray remaining = new AtomicIntegerArray(messages);
            for (int i = 0; i < messages; i++) {
                remaining.set(i, receivers.size());
            }
            long[] lat = new long[messages * receivers.size()];
            AtomicInteger latCount = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            AtomicLong lastDone = new AtomicLong();
            Semaphore inFlight = new Semaphore(window);
            String prefix = "bench-" + Long.toHexString(System.nanoTime()) + "-";
            for (Node r : receivers) {
                r.listen(content -> {
                    long now = System.nanoTime();
                    String s = new String(content, 0, Math.min(content.length, 40), StandardCharsets.ISO_8859_1);
                    if (!s.startsWith(prefix)) {
                        return; // warm-up or foreign
                    }
                    int seq = Integer.parseInt(s.substring(prefix.length(), s.indexOf('|')));
                    int k = latCount.getAndIncrement();
                    lat[k] = now - sentAt[seq];
                    if (TRACE && lat[k] > 50_000_000L) {
                        System.out.printf(Locale.ROOT, "  slow: seq %d at %s after %.1f ms (t=%.3f s)%n", seq, r.name(),
                                lat[k] / 1e6, (now - T0) / 1e9);
                    }
                    if (remaining.decrementAndGet(seq) == 0) {
                        done.incrementAndGet();
                        lastDone.set(now);
                        inFlight.release();
                    }
                });
            }
            sender.listen(c -> { });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!nodes.stream().allMatch(Node::hasNeighbor)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(swarm + ": not every node joined within 60 s");
                }
                Thread.sleep(50);
            }
            Thread.sleep(SETTLE.toMillis()); // let the views settle (PlumTree does not replay to late neighbors)
            byte[] pad = new byte[size];
            Arrays.fill(pad, (byte) 'x');
            // warm-up (JIT, congestion windows): messages nobody counts, paced so no subscriber lags
            int warmup = Integer.getInteger("bench.warmup", 300);
            for (int i = 0; i < warmup; i++) {
                sender.broadcast(("warmup " + i + "|").getBytes(StandardCharsets.UTF_8));
                if (i % 20 == 19) {
                    Thread.sleep(20);
                }
            }
            Thread.sleep(1000);

            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                    System.out.printf(Locale.ROOT, "  %s: stalled at %d of %d%n", swarm, i, messages);
                    break;
                }
                byte[] head = (prefix + i + "|").getBytes(StandardCharsets.ISO_8859_1);
                byte[] content = Arrays.copyOf(head, Math.max(size, head.length));
                System.arraycopy(pad, 0, content, head.length, Math.max(0, size - head.length));
                sentAt[i] = System.nanoTime();
                sender.broadcast(content);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (done.get() < messages && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            double secs = (lastDone.get() - t0) / 1e9;
            int lost = 0;
            for (int i = 0; i < messages; i++) {
                lost += remaining.get(i);
            }
            long[] l = Arrays.copyOf(lat, Math.min(latCount.get(), lat.length));
            Result r = new Result(swarm, irohSends ? "iroh" : "java", done.get(), secs, l, lost);
            System.out.printf(Locale.ROOT, "  %s: %d/%d messages everywhere in %.2f s (%.0f msgs/s), p50 %.2f ms, p99 %.2f ms%n",
                    swarm, done.get(), messages, secs, r.rate(), r.pct(0.5), r.pct(0.99));
            return r;
        } finally {
            for (Node n : nodes) {
                n.close();
            }
            pool.shutdownNow();
        }
    }
}
