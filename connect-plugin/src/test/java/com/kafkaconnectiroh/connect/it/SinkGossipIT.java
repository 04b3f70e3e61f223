package com.kafkaconnectiroh.connect.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.DownloadListener;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import com.kafkaconnectiroh.p2p.envelope.Message;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.stack.Ports;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sink connector in a stock worker, from the zip, created over REST with config/sink-gossip.json: records
 * produced to Kafka reach Java and real iroh 0.35 gossip peers, raw and as envelopes; a 20 MiB value arrives as a
 * blob fetched from the task's node and verified; Kafka → sink → gossip → source → Kafka keeps key, value and
 * headers.
 */
@Tag("kafka-it")
class SinkGossipIT {
    static final Duration WAIT = Duration.ofSeconds(90);

    /** A sink config from the example, with a fixed identity so peers can dial it. */
    static Map<String, String> sinkConfig(ItStack stack, String name, String kafkaTopic, SecretKey key, int port,
                                          Map<String, String> more) throws Exception {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "topics", kafkaTopic,
                "iroh.secret.key", Hex.encode(key.toBytes()),
                "iroh.bind", "127.0.0.1:" + port,
                "iroh.data.dir", stack.dataDir(name).toString(),
                "errors.deadletterqueue.topic.name", kafkaTopic + "-dlq"));
        overrides.putAll(more);
        return ItStack.exampleConfig("sink-gossip.json", overrides);
    }

    static List<byte[]> receive(GossipTopic t, int n) throws InterruptedException {
        List<byte[]> out = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (out.size() < n && System.nanoTime() < deadline) {
            GossipEvent e = t.next(Duration.ofMillis(200));
            if (e instanceof GossipEvent.Received r) {
                out.add(r.content());
            }
        }
        return out;
    }

    @Test
    void rawRecordsReachJavaAndRealIrohPeersAndLargeValuesTravelAsVerifiedBlobs() throws Exception {
        ItStack stack = ItStack.get();
        String run = Long.toString(System.nanoTime());
        String kafkaTopic = "sink-raw-" + run;
        TopicId topic = TopicId.fromName(kafkaTopic);
        SecretKey sinkKey = SecretKey.generate();
        int sinkPort = Ports.freeUdp();
        try (Node java = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn();
             IrohPeer iroh = IrohPeer.start(IrohVersion.V035, PeerOption.name("sink-raw"))) {
            GossipTopic sub = java.gossip().subscribe(topic, List.of());
            iroh.call("gossip-subscribe", "topic", topic.toString(), "bootstrap", List.of());
            String name = "sink-raw-" + run;
            stack.rest().putConnector(name, sinkConfig(stack, name, kafkaTopic, sinkKey, sinkPort, Map.of(
                    "iroh.peers", java.ticket() + "," + iroh.id() + "@" + String.join(",", iroh.addrs()),
                    "delivery.min.neighbors", "2"))).orThrow("create");
            stack.rest().awaitRunning(name, 1, WAIT);
            sub.joined().get(60, TimeUnit.SECONDS);
            iroh.awaitEvent("gossip", e -> e.path("kind").asText().equals("joined"), WAIT);

            byte[] big = new byte[20 << 20];
            new Random(20).nextBytes(big);
            int n = 100;
            try (KafkaProducer<byte[], byte[]> p = stack.producer()) {
                for (int i = 0; i < n; i++) {
                    p.send(new ProducerRecord<>(kafkaTopic, ("k" + i).getBytes(UTF_8), ("raw record " + i).getBytes(UTF_8)));
                }
                p.send(new ProducerRecord<>(kafkaTopic, "big".getBytes(UTF_8), big)).get();
            }
            List<byte[]> got = receive(sub, n + 1);
            Set<String> texts = new HashSet<>();
            byte[] bigMessage = null;
            for (byte[] m : got) {
                if (EnvelopeCodec.isEnvelope(m)) {
                    bigMessage = m;
                } else {
                    texts.add(new String(m, UTF_8));
                }
            }
            assertEquals(n, texts.size(), "every raw record once at the Java peer");
            assertTrue(texts.contains("raw record 0") && texts.contains("raw record 99"));

            // The 20 MiB value came as a reference: fetch it from the sink's node, verified.
            Envelope env = assertInstanceOf(Message.Full.class, EnvelopeCodec.decode(bigMessage)).envelope();
            Envelope.Blob ref = assertInstanceOf(Envelope.Blob.class, env.payload());
            assertEquals(sinkKey.publicKey(), ref.ref().providers().get(0).id());
            assertEquals(big.length, ref.ref().size());
            java.blobs().downloader().download(ref.ref().content(), ref.ref().providers(), TagOption.none(),
                    DownloadListener.NONE);
            assertArrayEquals(big, java.blobs().read(ref.ref().content().hash()));
            assertEquals(Hash.of(big), ref.ref().content().hash());

            // The real iroh peer got the same messages.
            Set<String> atIroh = new HashSet<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (atIroh.size() < n + 1 && System.nanoTime() < deadline) {
                for (JsonNode e : iroh.events()) {
                    if (e.path("event").asText().equals("gossip") && e.path("kind").asText().equals("received")) {
                        atIroh.add(e.path("content").asText());
                    }
                }
                Thread.sleep(200);
            }
            assertTrue(atIroh.contains(Hex.encode("raw record 7".getBytes(UTF_8))), "iroh got raw records");
            assertTrue(atIroh.contains(Hex.encode(bigMessage)), "iroh got the blob reference");
            stack.rest().delete("/connectors/" + name).orThrow("delete");
        }
    }

    @Test
    void envelopesMakeTheRoundTripThroughGossipBackIntoKafka() throws Exception {
        ItStack stack = ItStack.get();
        String run = Long.toString(System.nanoTime());
        String in = "roundtrip-in-" + run;
        TopicId gossip = TopicId.fromName("roundtrip-" + run);
        SecretKey sinkKey = SecretKey.generate();
        int sinkPort = Ports.freeUdp();
        String sink = "roundtrip-sink-" + run;
        String source = "roundtrip-source-" + run;
        stack.rest().putConnector(sink, sinkConfig(stack, sink, in, sinkKey, sinkPort, Map.of(
                "gossip.topic", "roundtrip-" + run,
                "gossip.format", "envelope"))).orThrow("create sink");
        stack.rest().putConnector(source, ItStack.exampleConfig("source-gossip.json", Map.of(
                "gossip.topics", "roundtrip-" + run,
                "kafka.topic", "roundtrip-out-" + run,
                "iroh.peers", sinkKey.publicKey() + "@127.0.0.1:" + sinkPort,
                "iroh.bind", "127.0.0.1:0",
                "iroh.data.dir", stack.dataDir(source).toString()))).orThrow("create source");
        stack.rest().awaitRunning(sink, 1, WAIT);
        stack.rest().awaitRunning(source, 1, WAIT);

        int n = 50;
        byte[] large = new byte[300_000];
        new Random(3).nextBytes(large);
        try (KafkaProducer<byte[], byte[]> p = stack.producer()) {
            Thread.sleep(2000); // the source joins the sink's node
            for (int i = 0; i < n; i++) {
                RecordHeaders h = new RecordHeaders();
                h.add("trace-id", ("t-" + i).getBytes(UTF_8));
                h.add("kind", "order".getBytes(UTF_8));
                p.send(new ProducerRecord<>(in, null, 1_700_000_000_000L + i, ("key-" + i).getBytes(UTF_8),
                        ("value-" + i).getBytes(UTF_8), h));
            }
            p.send(new ProducerRecord<>(in, "large".getBytes(UTF_8), large));
            p.send(new ProducerRecord<>(in, "tomb".getBytes(UTF_8), null)).get();
        }
        List<ConsumerRecord<byte[], byte[]>> out = stack.read("roundtrip-out-" + run, n + 2, WAIT);
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            byKey.put(new String(r.key(), UTF_8), r);
        }
        assertEquals(n + 2, byKey.size(), "every record once: " + byKey.keySet());
        for (int i = 0; i < n; i++) {
            ConsumerRecord<byte[], byte[]> r = byKey.get("key-" + i);
            assertEquals("value-" + i, new String(r.value(), UTF_8));
            assertEquals(1_700_000_000_000L + i, r.timestamp(), "the original timestamp");
            Map<String, String> h = SourceGossipIT.headers(r);
            assertEquals("t-" + i, h.get("trace-id"));
            assertEquals("order", h.get("kind"));
            assertEquals(in, h.get("iroh.origin.topic"));
            assertEquals("0", h.get("iroh.origin.partition"));
        }
        assertArrayEquals(large, byKey.get("large").value(), "the blob came back, fetched from the sink's node");
        assertEquals(null, byKey.get("tomb").value(), "a tombstone stays a tombstone");
        stack.rest().delete("/connectors/" + sink).orThrow("delete");
        stack.rest().delete("/connectors/" + source).orThrow("delete");
    }
}
