package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.Fixtures;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The direct-path upgrade with a real iroh 1.x endpoint (npm harness): our endpoint with {@code multipath(true)},
 * iroh (which always offers QUIC multipath and NAT traversal), our relay the only relay of both, no direct address in
 * either ticket. The connection starts on the relay and moves to a direct path found by NAT traversal, whichever
 * side dials.
 */
@Tag("iroh-interop")
@Timeout(120)
class IrohDirectPathUpgradeTest {
    static final String ECHO = "test/echo";
    static final Duration WAIT = Duration.ofSeconds(30);
    static RelayServer relay;
    static IrohPeer iroh;
    static Endpoint java;
    static Router router;

    @BeforeAll
    static void start() throws Exception {
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)));
        iroh = IrohPeer.start(IrohVersion.V1, PeerOption.name("direct-upgrade-interop"), PeerOption.relay(relay.url().toString()),
                PeerOption.alpn(ECHO, Behaviour.ECHO));
        java = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).relayUrls(relay.url())
                .multipath(true).bind();
        router = Router.builder(java).accept(ECHO, EchoHandler.INSTANCE).spawn();
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

    /** Bytes sent ({@code sent}) or received on the connection's direct paths. */
    static long directBytes(Connection c, boolean sent) {
        return c.paths().stream().filter(p -> p.type() == PathType.DIRECT)
                .mapToLong(p -> sent ? p.bytesSent() : p.bytesReceived()).sum();
    }

    /**
     * Our client opens the direct path (NAT traversal against iroh's advertised addresses) and an 8 MiB echo stays
     * byte-exact and goes direct both ways. iroh updates its keys after its first 10 to 1000 packets, often after
     * the move: before our core followed a key update on any path, iroh's replies stopped there (docs/relay.md).
     */
    @Test
    void javaDialsIrohThroughTheRelayAndADirectPathCarriesTheData() throws Exception {
        Connection conn = java.connect(EndpointAddr.of(iroh.endpointId(), relay.url(), List.of()), ECHO, WAIT);
        assertEquals(PathType.RELAY, conn.paths().get(0).type(), "the handshake went through the relay: " + conn.paths());
        Fixtures.awaitCondition("our side sends on a direct path", WAIT,
                () -> conn.pathType() == PathType.DIRECT, () -> conn.paths().toString());
        byte[] data = Pattern.bytes(7, 8 << 20);
        BiStream s = conn.openBi();
        CompletableFuture<Void> writer = DirectPathUpgradeTest.writeInBackground(s, data);
        assertArrayEquals(data, s.recv().readToEnd(data.length + 1));
        writer.join();
        long bulk = data.length * 3L / 4;
        assertTrue(directBytes(conn, true) > bulk, "our data went direct: " + conn.paths());
        assertTrue(directBytes(conn, false) > bulk, "iroh's echo came back direct: " + conn.paths());
        conn.close(0, "done");
    }

    /**
     * iroh dials us by id and relay URL and opens the direct path itself; an 8 MiB echo (iroh's harness checks it
     * byte by byte) then goes direct both ways, as iroh's own per-path statistics show.
     */
    @Test
    void irohDialsUsThroughTheRelayAndADirectPathCarriesTheData() throws Exception {
        ObjectNode ourAddr = IrohPeer.params("id", java.id().toString(), "relayUrl", relay.url().toString());
        ourAddr.putArray("addrs");
        long conn = iroh.call("connect", "addr", ourAddr, "alpn", ECHO).get("conn").asLong();
        Fixtures.awaitCondition("iroh selects a direct path", WAIT,
                () -> irohDirectPaths(conn).stream().anyMatch(p -> p.get("isSelected").asBoolean()),
                () -> iroh.call("conn-info", "conn", conn).toString());
        int size = 8 << 20;
        JsonNode echo = iroh.call("echo-test", IrohPeer.params("conn", conn, "sizes", List.of(size)), WAIT.multipliedBy(3));
        assertTrue(echo.get("allOk").asBoolean(), echo.toString());
        long bulk = size * 3L / 4;
        String paths = iroh.call("conn-info", "conn", conn).get("paths").toString();
        assertTrue(irohDirect(conn, "udpTxBytes") > bulk, "iroh's data went direct: " + paths);
        assertTrue(irohDirect(conn, "udpRxBytes") > bulk, "our echo came back direct: " + paths);
        iroh.call("close", "conn", conn);
    }

    /** iroh's direct (non-relay) paths of connection {@code conn}, as its {@code conn-info} lists them. */
    private static List<JsonNode> irohDirectPaths(long conn) {
        List<JsonNode> direct = new ArrayList<>();
        iroh.call("conn-info", "conn", conn).get("paths").forEach(p -> {
            if (!p.get("isRelay").asBoolean()) {
                direct.add(p);
            }
        });
        return direct;
    }

    /** The sum of iroh's per-path statistic {@code stat} over its direct paths of connection {@code conn}. */
    private static long irohDirect(long conn, String stat) {
        return irohDirectPaths(conn).stream().mapToLong(p -> p.get("stats").get(stat).asLong()).sum();
    }
}
