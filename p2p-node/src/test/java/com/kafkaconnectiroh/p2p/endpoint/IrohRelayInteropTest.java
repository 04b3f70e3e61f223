package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our endpoint and a real iroh 1.0.2 endpoint (npm harness) whose only relay is our relay server, with no direct
 * address in either ticket: each dials the other through the relay and data goes both ways.
 */
@Tag("iroh-interop")
@Timeout(120)
class IrohRelayInteropTest {
    static final String ECHO = "test/echo";
    static final Duration WAIT = Duration.ofSeconds(30);
    static RelayServer relay;
    static IrohPeer iroh;
    static Endpoint java;
    static Router router;
    static final BlockingQueue<Connection> accepted = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)));
        iroh = IrohPeer.start(IrohVersion.V1, PeerOption.name("relay-interop"), PeerOption.relay(relay.url().toString()),
                PeerOption.alpn(ECHO, Behaviour.ECHO));
        // multipath off: these tests are about the relay path itself; iroh and we would otherwise leave it for the
        // direct path loopback offers at once (IrohDirectPathUpgradeTest covers that move)
        java = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).relayUrls(relay.url())
                .multipath(false).bind();
        router = Router.builder(java).accept(ECHO, c -> {
            accepted.add(c);
            EchoHandler.INSTANCE.accept(c);
        }).spawn();
        assertEquals(relay.url(), RelayUrl.parse(iroh.online(WAIT)), "iroh's home relay is ours");
        assertTrue(java.online(WAIT), "our endpoint is connected to the relay: " + java.relays());
    }

    @AfterAll
    static void stop() throws Exception {
        if (router != null) {
            router.close();
        }
        if (iroh != null) {
            iroh.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    static long relayedBytes() {
        return relay.metrics().snapshot().get("datagram_bytes_received_total");
    }

    @Test
    void javaDialsIrohThroughTheRelay() throws Exception {
        long before = relayedBytes();
        Connection conn = java.connect(EndpointAddr.of(iroh.endpointId(), relay.url(), List.of()), ECHO, WAIT);
        assertEquals(iroh.endpointId(), conn.remoteId());
        assertEquals(PathType.RELAY, conn.pathType());
        for (int size : new int[] {1, 1 << 20}) {
            byte[] data = Pattern.bytes(size, size);
            BiStream s = conn.openBi();
            s.send().writeAll(data);
            s.send().finish();
            assertArrayEquals(data, s.recv().readToEnd(size + 1), "echo of " + size + " bytes");
        }
        assertEquals(PathType.RELAY, conn.pathType(), conn.paths().toString());
        assertTrue(relayedBytes() - before > 2 << 20, "both directions went through the relay: " + relay.metrics().snapshot());
        conn.close(0, "done");
    }

    @Test
    void irohDialsJavaThroughTheRelay() throws Exception {
        ObjectNode javaAddr = IrohPeer.params("id", java.id().toString());
        javaAddr.putArray("addrs");
        javaAddr.put("relayUrl", relay.url().toString());
        long before = relayedBytes();
        int conn = iroh.call("connect", "addr", javaAddr, "alpn", ECHO, "timeoutMs", WAIT.toMillis()).get("conn").asInt();
        JsonNode r = iroh.call("echo-test", IrohPeer.params("conn", conn, "sizes", List.of(1, 1 << 20)), WAIT);
        assertTrue(r.path("allOk").asBoolean(), r.toString());
        Connection in = accepted.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(iroh.endpointId(), in.remoteId());
        assertEquals(PathType.RELAY, in.pathType(), in.paths().toString());
        assertTrue(in.path().bytesReceived() > 1 << 20 && in.path().bytesSent() > 1 << 20, in.path().toString());
        assertTrue(relayedBytes() - before > 2 << 20, relay.metrics().snapshot().toString());
        // iroh's own view: one path, selected, through our relay
        JsonNode paths = iroh.call("conn-info", "conn", conn).path("paths");
        assertEquals(1, paths.size(), paths.toString());
        assertTrue(paths.get(0).path("isRelay").asBoolean() && paths.get(0).path("isSelected").asBoolean(), paths.toString());
        assertEquals(relay.url(), RelayUrl.parse(paths.get(0).path("remoteAddr").asText()), paths.toString());
        iroh.call("close", "conn", conn, "code", 0, "reason", "done");
    }

    /**
     * iroh sends its first Initial on every path it knows (wire map section 5): given our relay and our direct
     * address, the copies arrive through the relay and over UDP, and make one connection here.
     */
    @Test
    void irohDialingOnTheRelayAndDirectlyAtOnceMakesOneConnection() throws Exception {
        accepted.clear();
        ObjectNode javaAddr = IrohPeer.params("id", java.id().toString());
        javaAddr.putArray("addrs").add(com.kafkaconnectiroh.p2p.base.SocketAddrs.format(java.boundAddress()));
        javaAddr.put("relayUrl", relay.url().toString());
        int conn = iroh.call("connect", "addr", javaAddr, "alpn", ECHO, "timeoutMs", WAIT.toMillis()).get("conn").asInt();
        JsonNode r = iroh.call("echo-test", IrohPeer.params("conn", conn, "sizes", List.of(1, 64 << 10)), WAIT);
        assertTrue(r.path("allOk").asBoolean(), r.toString());
        Connection in = accepted.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(iroh.endpointId(), in.remoteId());
        assertEquals(null, accepted.poll(1, TimeUnit.SECONDS), "a second connection for the same dial");
        assertTrue(java.recentHandshakeFailures().isEmpty(), java.recentHandshakeFailures().toString());
        iroh.call("close", "conn", conn, "code", 0, "reason", "done");
    }
}
