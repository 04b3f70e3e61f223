package com.kafkaconnectiroh.connect.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.endpoint.RelayMode;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import com.kafkaconnectiroh.stack.ConnectRest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The source connector in a stock worker, from the zip, created over REST with config/source-gossip.json: Java
 * peers publish on gossip and the records appear in Kafka with the documented value, key and headers.
 */
@Tag("kafka-it")
class SourceGossipIT {

    @Test
    void pluginIsListedByTheWorker() throws Exception {
        ConnectRest.Response plugins = ItStack.get().rest().get("/connector-plugins").orThrow("list plugins");
        Set<String> classes = new HashSet<>();
        for (JsonNode p : plugins.body()) {
            classes.add(p.path("class").asText());
            if (p.path("class").asText().equals(ItStack.SOURCE_CLASS)) {
                assertEquals("source", p.path("type").asText());
                assertEquals("0.1.0-SNAPSHOT", p.path("version").asText());
            }
        }
        assertTrue(classes.contains(ItStack.SOURCE_CLASS), "plugins: " + classes);
    }

    @Test
    void gossipMessagesBecomeRecordsWithHeaders() throws Exception {
        ItStack stack = ItStack.get();
        String topicName = "source-it-" + System.nanoTime();
        TopicId topic = TopicId.fromName(topicName);
        try (Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            GossipTopic pub = peer.gossip().subscribe(topic, List.of());
            String name = "source-gossip-" + System.nanoTime();
            Map<String, String> config = ItStack.exampleConfig("source-gossip.json", Map.of(
                    "gossip.topics", topicName,
                    "iroh.peers", peer.ticket().toString(),
                    "iroh.bind", "127.0.0.1:0",
                    "iroh.data.dir", stack.dataDir(name).toString()));
            stack.rest().putConnector(name, config).orThrow("create connector");
            stack.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
            pub.joined().get(30, TimeUnit.SECONDS);

            int n = 200;
            for (int i = 0; i < n; i++) {
                pub.broadcast(("hello " + i).getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
            }
            String kafkaTopic = "iroh.gossip." + topic;
            List<ConsumerRecord<byte[], byte[]>> records = stack.read(kafkaTopic, n, Duration.ofSeconds(60));
            assertEquals(n, records.size(), "records in " + kafkaTopic);
            Set<String> values = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String v = new String(r.value(), UTF_8);
                values.add(v);
                assertArrayEquals(Hash.of(r.value()).toBytes(), r.key(), "key = message id");
                Map<String, String> h = headers(r);
                assertEquals(topic.toString(), h.get("iroh.gossip.topic"));
                assertEquals(peer.id().toString(), h.get("iroh.gossip.from"));
                assertEquals(Hash.of(r.value()).toHex(), h.get("iroh.gossip.message.id"));
                assertEquals("message", h.get("iroh.value.kind"));
            }
            assertEquals(n, values.size(), "every message once");

            // The task's metrics, as JMX shows them in the worker (through the worker's plugin metrics, KIP-877).
            Map<String, Double> m = WorkerJmx.connectorMetrics(stack.worker.process().pid(), name, "messages-received");
            System.out.println("task metrics over JMX: " + m);
            assertTrue(m.getOrDefault("messages-received", 0.0) >= n, "metrics: " + m);
            assertTrue(m.getOrDefault("records-emitted", 0.0) >= n, "metrics: " + m);
            assertEquals(1.0, m.get("neighbors"), "metrics: " + m);
            assertEquals(0.0, m.get("messages-dropped"), "metrics: " + m);
            stack.rest().delete("/connectors/" + name).orThrow("delete");
        }
    }

    @Test
    void envelopeWithBlobArrivesInlineVerified() throws Exception {
        ItStack stack = ItStack.get();
        String topicName = "source-blob-it-" + System.nanoTime();
        TopicId topic = TopicId.fromName(topicName);
        try (Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            GossipTopic pub = peer.gossip().subscribe(topic, List.of());
            String name = "source-blob-" + System.nanoTime();
            Map<String, String> config = ItStack.exampleConfig("source-gossip.json", Map.of(
                    "gossip.topics", topicName,
                    "iroh.peers", peer.ticket().toString(),
                    "iroh.bind", "127.0.0.1:0",
                    "iroh.data.dir", stack.dataDir(name).toString()));
            stack.rest().putConnector(name, config).orThrow("create connector");
            stack.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
            pub.joined().get(30, TimeUnit.SECONDS);

            byte[] content = new byte[700_000];
            new Random(7).nextBytes(content);
            Blobs.AddOutcome added = peer.blobs().add(content);
            Envelope env = new Envelope("key-1".getBytes(UTF_8),
                    List.of(new Envelope.Header("trace", "abc".getBytes(UTF_8))), null,
                    new Envelope.Blob(new BlobRef(added.content(), content.length, List.of(peer.addr()))));
            pub.broadcast(EnvelopeCodec.encode(env)).get(10, TimeUnit.SECONDS);

            List<ConsumerRecord<byte[], byte[]>> records = stack.read("iroh.gossip." + topic, 1, Duration.ofSeconds(60));
            assertEquals(1, records.size());
            ConsumerRecord<byte[], byte[]> r = records.get(0);
            assertArrayEquals(content, r.value(), "blob content, fetched and verified");
            assertEquals("key-1", new String(r.key(), UTF_8));
            Map<String, String> h = headers(r);
            assertEquals("abc", h.get("trace"));
            assertEquals("blob", h.get("iroh.value.kind"));
            assertEquals(added.hash().toHex(), h.get("iroh.blob.hash"));
            assertEquals(Integer.toString(content.length), h.get("iroh.blob.size"));
            stack.rest().delete("/connectors/" + name).orThrow("delete");
        }
    }

    /**
     * Worker and peer both relay-only, so nothing goes direct: the peer's ticket holds its id and the relay URL, the
     * task's node dials it through the Java relay (in this JVM), gossip and a blob fetch cross the relay, and the
     * task's path metrics say so.
     */
    @Test
    void messagesAndBlobsArriveThroughARelayWhenNeitherSideGoesDirect() throws Exception {
        ItStack stack = ItStack.get();
        String topicName = "source-relay-it-" + System.nanoTime();
        TopicId topic = TopicId.fromName(topicName);
        try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)));
             Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                     .relayUrls(relay.url()).relayMode(RelayMode.RELAY_ONLY).spawn()) {
            assertTrue(peer.endpoint().online(Duration.ofSeconds(20)), "peer's home relay: " + peer.endpoint().relays());
            assertTrue(peer.addr().ipAddrs().isEmpty(), "relay-only ticket: " + peer.addr());
            GossipTopic pub = peer.gossip().subscribe(topic, List.of());
            String name = "source-relay-" + System.nanoTime();
            Map<String, String> config = ItStack.exampleConfig("source-gossip.json", Map.of(
                    "gossip.topics", topicName,
                    "iroh.peers", peer.ticket().toString(),
                    "iroh.relay.urls", relay.url().toString(),
                    "iroh.relay.mode", "relay-only",
                    "iroh.bind", "127.0.0.1:0",
                    "iroh.data.dir", stack.dataDir(name).toString()));
            stack.rest().putConnector(name, config).orThrow("create connector");
            stack.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
            pub.joined().get(30, TimeUnit.SECONDS);

            int n = 50;
            for (int i = 0; i < n; i++) {
                pub.broadcast(("relayed " + i).getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
            }
            byte[] content = new byte[300_000];
            new Random(11).nextBytes(content);
            Blobs.AddOutcome added = peer.blobs().add(content);
            pub.broadcast(EnvelopeCodec.encode(new Envelope("blob".getBytes(UTF_8), List.of(), null,
                    new Envelope.Blob(new BlobRef(added.content(), content.length, List.of(peer.addr()))))))
                    .get(10, TimeUnit.SECONDS);

            List<ConsumerRecord<byte[], byte[]>> records = stack.read("iroh.gossip." + topic, n + 1, Duration.ofSeconds(60));
            assertEquals(n + 1, records.size());
            assertArrayEquals(content, records.get(n).value(), "blob fetched through the relay, verified");

            Map<String, Double> m = WorkerJmx.connectorMetrics(stack.worker.process().pid(), name, "connections-relay");
            System.out.println("task path metrics over JMX: " + m);
            assertTrue(m.getOrDefault("connections-relay", 0.0) >= 1, "metrics: " + m);
            assertEquals(0.0, m.get("connections-direct"), "metrics: " + m);
            assertTrue(m.getOrDefault("bytes-received-relay", 0.0) > content.length, "metrics: " + m);
            assertEquals(0.0, m.get("bytes-sent-direct"), "metrics: " + m);
            assertEquals(1.0, m.get("relay-online"), "metrics: " + m);
            stack.rest().delete("/connectors/" + name).orThrow("delete");
        }
    }

    @Test
    void invalidConfigsGetFieldLevelErrors() throws Exception {
        ItStack stack = ItStack.get();
        Map<String, String> config = ItStack.exampleConfig("source-gossip.json", Map.of(
                "gossip.topics", "abc123",
                "iroh.peers", "nodeNOTATICKET",
                "iroh.bind", "1.2.3:99999",
                "iroh.secret.key", "xyz",
                "kafka.topic", "bad topic ${topic}",
                "blob.fetch", "sometimes",
                "iroh.relay.urls", "ftp://relay.example",
                "iroh.relay.mode", "sometimes",
                "iroh.discovery", "mdns,bonjour",
                "iroh.discovery.pkarr.relay", "dns.iroh.link/pkarr"));
        Map<String, String> errors = stack.validationErrors(ItStack.SOURCE_CLASS, config);
        for (String key : List.of("iroh.peers", "iroh.bind", "iroh.secret.key", "kafka.topic", "blob.fetch",
                "iroh.relay.urls", "iroh.relay.mode", "iroh.discovery", "iroh.discovery.pkarr.relay")) {
            assertTrue(errors.containsKey(key), key + " should have an error; errors: " + errors);
        }
        assertTrue(!errors.get("iroh.secret.key").contains("xyz"), "the secret is never echoed: " + errors);
    }

    static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> out = new HashMap<>();
        for (Header h : r.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), UTF_8));
        }
        return out;
    }
}
