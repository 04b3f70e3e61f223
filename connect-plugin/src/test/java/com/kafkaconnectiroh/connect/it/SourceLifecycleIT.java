package com.kafkaconnectiroh.connect.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.stack.ConnectWorker;
import com.kafkaconnectiroh.stack.Ports;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The source through a connector's life in a stock worker: task restart, pause and resume, a second worker
 * joining and leaving (rebalances), deletion; peers that crash and come back. Records keep flowing, and the worker
 * holds exactly the nodes it should (threads and UDP sockets counted from outside).
 */
@Tag("kafka-it")
class SourceLifecycleIT {
    static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void restartsPausesAndRebalancesKeepRecordsFlowingAndLeakNothing() throws Exception {
        ItStack stack = ItStack.get();
        long pid = stack.worker.process().pid();
        WorkerProbe.awaitSettled(stack.rest(), pid);
        int socketsBefore = WorkerProbe.udpSockets(pid);
        int threadsBefore = WorkerProbe.nodeThreads(pid);
        String run = Long.toString(System.nanoTime());
        List<TopicId> topics = List.of(TopicId.fromName("life-a-" + run), TopicId.fromName("life-b-" + run));
        try (Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            List<GossipTopic> pubs = topics.stream().map(t -> peer.gossip().subscribe(t, List.of())).toList();
            String name = "source-life-" + run;
            Map<String, String> config = ItStack.exampleConfig("source-gossip.json", Map.of(
                    "tasks.max", "2",
                    "gossip.topics", "life-a-" + run + ",life-b-" + run,
                    "iroh.peers", peer.ticket().toString(),
                    "iroh.bind", "127.0.0.1:0",
                    "iroh.reconnect.backoff.initial.ms", "200",
                    "iroh.reconnect.backoff.max.ms", "2000",
                    "iroh.data.dir", stack.dataDir(name).toString()));
            stack.rest().putConnector(name, config).orThrow("create");
            stack.rest().awaitRunning(name, 2, WAIT);
            Counter counter = new Counter(stack, topics);

            publish(pubs, "created", 50);
            counter.awaitAll("created", 50);
            // one node per task: its QUIC socket plus those of its local-network discovery (mDNS, on by default),
            // the same count for both
            int socketsRunning = WorkerProbe.udpSockets(pid) - socketsBefore;
            assertTrue(socketsRunning >= 2 && socketsRunning % 2 == 0, "one node per task: " + socketsRunning + " sockets");
            int threadsRunning = WorkerProbe.nodeThreads(pid);

            stack.rest().post("/connectors/" + name + "/tasks/0/restart", null).orThrow("restart task 0");
            stack.rest().awaitRunning(name, 2, WAIT);
            publish(pubs, "restarted", 50);
            counter.awaitAll("restarted", 50);
            assertEquals(socketsBefore + socketsRunning, WorkerProbe.udpSockets(pid), "the restarted task's old node is gone");
            assertEquals(threadsRunning, WorkerProbe.nodeThreads(pid), "no threads left by the restart");

            stack.rest().put("/connectors/" + name + "/pause", Map.of()).orThrow("pause");
            awaitState(stack, name, "PAUSED");
            publish(pubs, "paused", 20);
            stack.rest().put("/connectors/" + name + "/resume", Map.of()).orThrow("resume");
            stack.rest().awaitRunning(name, 2, WAIT);
            counter.awaitAll("paused", 20);

            try (ConnectWorker second = stack.startWorkerNamed("worker-2-" + run)) {
                stack.rest().awaitRunning(name, 2, WAIT);
                awaitTrue(() -> pubs.stream().allMatch(p -> !p.neighbors().isEmpty()), "peer rejoined by both tasks");
                publish(pubs, "two-workers", 50);
                counter.awaitAll("two-workers", 50);
            }
            stack.rest().awaitRunning(name, 2, WAIT);
            awaitTrue(() -> pubs.stream().allMatch(p -> !p.neighbors().isEmpty()), "peer rejoined after worker-2 left");
            publish(pubs, "one-worker-again", 50);
            counter.awaitAll("one-worker-again", 50);

            stack.rest().delete("/connectors/" + name).orThrow("delete");
            awaitTrue(() -> udp(pid) == socketsBefore, "every node of the connector closed");
            awaitTrue(() -> threads(pid) == threadsBefore, "every node thread ended");
        }
    }

    @Test
    void aPeerThatCrashesAndComesBackIsRejoinedByTheTask() throws Exception {
        ItStack stack = ItStack.get();
        String run = Long.toString(System.nanoTime());
        String topicName = "crash-" + run;
        TopicId topic = TopicId.fromName(topicName);
        SecretKey peerKey = SecretKey.generate();
        int peerPort = Ports.freeUdp();
        SecretKey sourceKey = SecretKey.generate();
        int sourcePort = Ports.freeUdp();
        String name = "source-crash-" + run;
        Map<String, String> config = new LinkedHashMap<>(ItStack.exampleConfig("source-gossip.json", Map.of(
                "gossip.topics", topicName,
                "iroh.peers", peerKey.publicKey() + "@127.0.0.1:" + peerPort,
                "iroh.secret.key", Hex.encode(sourceKey.toBytes()),
                "iroh.bind", "127.0.0.1:" + sourcePort,
                "iroh.reconnect.backoff.initial.ms", "200",
                "iroh.reconnect.backoff.max.ms", "1000",
                "iroh.data.dir", stack.dataDir(name).toString())));
        stack.rest().putConnector(name, config).orThrow("create");
        stack.rest().awaitRunning(name, 1, WAIT);
        Counter counter = new Counter(stack, List.of(topic));

        // Incarnation 1: the CLI publisher, a separate process, killed -9 mid-stream.
        Process cli = new ProcessBuilder(Path.of(System.getProperty("repo.root"), "p2p-node", "bin", "p2p-node").toString(),
                "gossip", "publish", "--topic", topicName, "--secret", Hex.encode(peerKey.toBytes()),
                "--bind", "127.0.0.1:" + peerPort, "--peer", sourceKey.publicKey() + "@127.0.0.1:" + sourcePort)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (OutputStream stdin = cli.getOutputStream()) {
            for (int i = 0; i < 30; i++) {
                stdin.write(("before-crash " + i + "\n").getBytes(UTF_8));
            }
            stdin.flush();
            counter.awaitAll("before-crash", 30);
            cli.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        // Incarnation 2: same identity and port, dials nobody: only the task's redial can bring it back.
        try (Node again = Node.builder().secretKey(peerKey).bindAddr(new InetSocketAddress("127.0.0.1", peerPort)).spawn()) {
            GossipTopic pub = again.gossip().subscribe(topic, List.of());
            pub.joined().get(60, TimeUnit.SECONDS);
            publish(List.of(pub), "after-crash", 30);
            counter.awaitAll("after-crash", 30);
        }
        stack.rest().delete("/connectors/" + name).orThrow("delete");
    }

    private static int udp(long pid) {
        try {
            return WorkerProbe.udpSockets(pid);
        } catch (Exception e) {
            return -1;
        }
    }

    private static int threads(long pid) {
        try {
            return WorkerProbe.nodeThreads(pid);
        } catch (Exception e) {
            return -1;
        }
    }

    static void publish(List<GossipTopic> pubs, String phase, int n) throws Exception {
        for (GossipTopic p : pubs) {
            for (int i = 0; i < n; i++) {
                p.broadcast((phase + " " + i + " on " + p.id().fmtShort()).getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    static void awaitState(ItStack stack, String name, String state) throws Exception {
        awaitTrue(() -> {
            try {
                return stack.rest().status(name).body().path("connector").path("state").asText().equals(state);
            } catch (Exception e) {
                return false;
            }
        }, name + " " + state);
    }

    static void awaitTrue(BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Counts distinct record values per phase in the topics' Kafka topics. */
    static final class Counter {
        private final ItStack stack;
        private final List<TopicId> topics;

        Counter(ItStack stack, List<TopicId> topics) {
            this.stack = stack;
            this.topics = topics;
        }

        /** Waits until every topic has {@code n} distinct values of {@code phase}. */
        void awaitAll(String phase, int n) throws InterruptedException {
            for (TopicId t : topics) {
                long deadline = System.nanoTime() + WAIT.toNanos();
                Set<String> seen = new HashSet<>();
                while (true) {
                    seen.clear();
                    for (ConsumerRecord<byte[], byte[]> r : stack.read("iroh.gossip." + t, Integer.MAX_VALUE,
                            Duration.ofSeconds(3))) {
                        String v = new String(r.value(), UTF_8);
                        if (v.startsWith(phase + " ")) {
                            seen.add(v);
                        }
                    }
                    if (seen.size() >= n) {
                        assertEquals(n, seen.size());
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, "phase " + phase + " on " + t.fmtShort() + ": only "
                            + seen.size() + " of " + n + " records");
                    Thread.sleep(500);
                }
            }
        }
    }
}
