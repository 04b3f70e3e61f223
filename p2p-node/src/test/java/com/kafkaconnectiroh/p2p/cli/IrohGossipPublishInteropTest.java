package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code gossip publish} to a real iroh 0.35 subscriber (npm harness) that quits as soon as it has the last
 * message. Its QUIC stack acknowledged everything (quinn sends its last ACK with the CONNECTION_CLOSE), so publish
 * exits 0, every round; it used to exit 1 in about half the runs, when the quit raced our leaving.
 */
@Tag("iroh-interop")
@Timeout(300)
class IrohGossipPublishInteropTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void publishSucceedsWhenAnIroh035SubscriberQuitsOnItsLastMessage() throws Exception {
        int n = 20;
        for (int round = 0; round < 4; round++) {
            String topic = TopicId.fromName("iroh quits " + round + " " + System.nanoTime()).toString();
            try (IrohPeer iroh = IrohPeer.start(IrohVersion.V035, PeerOption.name("gossip-quits-" + round));
                 CliProcess pub = CliProcess.start("gossip", "publish", "--topic", topic, "--bind", "127.0.0.1:0",
                         "--peer", iroh.id() + "@" + String.join(",", iroh.addrs()), "--json")) {
                String last = Hex.encode(("to iroh " + (n - 1)).getBytes(StandardCharsets.UTF_8));
                // the harness quits by itself the moment the last message arrives
                iroh.call("gossip-subscribe", "topic", topic, "bootstrap", List.of(), "quitOn", last);
                assertEquals("ready", JSON.readTree(pub.nextLine(WAIT)).get("type").asText());
                assertEquals("joined", JSON.readTree(pub.nextLine(WAIT)).get("type").asText(), pub.stderr());
                GossipCliProcessTest.writeLines(pub.stdin(), "to iroh %d", 0, n);
                pub.stdin().close();
                iroh.awaitEvent("gossip", e -> e.path("kind").asText().equals("received")
                        && e.path("content").asText().equals(last), WAIT);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (iroh.isAlive()) {
                    assertTrue(System.nanoTime() < deadline, "the harness did not quit");
                    Thread.sleep(10);
                }
                assertEquals(0, pub.awaitExit(WAIT), "round " + round + ": " + pub.stderr());
                JsonNode done = GossipCliProcessTest.done(pub);
                assertTrue(done.get("acknowledged").asBoolean(), done.toString());
                assertEquals(n, done.get("delivered").asInt(), done.toString());
            }
        }
    }
}
