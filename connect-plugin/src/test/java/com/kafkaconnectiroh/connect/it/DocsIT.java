package com.kafkaconnectiroh.connect.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.stack.ConnectRest;
import com.kafkaconnectiroh.stack.ConnectWorker;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * iroh documents through stock workers with real iroh-docs 0.35 (npm): entries a real iroh node writes reach Kafka
 * exactly once across a worker killed -9 mid-stream (exactly-once source support), the offsets REST API resets and
 * validates, and the sink writes records into a document the iroh node reads, nothing written twice across a
 * restart.
 */
@Tag("kafka-it")
@Tag("iroh-interop")
class DocsIT {
    static final Duration WAIT = Duration.ofSeconds(120);
    static final Map<String, Object> READ_COMMITTED = Map.of("isolation.level", "read_committed");

    @Test
    void entriesOfARealIrohDocumentReachKafkaExactlyOnceAcrossACrash() throws Exception {
        ItStack stack = ItStack.get();
        String run = Long.toString(System.nanoTime());
        String group = "docs-eos-" + run;
        Map<String, String> eos = Map.of("exactly.once.source.support", "enabled");
        try (IrohPeer iroh = IrohPeer.start(IrohVersion.V035, PeerOption.name("docs-src"), PeerOption.docs())) {
            String doc = iroh.call("doc-create").path("doc").asText();
            iroh.call("doc-set-many", "doc", doc, "count", 200, "prefix", "first-");
            String ticket = iroh.call("doc-share", "doc", doc, "mode", "read").path("ticket").asText();
            String name = "docs-source-" + run;
            Map<String, String> config = ItStack.exampleConfig("source-docs.json", Map.of(
                    "docs.tickets", ticket,
                    "iroh.bind", "127.0.0.1:0",
                    "iroh.data.dir", stack.dataDir(name).toString(),
                    "exactly.once.support", "required"));
            String topic = "iroh.docs." + doc;
            ConnectWorker first = stack.startIsolatedWorker("docs-a-" + run, group, eos);
            first.rest().putConnector(name, config).orThrow("create");
            first.rest().awaitRunning(name, 1, WAIT);
            assertEquals(200, stack.read(topic, 200, WAIT, READ_COMMITTED).size());

            iroh.call("doc-set-many", "doc", doc, "count", 300, "prefix", "second-");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (stack.read(topic, 210, Duration.ofSeconds(2), READ_COMMITTED).size() < 210
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            first.process().kill(); // mid-stream: some of the second batch is in Kafka, the rest is not
            int atCrash = stack.read(topic, 500, Duration.ofSeconds(3), READ_COMMITTED).size();

            try (ConnectWorker second = stack.startIsolatedWorker("docs-b-" + run, group, eos)) {
                second.rest().awaitRunning(name, 1, WAIT);
                List<ConsumerRecord<byte[], byte[]>> all = stack.read(topic, 500, WAIT, READ_COMMITTED);
                Thread.sleep(3000);
                all = stack.read(topic, 600, Duration.ofSeconds(5), READ_COMMITTED);
                Set<String> keys = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> r : all) {
                    assertTrue(keys.add(new String(r.key(), UTF_8)), "written twice: " + new String(r.key(), UTF_8));
                }
                assertEquals(500, keys.size(), "every entry (" + atCrash + " were in Kafka at the crash)");
                ConsumerRecord<byte[], byte[]> one = all.get(0);
                Map<String, String> h = SourceGossipIT.headers(one);
                assertEquals(doc, h.get("iroh.doc.namespace"));
                assertEquals("blob", h.get("iroh.value.kind"));
                assertTrue(new String(one.value(), UTF_8).startsWith("value-"), new String(one.value(), UTF_8));

                // The offsets REST API (KIP-875): a bad offset is refused, a reset reads the document again.
                ConnectRest rest = second.rest();
                rest.put("/connectors/" + name + "/stop", Map.of()).orThrow("stop");
                awaitState(rest, name, "STOPPED");
                ConnectRest.Response bad = rest.patch("/connectors/" + name + "/offsets", Map.of("offsets", List.of(
                        Map.of("partition", Map.of("namespace", doc), "offset", Map.of("seq", -4)))));
                // Connect answers a connector's refusal with 500 and the connector's reason.
                assertTrue(!bad.ok() && bad.text().contains("a document offset needs"), bad.text());
                rest.delete("/connectors/" + name + "/offsets").orThrow("reset offsets");
                rest.put("/connectors/" + name + "/resume", Map.of()).orThrow("resume");
                rest.awaitRunning(name, 1, WAIT);
                assertEquals(1000, stack.read(topic, 1000, WAIT, READ_COMMITTED).size(), "read again from the start");
                rest.delete("/connectors/" + name).orThrow("delete");
            }
        }
    }

    @Test
    void theSinkWritesRecordsIntoADocumentARealIrohNodeReadsAndARestartRewritesNothing() throws Exception {
        ItStack stack = ItStack.get();
        String run = Long.toString(System.nanoTime());
        String group = "docs-sink-" + run;
        String kafkaTopic = "docs-sink-" + run;
        try (IrohPeer iroh = IrohPeer.start(IrohVersion.V035, PeerOption.name("docs-sink"), PeerOption.docs())) {
            String doc = iroh.call("doc-create").path("doc").asText();
            String write = iroh.call("doc-share", "doc", doc, "mode", "write").path("ticket").asText();
            String name = "docs-sink-" + run;
            // A fixed identity and port: iroh 0.35 fetches content only from nodes whose address it knows.
            com.kafkaconnectiroh.p2p.base.SecretKey key = com.kafkaconnectiroh.p2p.base.SecretKey.generate();
            int port = com.kafkaconnectiroh.stack.Ports.freeUdp();
            iroh.call("add-node-addr", "addr", IrohPeer.params("id", key.publicKey().toString(),
                    "addrs", List.of("127.0.0.1:" + port)));
            Map<String, String> config = new HashMap<>(ItStack.exampleConfig("sink-doc.json", Map.of(
                    "topics", kafkaTopic,
                    "doc.ticket", write,
                    "iroh.secret.key", Hex.encode(key.toBytes()),
                    "iroh.bind", "127.0.0.1:" + port,
                    "iroh.data.dir", stack.dataDir(name).toString(),
                    "errors.deadletterqueue.topic.name", kafkaTopic + "-dlq")));
            try (KafkaProducer<byte[], byte[]> p = stack.producer()) {
                for (int i = 0; i < 100; i++) {
                    p.send(new ProducerRecord<>(kafkaTopic, ("k-" + i).getBytes(UTF_8), ("v-" + i).getBytes(UTF_8)));
                }
                p.flush();
            }
            ConnectWorker first = stack.startIsolatedWorker("docs-sink-a-" + run, group);
            first.rest().putConnector(name, config).orThrow("create");
            first.rest().awaitRunning(name, 1, WAIT);
            JsonNode waited = iroh.call("doc-wait", IrohPeer.params("doc", doc, "count", 100, "timeoutMs", 60_000),
                    WAIT);
            assertTrue(waited.path("complete").asBoolean(), waited.toString());
            Map<String, Long> before = timestamps(iroh, doc);
            assertEquals(100, before.size());
            first.process().kill();

            try (KafkaProducer<byte[], byte[]> p = stack.producer()) {
                for (int i = 100; i < 150; i++) {
                    p.send(new ProducerRecord<>(kafkaTopic, ("k-" + i).getBytes(UTF_8), ("v-" + i).getBytes(UTF_8)));
                }
                p.send(new ProducerRecord<>(kafkaTopic, "k-7".getBytes(UTF_8), null)); // a tombstone
                p.flush();
            }
            try (ConnectWorker second = stack.startIsolatedWorker("docs-sink-b-" + run, group)) {
                second.rest().awaitRunning(name, 1, WAIT);
                // iroh-docs deletes by prefix: the tombstone for k-7 removes k-7 and k-70..k-79 (docs/connectors.md).
                Set<String> deleted = new HashSet<>(List.of("k-7"));
                for (int i = 70; i < 80; i++) {
                    deleted.add("k-" + i);
                }
                iroh.call("doc-wait", IrohPeer.params("doc", doc, "count", 150 - deleted.size(),
                        "timeoutMs", 90_000), WAIT); // with content

                waitFor(() -> timestamps(iroh, doc).size() == 150 - deleted.size(), WAIT);
                Map<String, Long> after = timestamps(iroh, doc);
                assertEquals(150 - deleted.size(), after.size(), "100 + 50 keys, 11 deleted: " + after.keySet());
                for (String gone : deleted) {
                    assertTrue(!after.containsKey(gone), gone + " is still there");
                }
                for (Map.Entry<String, Long> e : before.entrySet()) {
                    if (!deleted.contains(e.getKey())) {
                        assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " was written again");
                    }
                }
                JsonNode got = iroh.call("doc-get", "doc", doc, "key", "k-120");
                assertEquals(Hex.encode("v-120".getBytes(UTF_8)), got.path("contentHex").asText());
                second.rest().delete("/connectors/" + name).orThrow("delete");
            }
        }
    }

    /** Latest entry per key as iroh lists it: key → timestamp. */
    static Map<String, Long> timestamps(IrohPeer iroh, String doc) {
        JsonNode list = iroh.call("doc-list", "doc", doc, "limit", 10_000);
        Map<String, Long> out = new HashMap<>();
        for (JsonNode e : list.path("entries")) {
            out.put(e.path("key").asText(), e.path("timestamp").asLong());
        }
        return out;
    }

    static void waitFor(java.util.function.BooleanSupplier check, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    static void awaitState(ConnectRest rest, String name, String state) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (rest.status(name).body().path("connector").path("state").asText().equals(state)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " never " + state);
    }
}
