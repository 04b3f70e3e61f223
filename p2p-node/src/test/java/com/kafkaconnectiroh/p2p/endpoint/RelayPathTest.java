package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Java endpoints through our relay server over real sockets: a dial that has only the peer's id and relay URL
 * connects through the relay, streams move both ways, and both sides say the connection is relayed.
 */
@Timeout(120)
class RelayPathTest {
    static final String ECHO = "test/echo/1";
    static final Duration WAIT = Duration.ofSeconds(20);
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

    long relayed(String counter) {
        return relay.metrics().snapshot().get(counter);
    }

    @Test
    void aDialWithOnlyIdAndRelayUrlConnectsThroughTheRelayAndStreamsGoBothWays() throws Exception {
        Endpoint server = track(Endpoint.builder().bindAddr(Fixtures.LOOPBACK).relayUrls(relay.url()).bind());
        Router router = track(Router.builder(server).accept(ECHO, EchoHandler.INSTANCE).spawn());
        assertTrue(server.online(WAIT), "server connected to its home relay: " + server.relays());
        assertEquals(relay.url(), server.addr().relayUrl().orElseThrow());
        Endpoint client = track(Endpoint.builder().bindAddr(Fixtures.LOOPBACK).bind());

        // no direct address: the server's socket is not in the ticket
        EndpointAddr target = EndpointAddr.of(server.id(), relay.url(), List.of());
        Connection conn = client.connect(target, ECHO, WAIT);
        assertEquals(server.id(), conn.remoteId());
        assertEquals(PathType.RELAY, conn.pathType());
        assertEquals(relay.url(), conn.path().relayUrl());

        byte[] data = Fixtures.randomBytes(7, 300_000);
        BiStream s = conn.openBi();
        s.send().writeAll(data);
        s.send().finish();
        assertArrayEquals(data, s.recv().readToEnd(1 << 20));

        PathInfo p = conn.path();
        assertTrue(p.active());
        assertTrue(p.bytesSent() > data.length && p.bytesReceived() > data.length, p.toString());
        assertTrue(p.rtt() != null && p.rtt().toNanos() > 0, p.toString());
        assertEquals(1, conn.paths().size(), conn.paths().toString());
        // both directions went through the relay: the data, and as many bytes again in echo
        assertTrue(relayed("datagram_bytes_received_total") > 2L * data.length, relay.metrics().snapshot().toString());
        assertTrue(relayed("datagram_frames_forwarded_total") > 0, relay.metrics().snapshot().toString());
        conn.close(0, "done");
        router.close();
    }

    @Test
    void theAcceptingSideSeesARelayedConnectionToo() throws Exception {
        Endpoint server = track(Endpoint.builder().bindAddr(Fixtures.LOOPBACK).relayUrls(relay.url()).alpns(ECHO).bind());
        assertTrue(server.online(WAIT));
        Endpoint client = track(Endpoint.builder().bindAddr(Fixtures.LOOPBACK).relayUrls(relay.url()).bind());
        assertTrue(client.online(WAIT));

        Connection out = client.connect(EndpointAddr.of(server.id(), relay.url(), List.of()), ECHO, WAIT);
        Connection in = server.accept(WAIT);
        assertEquals(client.id(), in.remoteId());
        assertEquals(PathType.RELAY, in.pathType());
        assertEquals(relay.url(), in.path().relayUrl());

        // the server opens a stream this time: data flows server -> client -> server
        BiStream s = in.openBi();
        s.send().writeAll(Fixtures.utf8("from the accepting side"));
        s.send().finish();
        BiStream r = out.acceptBi(WAIT);
        assertEquals("from the accepting side", Fixtures.text(r.recv().readToEnd(1024)));
        r.send().writeAll(Fixtures.utf8("and back"));
        r.send().finish();
        assertEquals("and back", Fixtures.text(s.recv().readToEnd(1024)));
        out.close(0, "done");
    }

    @Test
    void withoutRelaysADialWithOnlyARelayUrlFailsAtOnce() throws Exception {
        Endpoint client = track(Endpoint.builder().bindAddr(Fixtures.LOOPBACK).relayMode(RelayMode.DISABLED).bind());
        Endpoint server = track(Endpoint.builder().bindAddr(Fixtures.LOOPBACK).relayUrls(relay.url()).alpns(ECHO).bind());
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> client.connect(EndpointAddr.of(server.id(), relay.url(), List.of()), ECHO, WAIT));
        assertTrue(e.getMessage().contains("relays disabled"), e.getMessage());
        assertTrue(client.addr().relayUrl().isEmpty());
        assertNull(server.accept(Duration.ofMillis(200)));
    }
}
