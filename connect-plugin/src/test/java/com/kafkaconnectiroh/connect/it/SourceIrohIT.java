package com.kafkaconnectiroh.connect.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real iroh 0.35 gossip peers (npm) publish; the source connector in a stock worker writes their messages. */
@Tag("kafka-it")
@Tag("iroh-interop")
class SourceIrohIT {

    @Test
    void messagesFromRealIrohPeersBecomeRecords() throws Exception {
        ItStack stack = ItStack.get();
        String run = Long.toString(System.nanoTime());
        TopicId topic = TopicId.fromName("iroh-source-" + run);
        try (IrohPeer a = IrohPeer.start(IrohVersion.V035, PeerOption.name("source-it-a"));
             IrohPeer b = IrohPeer.start(IrohVersion.V035, PeerOption.name("source-it-b"))) {
            a.call("gossip-subscribe", "topic", topic.toString(), "bootstrap", List.of());
            b.call("gossip-subscribe", "topic", topic.toString(), "bootstrap", List.of());
            String name = "source-iroh-" + run;
            Map<String, String> config = ItStack.exampleConfig("source-gossip.json", Map.of(
                    "gossip.topics", "iroh-source-" + run,
                    "iroh.peers", a.id() + "@" + String.join(",", a.addrs()) + "," + b.id() + "@"
                            + String.join(",", b.addrs()),
                    "iroh.bind", "127.0.0.1:0",
                    "iroh.data.dir", stack.dataDir(name).toString()));
            stack.rest().putConnector(name, config).orThrow("create");
            stack.rest().awaitRunning(name, 1, Duration.ofSeconds(60));
            for (IrohPeer p : List.of(a, b)) {
                p.awaitEvent("gossip", e -> e.path("kind").asText().equals("joined"), Duration.ofSeconds(60));
            }
            int n = 100;
            for (int i = 0; i < n; i++) {
                IrohPeer p = i % 2 == 0 ? a : b;
                p.call("gossip-broadcast", "topic", topic.toString(), "hex",
                        Hex.encode(("from iroh " + p.name() + " #" + i).getBytes(UTF_8)));
            }
            List<ConsumerRecord<byte[], byte[]>> records = stack.read("iroh.gossip." + topic, n, Duration.ofSeconds(60));
            Set<String> values = new HashSet<>();
            Set<String> from = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                values.add(new String(r.value(), UTF_8));
                from.add(SourceGossipIT.headers(r).get("iroh.gossip.from"));
            }
            assertEquals(n, values.size(), "every message of both iroh peers once: " + values);
            assertEquals(Set.of(a.id(), b.id()), from, "delivered directly by each iroh peer");
            stack.rest().delete("/connectors/" + name).orThrow("delete");
        }
    }
}
