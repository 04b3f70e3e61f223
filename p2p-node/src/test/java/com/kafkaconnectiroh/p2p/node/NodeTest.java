package com.kafkaconnectiroh.p2p.node;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static com.kafkaconnectiroh.p2p.Fixtures.loopbackNode;
import static com.kafkaconnectiroh.p2p.Fixtures.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.DownloadListener;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.PathTotals;
import com.kafkaconnectiroh.p2p.endpoint.RelayMode;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.ping.Ping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two real nodes on loopback: every protocol the node composes answers, and a data dir survives a restart. */
@Timeout(120)
class NodeTest {

    @Test
    void blobsGossipAndPingBetweenTwoNodes() throws Exception {
        try (Node a = loopbackNode();
                Node b = loopbackNode()) {
            byte[] data = randomBytes(7, 300_000);
            Blobs.AddOutcome added = a.blobs().add(data);
            BlobTicket ticket = a.blobs().ticket(added.content());
            b.blobs().download(ticket, DownloadListener.NONE);
            assertArrayEquals(data, b.blobs().read(added.hash()));

            TopicId topic = TopicId.fromName("node-test");
            GossipTopic ta = a.gossip().subscribe(topic, List.of());
            GossipTopic tb = b.gossip().subscribe(topic, List.of(a.addr()));
            tb.joined().get(20, TimeUnit.SECONDS);
            ta.joined().get(20, TimeUnit.SECONDS);
            tb.broadcast("hello from b".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            assertEquals("hello from b", new String(nextReceived(ta).content(), StandardCharsets.UTF_8));

            Ping.Pong pong = a.ping().ping(a.endpoint(), b.addr(), Duration.ofSeconds(10));
            assertEquals(b.id(), pong.remote());
            assertEquals(1, b.ping().pingsReceived());
        }
    }

    @Test
    void dataDirKeepsIdentityAndBlobsAcrossRestarts(@TempDir Path dir) throws Exception {
        byte[] data = "kept across restarts".getBytes(StandardCharsets.UTF_8);
        Hash hash;
        com.kafkaconnectiroh.p2p.base.EndpointId id;
        try (Node first = Node.builder().dataDir(dir).bindAddr(LOOPBACK).spawn()) {
            id = first.id();
            hash = first.blobs().add(data).hash();
        }
        assertTrue(Files.isRegularFile(dir.resolve("secret_key")));
        assertTrue(Files.isDirectory(dir.resolve("blobs")));
        try (Node second = Node.builder().dataDir(dir).bindAddr(LOOPBACK).spawn();
                Node fetcher = loopbackNode()) {
            assertEquals(id, second.id());
            assertInstanceOf(BlobStatus.Complete.class, second.blobs().status(hash));
            assertTrue(second.blobs().tags().containsValue(HashAndFormat.raw(hash)), "auto tag kept: " + second.blobs().tags());
            fetcher.blobs().download(second.blobs().ticket(HashAndFormat.raw(hash)), DownloadListener.NONE);
            assertArrayEquals(data, fetcher.blobs().read(hash));
        }
    }

    @Test
    void closeStopsServingAndIsIdempotent() throws Exception {
        try (Node client = loopbackNode()) {
            Node server = loopbackNode();
            Connection c = client.endpoint().connect(server.addr(), Blobs.ALPN, Duration.ofSeconds(10));
            assertEquals(server.id(), c.remoteId());
            c.close(0, "done");
            server.close();
            server.close();
            assertTrue(server.isClosed());
            assertTrue(server.endpoint().isClosed());
            assertThrows(IOException.class,
                    () -> client.endpoint().connect(server.addr(), Blobs.ALPN, Duration.ofSeconds(2)));
        }
    }

    @Test
    void aNodeServesOnlyTheProtocolsItRunsAndOpensNoStoreForTheOthers(@TempDir Path dir) throws Exception {
        try (Node client = loopbackNode();
                Node pingOnly = Node.builder().bindAddr(LOOPBACK).dataDir(dir).protocols(Set.of(Node.Protocol.PING)).spawn()) {
            assertEquals(List.of(Ping.ALPN), pingOnly.router().alpns());
            assertEquals(pingOnly.id(), client.ping().ping(client.endpoint(), pingOnly.addr(), Duration.ofSeconds(10)).remote());
            assertThrows(IOException.class,
                    () -> client.endpoint().connect(pingOnly.addr(), Blobs.ALPN, Duration.ofSeconds(5)));
            assertThrows(IllegalStateException.class, pingOnly::blobs);
            assertThrows(IllegalStateException.class, pingOnly::gossip);
            assertThrows(IllegalStateException.class, pingOnly::docs);
            assertTrue(Files.exists(dir.resolve("secret_key")), "the key still comes from the data dir");
            assertTrue(!Files.exists(dir.resolve("blobs")) && !Files.exists(dir.resolve("docs.db")), "no store opened");
        }
        assertThrows(IllegalArgumentException.class, () -> Node.builder().protocols(Set.of(Node.Protocol.DOCS)));
    }

    @Test
    void unusableDataDirIsAClearErrorAndLeavesNothingRunning(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        IOException e = assertThrows(IOException.class, () -> Node.builder().dataDir(file).bindAddr(LOOPBACK).spawn());
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "message: " + e.getMessage());
    }

    /**
     * Two relay-only nodes that know each other only by id + relay URL: gossip joins through the relay (the
     * bootstrap address has no direct address), a blob downloads through it, and every connection says relay.
     */
    @Test
    void relayOnlyNodesGossipAndFetchBlobsThroughTheRelay() throws Exception {
        try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(LOOPBACK));
                Node a = Node.builder().bindAddr(LOOPBACK).relayUrls(relay.url()).relayMode(RelayMode.RELAY_ONLY).spawn();
                Node b = Node.builder().bindAddr(LOOPBACK).relayUrls(relay.url()).relayMode(RelayMode.RELAY_ONLY).spawn()) {
            assertTrue(a.endpoint().online(Duration.ofSeconds(20)) && b.endpoint().online(Duration.ofSeconds(20)));
            assertTrue(a.addr().ipAddrs().isEmpty(), "relay-only address: " + a.addr());

            TopicId topic = TopicId.fromName("node-relay-test");
            GossipTopic ta = a.gossip().subscribe(topic, List.of());
            GossipTopic tb = b.gossip().subscribe(topic, List.of(a.addr()));
            tb.joined().get(20, TimeUnit.SECONDS);
            ta.joined().get(20, TimeUnit.SECONDS);
            tb.broadcast("through the relay".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            assertEquals("through the relay", new String(nextReceived(ta).content(), StandardCharsets.UTF_8));

            byte[] data = randomBytes(9, 200_000);
            Blobs.AddOutcome added = a.blobs().add(data);
            b.blobs().download(a.blobs().ticket(added.content()), DownloadListener.NONE);
            assertArrayEquals(data, b.blobs().read(added.hash()));

            PathTotals totals = b.endpoint().pathTotals();
            assertEquals(0, totals.directConnections(), "b's connections: " + totals);
            assertTrue(totals.relayConnections() >= 1 && totals.relayBytesReceived() > data.length, "b: " + totals);
            assertEquals(0, totals.directBytesSent(), "b sent nothing direct: " + totals);
        }
    }

    private static GossipEvent.Received nextReceived(GossipTopic topic) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            GossipEvent e = topic.next(Duration.ofSeconds(1));
            if (e instanceof GossipEvent.Received r) {
                return r;
            }
        }
        throw new AssertionError("no message within 20 s");
    }
}
