package com.kafkaconnectiroh.connect.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.stack.ConnectWorker;
import com.kafkaconnectiroh.stack.Ports;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sink's promises under failure: a worker killed -9 mid-stream and started again delivers every record at least
 * once; records that cannot be sent go to the dead letter queue with the reason; bad configs get field-level
 * errors; a source and a sink of one identity share one node.
 */
@Tag("kafka-it")
class SinkDeliveryIT {
    static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aWorkerKilledMidStreamLosesNothing() throws Exception {
        ItStack stack = ItStack.get();
        String run = Long.toString(System.nanoTime());
        String kafkaTopic = "crash-sink-" + run;
        TopicId topic = TopicId.fromName(kafkaTopic);
        SecretKey sinkKey = SecretKey.generate();
        int sinkPort = Ports.freeUdp();
        String group = "crash-group-" + run;
        try (Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            GossipTopic sub = peer.gossip().subscribe(topic, List.of(), 1 << 16);
            Set<String> seen = ConcurrentHashMap.newKeySet();
            Thread collector = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        GossipEvent e = sub.next(Duration.ofMillis(200));
                        if (e instanceof GossipEvent.Received r) {
                            seen.add(new String(r.content(), UTF_8));
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            collector.start();
            String name = "crash-sink-" + run;
            Map<String, String> config = SinkGossipIT.sinkConfig(stack, name, kafkaTopic, sinkKey, sinkPort,
                    Map.of("iroh.peers", peer.ticket().toString()));
            int n = 20_000;
            try (KafkaProducer<byte[], byte[]> p = stack.producer()) {
                for (int i = 0; i < n; i++) {
                    p.send(new ProducerRecord<>(kafkaTopic, ("record " + i).getBytes(UTF_8)));
                }
                p.flush();
            }
            ConnectWorker first = stack.startIsolatedWorker("crash-a-" + run, group);
            first.rest().putConnector(name, config).orThrow("create");
            first.rest().awaitRunning(name, 1, WAIT);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seen.size() < n / 4 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            first.process().kill();
            int beforeCrash = seen.size();
            assertTrue(beforeCrash < n, "the crash came mid-stream (" + beforeCrash + " of " + n + ")");

            try (ConnectWorker second = stack.startIsolatedWorker("crash-b-" + run, group)) {
                second.rest().awaitRunning(name, 1, WAIT);
                deadline = System.nanoTime() + WAIT.toNanos();
                while (seen.size() < n && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(n, seen.size(), "every record reached the peer at least once (" + beforeCrash
                        + " before the crash)");
                second.rest().delete("/connectors/" + name).orThrow("delete");
            } finally {
                collector.interrupt();
            }
        }
    }

    @Test
    void recordsThatCannotBeSentGoToTheDeadLetterQueueWithTheReason() throws Exception {
        ItStack stack = ItStack.get();
        String run = Long.toString(System.nanoTime());
        String kafkaTopic = "dlq-sink-" + run;
        TopicId topic = TopicId.fromName(kafkaTopic);
        try (Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            GossipTopic sub = peer.gossip().subscribe(topic, List.of());
            String name = "dlq-sink-" + run;
            Map<String, String> config = SinkGossipIT.sinkConfig(stack, name, kafkaTopic, SecretKey.generate(),
                    Ports.freeUdp(), Map.of(
                            "iroh.peers", peer.ticket().toString(),
                            "blob.threshold.bytes", "-1",
                            "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                            "value.converter.schemas.enable", "false"));
            stack.rest().putConnector(name, config).orThrow("create");
            stack.rest().awaitRunning(name, 1, WAIT);
            sub.joined().get(60, TimeUnit.SECONDS);
            try (KafkaProducer<byte[], byte[]> p = stack.producer()) {
                p.send(new ProducerRecord<>(kafkaTopic, "\"a string is bytes\"".getBytes(UTF_8)));
                p.send(new ProducerRecord<>(kafkaTopic, "{\"an\": \"object is not\"}".getBytes(UTF_8)));
                p.send(new ProducerRecord<>(kafkaTopic, ("\"" + "x".repeat(5000) + "\"").getBytes(UTF_8)));
                p.send(new ProducerRecord<>(kafkaTopic, "\"after the bad ones\"".getBytes(UTF_8))).get();
            }
            List<ConsumerRecord<byte[], byte[]>> dlq = stack.read(kafkaTopic + "-dlq", 2, WAIT);
            assertEquals(2, dlq.size(), "the object and the oversized value");
            Map<String, String> reasons = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : dlq) {
                reasons.put(new String(r.value(), UTF_8).substring(0, 3),
                        SourceGossipIT.headers(r).get("__connect.errors.exception.message"));
            }
            assertTrue(reasons.get("{\"a").contains("gossip carries bytes"), reasons.toString());
            assertTrue(reasons.get("\"xx").contains("does not fit a gossip message"), reasons.toString());
            List<byte[]> got = SinkGossipIT.receive(sub, 2);
            assertEquals(Set.of("a string is bytes", "after the bad ones"),
                    Set.of(new String(got.get(0), UTF_8), new String(got.get(1), UTF_8)));
            stack.rest().delete("/connectors/" + name).orThrow("delete");
        }
    }

    @Test
    void invalidConfigsGetFieldLevelErrors() throws Exception {
        ItStack stack = ItStack.get();
        Map<String, String> config = ItStack.exampleConfig("sink-gossip.json", Map.of(
                "gossip.topic", "",
                "gossip.format", "xml",
                "blob.threshold.bytes", "-7",
                "delivery.min.neighbors", "-1",
                "iroh.allowed.peers", "not-an-id"));
        Map<String, String> errors = stack.validationErrors(ItStack.SINK_CLASS, config);
        for (String key : List.of("gossip.topic", "gossip.format", "blob.threshold.bytes", "delivery.min.neighbors",
                "iroh.allowed.peers")) {
            assertTrue(errors.containsKey(key), key + " should have an error; errors: " + errors);
        }
    }

    @Test
    void aSourceAndASinkOfOneIdentityShareOneNode() throws Exception {
        ItStack stack = ItStack.get();
        long pid = stack.worker.process().pid();
        WorkerProbe.awaitSettled(stack.rest(), pid);
        int before = WorkerProbe.udpSockets(pid);
        String run = Long.toString(System.nanoTime());
        SecretKey key = SecretKey.generate();
        int port = Ports.freeUdp();
        String dataDir = stack.dataDir("shared-" + run).toString();
        // discovery off: the node's socket is then its only one (mDNS, the default, opens its own)
        Map<String, String> identity = Map.of("iroh.secret.key", Hex.encode(key.toBytes()),
                "iroh.bind", "127.0.0.1:" + port, "iroh.data.dir", dataDir, "iroh.discovery", "none");
        Map<String, String> source = new HashMap<>(ItStack.exampleConfig("source-gossip.json", Map.of(
                "gossip.topics", "shared-" + run)));
        source.putAll(identity);
        Map<String, String> sink = new HashMap<>(ItStack.exampleConfig("sink-gossip.json", Map.of(
                "topics", "shared-out-" + run, "errors.deadletterqueue.topic.name", "shared-dlq-" + run)));
        sink.putAll(identity);
        stack.rest().putConnector("shared-source-" + run, source).orThrow("source");
        stack.rest().putConnector("shared-sink-" + run, sink).orThrow("sink");
        stack.rest().awaitRunning("shared-source-" + run, 1, WAIT);
        stack.rest().awaitRunning("shared-sink-" + run, 1, WAIT);
        assertEquals(before + 1, WorkerProbe.udpSockets(pid), "one node, one socket for both");
        stack.rest().delete("/connectors/shared-source-" + run).orThrow("delete");
        Thread.sleep(2000);
        assertEquals(before + 1, WorkerProbe.udpSockets(pid), "the sink still uses it");
        stack.rest().delete("/connectors/shared-sink-" + run).orThrow("delete");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (WorkerProbe.udpSockets(pid) != before && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(before, WorkerProbe.udpSockets(pid), "closed with its last task");
    }
}
