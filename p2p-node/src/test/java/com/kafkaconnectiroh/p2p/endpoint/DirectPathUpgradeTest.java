package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The direct-path upgrade (QUIC multipath + NAT traversal driven by {@link PathManager}) on real sockets: two
 * endpoints on loopback, our relay in the same JVM, the dialer knowing only the server's id and relay URL.
 */
@Timeout(120)
class DirectPathUpgradeTest {
    static final String ECHO = "test/echo/1";
    static final Duration WAIT = Duration.ofSeconds(30);
    RelayServer relay;
    final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void startRelay() throws Exception {
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        relay.close();
    }

    <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    Endpoint endpoint(boolean multipath) throws Exception {
        return track(Endpoint.builder().bindAddr(Fixtures.LOOPBACK).relayUrls(relay.url()).multipath(multipath).bind());
    }

    Connection dialThroughRelay(boolean multipath) throws Exception {
        Endpoint server = endpoint(multipath);
        track(Router.builder(server).accept(ECHO, EchoHandler.INSTANCE).spawn());
        assertTrue(server.online(WAIT), "server connected to its home relay: " + server.relays());
        Endpoint client = endpoint(multipath);
        Connection conn = client.connect(EndpointAddr.of(server.id(), relay.url(), List.of()), ECHO, WAIT);
        assertEquals(PathType.RELAY, conn.paths().get(0).type(), "the handshake went through the relay: " + conn.paths());
        return conn;
    }

    /** Writes {@code data} and finishes, on another thread (the echo comes back while we write). */
    static CompletableFuture<Void> writeInBackground(BiStream s, byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                s.send().writeAll(data);
                s.send().finish();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    static byte[] echo(Connection conn, byte[] data) throws Exception {
        BiStream s = conn.openBi();
        CompletableFuture<Void> writer = writeInBackground(s, data);
        byte[] back = s.recv().readToEnd(data.length + 1);
        writer.join();
        return back;
    }

    static PathInfo direct(Connection conn) {
        return conn.paths().stream().filter(p -> p.type() == PathType.DIRECT).findFirst().orElseThrow();
    }

    @Test
    void aRelayedConnectionMovesToTheDirectPathAndFallsBackToTheRelayWhenItIsCut() throws Exception {
        Connection conn = dialThroughRelay(true);
        Fixtures.awaitCondition("the connection moves to a direct path", WAIT,
                () -> conn.pathType() == PathType.DIRECT, () -> conn.paths().toString());
        assertTrue(conn.path().rtt() != null, conn.paths().toString());

        // bulk data now goes direct, not through the relay
        long relayedBefore = relay.metrics().snapshot().get("datagram_bytes_received_total");
        long directBefore = direct(conn).bytesSent();
        byte[] data = Fixtures.randomBytes(1, 1 << 20);
        assertArrayEquals(data, echo(conn, data));
        assertTrue(direct(conn).bytesSent() - directBefore > data.length, conn.paths().toString());
        long relayed = relay.metrics().snapshot().get("datagram_bytes_received_total") - relayedBefore;
        assertTrue(relayed < data.length / 4, "relayed " + relayed + " B of an echoed 1 MiB: " + conn.paths());

        // cut the direct route in the middle of a transfer: it completes byte-exact over the relay
        byte[] big = Fixtures.randomBytes(2, 4 << 20);
        BiStream s = conn.openBi();
        CompletableFuture<Void> writer = writeInBackground(s, big);
        byte[] first = s.recv().readExact(256 << 10);
        conn.driver.udpBlackhole = a -> true;
        byte[] rest = s.recv().readToEnd(big.length);
        writer.join();
        byte[] all = new byte[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        assertArrayEquals(big, all);
        assertEquals(PathType.RELAY, conn.pathType(), conn.paths().toString());
        assertTrue(conn.closeInfo() == null, "the connection survived the cut");
        assertArrayEquals(data, echo(conn, data));
        conn.close(0, "done");
    }

    @Test
    void withoutMultipathTheConnectionStaysOnTheRelay() throws Exception {
        Connection conn = dialThroughRelay(false);
        byte[] data = Fixtures.randomBytes(3, 200_000);
        assertArrayEquals(data, echo(conn, data));
        Thread.sleep(PathManager.ROUND_SECONDS * 1000L + 1000);
        assertEquals(PathType.RELAY, conn.pathType(), conn.paths().toString());
        assertEquals(1, conn.paths().size(), conn.paths().toString());
        conn.close(0, "done");
    }
}
