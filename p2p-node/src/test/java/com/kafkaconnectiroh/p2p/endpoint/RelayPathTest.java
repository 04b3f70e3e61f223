package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.PeerKey;
import com.kafkaconnectiroh.p2p.relay.RelayTestClients;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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

    /**
     * Endpoints whose connections stay on the path they started on (multipath off): these tests are about relay
     * paths as such, which on loopback hole punching would otherwise leave at once (DirectPathUpgradeTest covers
     * the move).
     */
    static Endpoint.Builder builder() {
        return Endpoint.builder().bindAddr(Fixtures.LOOPBACK).multipath(false);
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
        Endpoint server = track(builder().relayUrls(relay.url()).bind());
        Router router = track(Router.builder(server).accept(ECHO, EchoHandler.INSTANCE).spawn());
        assertTrue(server.online(WAIT), "server connected to its home relay: " + server.relays());
        assertEquals(relay.url(), server.addr().relayUrl().orElseThrow());
        Endpoint client = track(builder().bind());

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
    void aBareIdReachesAPeerKnownThroughARelay() throws Exception {
        Endpoint server = track(builder().relayUrls(relay.url()).alpns(ECHO).bind());
        assertTrue(server.online(WAIT));
        Endpoint client = track(builder().bind());
        Connection first = client.connect(EndpointAddr.of(server.id(), relay.url(), List.of()), ECHO, WAIT);
        // no address at all: the open connection's path, a relay path, is where the peer is known to be
        Connection second = client.connect(EndpointAddr.of(server.id()), ECHO, WAIT);
        assertEquals(PathType.RELAY, second.pathType());
        assertEquals(relay.url(), second.path().relayUrl());
        first.close(0, "done");
        second.close(0, "done");
    }

    @Test
    void theAcceptingSideSeesARelayedConnectionToo() throws Exception {
        Endpoint server = track(builder().relayUrls(relay.url()).alpns(ECHO).bind());
        assertTrue(server.online(WAIT));
        Endpoint client = track(builder().relayUrls(relay.url()).bind());
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

    /**
     * A relay client that authenticated as one key splices another endpoint's UDP datagrams into the relay: the
     * accepting side sees a handshake on the relay path of that key, while TLS proves the other one, and refuses it.
     */
    @Test
    void aConnectionWhoseRelayNamedSenderIsNotTheTlsPeerIsRefused() throws Exception {
        Endpoint server = track(builder().relayUrls(relay.url()).alpns(ECHO).bind());
        assertTrue(server.online(WAIT));
        RelayTestClients clients = track(new RelayTestClients());
        RelayTestClients.Client splicer = clients.start(relay.url(), SecretKey.generate()).awaitConnected();
        DatagramChannel udp = track(DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
        PeerKey serverKey = PeerKey.of(server.id());
        AtomicReference<SocketAddress> dialer = new AtomicReference<>();
        Thread up = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocate(2048);
            try {
                while (true) {
                    b.clear();
                    dialer.set(udp.receive(b));
                    b.flip();
                    byte[] d = new byte[b.remaining()];
                    b.get(d);
                    splicer.send(serverKey, d, 0);
                }
            } catch (Exception e) {
                // closed
            }
        });
        Thread down = new Thread(() -> {
            try {
                while (true) {
                    RelayTestClients.Received r = splicer.received.take();
                    int seg = r.segmentSize() > 0 ? r.segmentSize() : r.bytes().length;
                    for (int off = 0; off < r.bytes().length; off += seg) {
                        udp.send(ByteBuffer.wrap(r.bytes(), off, Math.min(seg, r.bytes().length - off)), dialer.get());
                    }
                }
            } catch (Exception e) {
                // interrupted or closed
            }
        });
        up.setDaemon(true);
        down.setDaemon(true);
        up.start();
        down.start();
        try {
            Endpoint client = track(builder().bind());
            try {
                Connection c = client.connect(EndpointAddr.of(server.id(), null, List.of((InetSocketAddress) udp.getLocalAddress())), ECHO, WAIT);
                ConnectionClose why = c.closed().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertEquals("relay peer mismatch", why.reason(), why.toString());
            } catch (ConnectionLostException e) {
                assertTrue(e.getMessage().contains("relay peer mismatch"), e.getMessage());
            }
            assertNull(server.accept(Duration.ofMillis(500)), "the spliced connection is never handed out");
            Fixtures.awaitCondition("the refusal recorded", WAIT, () -> !server.recentHandshakeFailures().isEmpty(),
                    () -> server.ioStats());
            ConnectionClose refused = server.recentHandshakeFailures().get(0).reason();
            assertTrue(refused.peerMismatch(), refused.toString());
            assertEquals("relay " + relay.url() + " delivered datagrams of " + splicer.peerKey.fmtShort()
                    + " but TLS proved " + client.id().fmtShort(), refused.reason());
        } finally {
            up.interrupt();
            down.interrupt();
        }
    }

    @Test
    void ofSeveralRelaysOneThatAnswersBecomesHomeNotMerelyTheFirst() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        RelayUrl dead = RelayUrl.parse("http://127.0.0.1:" + closedPort);
        Endpoint ep = track(builder().relayUrls(dead, relay.url()).bind());
        assertTrue(ep.online(WAIT), ep.relays().toString());
        assertEquals(relay.url(), ep.homeRelay().orElseThrow());
        assertEquals(relay.url(), ep.addr().relayUrl().orElseThrow());
    }

    /** The home relay goes away for good: after a while the endpoint makes the other configured relay its home. */
    @Test
    void aHomeRelayThatStaysDownIsReplacedByAnotherThatAnswers() throws Exception {
        RelayServer other = track(RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0))));
        Endpoint server = track(builder().relayUrls(relay.url(), other.url())
                .relayHousekeeping(Duration.ofMillis(100), Duration.ofMillis(300)).alpns(ECHO).bind());
        assertTrue(server.online(WAIT));
        RelayUrl first = server.homeRelay().orElseThrow();
        RelayServer firstServer = first.equals(relay.url()) ? relay : other;
        RelayUrl second = first.equals(relay.url()) ? other.url() : relay.url();
        firstServer.close();
        Fixtures.awaitCondition("another home relay", WAIT, () -> server.homeRelay().orElseThrow().equals(second),
                () -> server.relays().toString());
        assertEquals(second, server.addr().relayUrl().orElseThrow());
        Endpoint client = track(builder().bind());
        Fixtures.awaitCondition("connected to the new home", WAIT,
                () -> server.relays().get(0).equals(second + " (home, connected)"), () -> server.relays().toString());
        Connection conn = client.connect(EndpointAddr.of(server.id(), second, List.of()), ECHO, WAIT);
        assertEquals(PathType.RELAY, conn.pathType());
    }

    @Test
    void withADirectAddressAndARelayTheDirectPathIsUsed() throws Exception {
        Endpoint server = track(builder().relayUrls(relay.url()).alpns(ECHO).bind());
        Endpoint client = track(builder().relayUrls(relay.url()).bind());
        assertTrue(server.online(WAIT) && client.online(WAIT));
        EndpointAddr both = server.addr();
        assertEquals(List.of(server.boundAddress()), List.copyOf(both.ipAddrs()));
        assertEquals(relay.url(), both.relayUrl().orElseThrow());
        Connection conn = client.connect(both, ECHO, WAIT);
        assertEquals(PathType.DIRECT, conn.pathType(), conn.paths().toString());
        assertEquals(server.boundAddress(), conn.path().address());
        assertNull(conn.path().relayUrl());
    }

    /** The relay fallback: the ticket's direct address leads nowhere (a socket that never answers), the relay does. */
    @Test
    void whenTheDirectAddressIsDeadTheRelayPathConnects() throws Exception {
        Endpoint server = track(builder().relayUrls(relay.url()).alpns(ECHO).bind());
        Endpoint client = track(builder().relayUrls(relay.url()).bind());
        assertTrue(server.online(WAIT) && client.online(WAIT));
        DatagramChannel silent = track(DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
        EndpointAddr deadDirect = EndpointAddr.of(server.id(), relay.url(), List.of((InetSocketAddress) silent.getLocalAddress()));
        Connection conn = client.connect(deadDirect, ECHO, WAIT);
        assertEquals(PathType.RELAY, conn.pathType(), conn.paths().toString());
        assertEquals(client.id(), server.accept(WAIT).remoteId());
    }

    @Test
    void relayOnlyAdvertisesAndDialsNoDirectAddress() throws Exception {
        Endpoint server = track(builder().relayUrls(relay.url())
                .relayMode(RelayMode.RELAY_ONLY).alpns(ECHO).bind());
        assertTrue(server.online(WAIT));
        assertTrue(server.addr().ipAddrs().isEmpty(), server.addr().toString());
        Endpoint client = track(builder().relayMode(RelayMode.RELAY_ONLY).bind());
        // the direct address is there, but relay-only never dials it
        Connection conn = client.connect(EndpointAddr.of(server.id(), relay.url(), List.of(server.boundAddress())), ECHO, WAIT);
        assertEquals(PathType.RELAY, conn.pathType(), conn.paths().toString());
    }

    /**
     * The relay goes away and comes back on the same port: both relay clients reconnect on their own (backoff with
     * jitter), and a connection made through the relay before carries on (QUIC resends what was lost meanwhile).
     */
    @Test
    void whenTheRelayRestartsBothSidesReconnectAndTheConnectionCarriesOn() throws Exception {
        Endpoint server = track(builder().relayUrls(relay.url()).alpns(ECHO).bind());
        assertTrue(server.online(WAIT));
        Endpoint client = track(builder().bind());
        Connection out = client.connect(EndpointAddr.of(server.id(), relay.url(), List.of()), ECHO, WAIT);
        Connection in = server.accept(WAIT);

        InetSocketAddress at = relay.localAddress();
        relay.close();
        relay = RelayServer.start(new RelayServerConfig().bind(at));
        Fixtures.awaitCondition("both relay clients back", WAIT, () -> relay.clientCount() == 2,
                () -> server.relays() + " " + client.relays());

        BiStream s = out.openBi();
        s.send().writeAll(Fixtures.utf8("after the restart"));
        s.send().finish();
        BiStream r = in.acceptBi(WAIT);
        assertEquals("after the restart", Fixtures.text(r.recv().readToEnd(1024)));
        assertEquals(PathType.RELAY, out.pathType());
        assertTrue(server.relays().get(0).contains("(home, connected)"), server.relays().toString());
    }

    @Test
    void withoutRelaysADialWithOnlyARelayUrlFailsAtOnce() throws Exception {
        Endpoint client = track(builder().relayMode(RelayMode.DISABLED).bind());
        Endpoint server = track(builder().relayUrls(relay.url()).alpns(ECHO).bind());
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> client.connect(EndpointAddr.of(server.id(), relay.url(), List.of()), ECHO, WAIT));
        assertTrue(e.getMessage().contains("relays disabled"), e.getMessage());
        assertTrue(client.addr().relayUrl().isEmpty());
        assertNull(server.accept(Duration.ofMillis(200)));
    }
}
