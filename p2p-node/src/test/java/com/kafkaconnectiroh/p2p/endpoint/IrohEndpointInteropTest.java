package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our endpoint against real iroh 1.0.2 and 0.35.0 nodes (the npm harness), both directions, on custom ALPNs:
 * echo of 1 B / 1 MiB / 10 MiB, 1000 request/response round trips on fresh bi streams, concurrent streams, uni
 * streams, application close codes and reasons seen by the other side, a wrong expected peer id, and an ALPN the
 * other side does not serve. One iroh node per version and one Java endpoint serve the whole class.
 */
@Tag("iroh-interop")
@Timeout(120)
class IrohEndpointInteropTest {
    static final String ECHO = "test/echo";
    static final String HOLD = "test/hold";
    static final String NOPE = "test/nope";
    static final int MIB = 1 << 20;
    static final Duration WAIT = Duration.ofSeconds(20);

    private static final Map<IrohVersion, IrohPeer> peers = new EnumMap<>(IrohVersion.class);
    private static Endpoint java;
    private static Router router;
    /** Connections iroh opened to our HOLD handler, in arrival order. */
    private static final BlockingQueue<Connection> held = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<IrohVersion, Future<IrohPeer>> f = new EnumMap<>(IrohVersion.class);
            for (IrohVersion v : IrohVersion.values()) {
                f.put(v, pool.submit(() -> IrohPeer.start(v, PeerOption.name("endpoint-" + v.harnessArg()),
                        PeerOption.alpn(ECHO, Behaviour.ECHO), PeerOption.alpn(HOLD, Behaviour.HOLD))));
            }
            java = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind();
            router = Router.builder(java)
                    .accept(ECHO, EchoHandler.INSTANCE)
                    .accept(HOLD, c -> {
                        held.add(c);
                        c.closed().get();
                    }).spawn();
            for (IrohVersion v : IrohVersion.values()) {
                peers.put(v, f.get(v).get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (java != null) {
            System.err.println("DEBUG java endpoint: " + java.ioStats());
        }
        if (router != null) {
            router.close();
        }
        List<Thread> closing = new ArrayList<>();
        for (IrohPeer p : peers.values()) {
            Thread t = new Thread(p::close);
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            t.join(10_000);
        }
    }

    // ================================================================================================
    // helpers

    static EndpointAddr addrOf(IrohPeer p) {
        List<InetSocketAddress> addrs = new ArrayList<>();
        for (String a : p.addrs()) {
            addrs.add(SocketAddrs.parse(a));
        }
        return EndpointAddr.of(p.endpointId(), null, addrs);
    }

    /** Our address as the harness takes it. */
    static ObjectNode javaAddr(EndpointId id) {
        ObjectNode a = IrohPeer.params("id", id.toString());
        a.putArray("addrs").add(SocketAddrs.format(java.boundAddress()));
        return a;
    }

    static Connection dial(IrohVersion v, String alpn) throws IOException {
        return java.connect(addrOf(peers.get(v)), alpn);
    }

    static byte[] echo(Connection conn, byte[] data) throws Exception {
        BiStream s = conn.openBi();
        CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
            try {
                s.send().writeAll(data);
                s.send().finish();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        byte[] back = s.recv().readToEnd(data.length + 1);
        w.get(30, TimeUnit.SECONDS);
        return back;
    }

    /** iroh dials us on {@code alpn}; returns its connection handle. */
    static int irohDials(IrohPeer p, String alpn) {
        return p.call("connect", "addr", javaAddr(java.id()), "alpn", alpn).get("conn").asInt();
    }

    // ================================================================================================
    // Java dials iroh

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaDialsEcho1B1MiB10MiB(IrohVersion v) throws Exception {
        Connection conn = dial(v, ECHO);
        assertEquals(peers.get(v).endpointId(), conn.remoteId());
        assertEquals(ECHO, conn.alpn());
        for (int size : new int[] {0, 1, MIB, 10 * MIB}) {
            byte[] data = Pattern.bytes(size, size);
            assertArrayEquals(data, echo(conn, data), "echo of " + size + " bytes");
        }
        conn.close(0, "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaDials1000RoundTrips(IrohVersion v) throws Exception {
        Connection conn = dial(v, ECHO);
        for (int i = 0; i < 1000; i++) {
            byte[] req = Pattern.bytes(i, 32);
            BiStream s = conn.openBi();
            s.send().writeAll(req);
            s.send().finish();
            assertArrayEquals(req, s.recv().readToEnd(64), "round trip " + i);
        }
        conn.close(0, "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaDialsConcurrentStreams(IrohVersion v) throws Exception {
        Connection conn = dial(v, ECHO);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int seed = 100 + i;
                results.add(pool.submit(() -> echo(conn, Pattern.bytes(seed, 256 * 1024 + seed))));
            }
            for (int i = 0; i < 8; i++) {
                assertArrayEquals(Pattern.bytes(100 + i, 256 * 1024 + 100 + i), results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
        conn.close(0, "done");
    }

    /**
     * More streams than iroh's limit of 100 concurrent bidirectional streams: opens past the limit wait for the
     * MAX_STREAMS iroh sends as earlier streams complete, and get through.
     */
    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaOpensMoreStreamsThanIrohAllowsAtOnce(IrohVersion v) throws Exception {
        Connection conn = dial(v, ECHO);
        java.util.ArrayDeque<BiStream> unread = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> seeds = new java.util.ArrayDeque<>();
        for (int i = 0; i < 150; i++) {
            CompletableFuture<BiStream> f = conn.openBiAsync();
            BiStream s;
            while (true) {
                try {
                    s = f.get(100, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException waiting) {
                    // no credit yet: finish reading the oldest stream meanwhile
                    assertFalse(unread.isEmpty(), "open " + i + " waits with nothing left to read");
                    assertArrayEquals(Pattern.bytes(seeds.poll(), 1000), unread.poll().recv().readToEnd(1000));
                }
            }
            s.send().writeAll(Pattern.bytes(i, 1000));
            s.send().finish();
            unread.add(s);
            seeds.add(i);
        }
        while (!unread.isEmpty()) {
            assertArrayEquals(Pattern.bytes(seeds.poll(), 1000), unread.poll().recv().readToEnd(1000));
        }
        // stream 149 exists: iroh raised its initial limit of 100 with MAX_STREAMS, and we used the credit
        assertTrue(conn.stats().streamBytesSent() >= 150_000);
        conn.close(0, "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaDialsUniStreams(IrohVersion v) throws Exception {
        Connection conn = dial(v, ECHO);
        for (int size : new int[] {1, 100_000, MIB}) {
            byte[] data = Pattern.bytes(size + 7, size);
            SendStream out = conn.openUni();
            out.writeAll(data);
            out.finish();
            RecvStream in = conn.acceptUni(WAIT);
            assertArrayEquals(data, in.readToEnd(size), "uni echo of " + size + " bytes");
        }
        conn.close(0, "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaClosesWithCodeAndReasonIrohSeesThem(IrohVersion v) throws Exception {
        IrohPeer p = peers.get(v);
        Connection conn = dial(v, HOLD);
        String javaId = java.id().toString();
        JsonNode accepted = p.awaitEvent("accepted", e -> e.path("remote").asText().equals(javaId)
                && e.path("alpn").asText().equals(HOLD), WAIT);
        int handle = accepted.get("conn").asInt();
        conn.close(42, "java says bye");
        JsonNode closed = p.awaitEvent("closed", e -> e.path("conn").asInt() == handle, WAIT);
        assertEquals(42, closed.path("code").asLong(), closed.toString());
        assertEquals("java says bye", closed.path("appReason").asText(), closed.toString());
        assertEquals("peer", closed.path("by").asText(), closed.toString());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohClosesWithCodeAndReasonJavaSeesThem(IrohVersion v) throws Exception {
        IrohPeer p = peers.get(v);
        Connection conn = dial(v, HOLD);
        String javaId = java.id().toString();
        JsonNode accepted = p.awaitEvent("accepted", e -> e.path("remote").asText().equals(javaId)
                && e.path("alpn").asText().equals(HOLD), WAIT);
        p.call("close", "conn", accepted.get("conn").asInt(), "code", 7, "reason", "iroh says bye");
        ConnectionClose why = conn.closed().get(20, TimeUnit.SECONDS);
        assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, 7, "iroh says bye"), why);
        assertThrows(ConnectionLostException.class, conn::openBi);
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaDialingWithAWrongPeerIdFailsNamingBothIds(IrohVersion v) {
        IrohPeer p = peers.get(v);
        EndpointId wrong = SecretKey.generate().publicKey();
        EndpointAddr addr = EndpointAddr.of(wrong, null, addrOf(p).ipAddrs());
        ConnectionLostException e = assertThrows(ConnectionLostException.class, () -> java.connect(addr, ECHO));
        assertTrue(e.getMessage().contains("expected peer " + wrong), e.getMessage());
        assertTrue(e.getMessage().contains(p.id()), e.getMessage());
        assertEquals(ConnectionClose.Kind.TRANSPORT_ERROR, e.close().kind());
        assertFalse(e.close().byPeer());
        assertTrue(e.close().peerMismatch(), e.close().toString());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaDialingAnAlpnIrohDoesNotServeIsRefused(IrohVersion v) {
        ConnectionLostException e = assertThrows(ConnectionLostException.class, () -> dial(v, NOPE));
        assertEquals(TlsAlert.NO_APPLICATION_PROTOCOL, e.close().tlsAlert(), e.getMessage());
        assertTrue(e.close().byPeer(), e.getMessage());
    }

    /**
     * Key updates with real iroh: our side updates its keys every 200 packets (instead of every 2^23, what
     * long-lived connections reach), iroh must follow each one (RFC 9001 §6) and keep reading, and the data
     * arrives intact both ways through many key phases.
     */
    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void keyUpdatesEveryFewHundredPacketsKeepTheConnectionWorking(IrohVersion v) throws Exception {
        TransportConfig frequentUpdates = new TransportConfig().keyUpdatePacketLimit(200);
        try (Endpoint ep = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                .transportConfig(frequentUpdates).bind()) {
            Connection conn = ep.connect(addrOf(peers.get(v)), ECHO);
            byte[] data = Pattern.bytes(17, 4 * MIB);
            assertArrayEquals(data, echo(conn, data), "echo across key updates");
            int updates = conn.stats().keyUpdates();
            // each update waits for the previous one to be acknowledged, so ~3000 packets make fewer than 15
            assertTrue(updates >= 5, "expected at least 5 key updates for ~3000 packets sent: " + conn.stats());
            assertEquals(0, conn.stats().undecryptablePackets(), "iroh followed every update");
            byte[] small = Pattern.bytes(3, 1000);
            assertArrayEquals(small, echo(conn, small), "echo after the last update");
            conn.close(0, "done");
        }
    }

    /** The portable NIO driver against iroh: dial, echo both ways in size, and let iroh dial it too. */
    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void nioFallbackBothDirections(IrohVersion v) throws Exception {
        IrohPeer p = peers.get(v);
        try (Endpoint nio = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                .transport(Endpoint.Transport.NIO).bind();
             Router r = Router.builder(nio).accept(ECHO, EchoHandler.INSTANCE).spawn()) {
            assertEquals("nio", nio.ioMode());
            Connection conn = nio.connect(addrOf(p), ECHO);
            byte[] data = Pattern.bytes(31, MIB);
            assertArrayEquals(data, echo(conn, data));
            conn.close(0, "done");
            ObjectNode addr = IrohPeer.params("id", nio.id().toString());
            addr.putArray("addrs").add(SocketAddrs.format(nio.boundAddress()));
            int c = p.call("connect", "addr", addr, "alpn", ECHO).get("conn").asInt();
            JsonNode res = p.call("echo-test", "conn", c, "sizes", List.of(1, MIB), "seed", 9);
            assertTrue(res.path("allOk").asBoolean(), res.toString());
            // closing our endpoint closes its connections gracefully: iroh hears why
            r.close();
            JsonNode closed = p.call("wait-closed", "conn", c);
            assertEquals("peer", closed.path("by").asText(), closed.toString());
            assertEquals(0, closed.path("code").asLong(), closed.toString());
            assertEquals("endpoint closing", closed.path("appReason").asText(), closed.toString());
        }
    }

    /**
     * iroh 0.35 trusts a direct path for 6.5 s after a Pong (IR@v0.35.0 {@code magicsock/node_map/best_addr.rs}
     * TRUST_UDP_ADDR_DURATION) and renews it with stay-alive Pings on its 5 s heartbeat while the session is active
     * ({@code node_state.rs::stayin_alive}); without Pongs it would fall back to its (here unreachable) relay. We
     * answer, so after three Pings — well past 6.5 s — the idle connection still carries data. iroh 1.x sends no
     * disco at all.
     */
    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void idleConnectionSurvivesIroh035Heartbeats(IrohVersion v) throws Exception {
        // A fresh endpoint (new id): 0.35 keeps per-node path state across this class's many dials from the shared
        // one, and what it last decided about that node's address changes when it heartbeats, if at all.
        try (Endpoint fresh = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind()) {
            Connection conn = fresh.connect(addrOf(peers.get(v)), ECHO);
            if (v == IrohVersion.V035) {
                // the handshake can finish before the Pong to the dial's Ping is read: wait for it, don't sample
                long pongDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (fresh.discoStats().pongsIn() == 0) {
                    assertTrue(System.nanoTime() < pongDeadline, "0.35 answered our dial Ping: " + fresh.discoStats());
                    Thread.sleep(20);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                // wait for two Pings beyond the one of the dial itself (0.35 pings back once per new path)
                while (fresh.discoStats().pingsIn() < 3) {
                    assertTrue(System.nanoTime() < deadline, "no 0.35 heartbeat Pings: " + fresh.discoStats());
                    try {
                        fail("connection died while idle: " + conn.closed().get(200, TimeUnit.MILLISECONDS));
                    } catch (TimeoutException stillOpen) {
                        // poll again
                    }
                }
            }
            byte[] data = Pattern.bytes(77, MIB);
            assertArrayEquals(data, echo(conn, data));
            conn.close(0, "done");
        }
    }

    // ================================================================================================
    // iroh dials Java

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohDialsEcho1B1MiB10MiB(IrohVersion v) {
        IrohPeer p = peers.get(v);
        int conn = irohDials(p, ECHO);
        JsonNode r = p.call("echo-test", "conn", conn, "sizes", List.of(0, 1, MIB, 10 * MIB), "seed", 5);
        assertTrue(r.path("allOk").asBoolean(), r.toString());
        p.call("close", "conn", conn, "code", 0, "reason", "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohDials1000RoundTrips(IrohVersion v) {
        IrohPeer p = peers.get(v);
        int conn = irohDials(p, ECHO);
        JsonNode r = p.call("rounds", "conn", conn, "count", 1000, "size", 32);
        assertTrue(r.path("allOk").asBoolean(), r.toString());
        assertEquals(1000, r.path("completed").asInt(), r.toString());
        p.call("close", "conn", conn, "code", 0, "reason", "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohDialsConcurrentStreams(IrohVersion v) {
        IrohPeer p = peers.get(v);
        int conn = irohDials(p, ECHO);
        JsonNode r = p.call("concurrent", "conn", conn, "streams", 8, "size", 256 * 1024);
        assertTrue(r.path("allOk").asBoolean(), r.toString());
        p.call("close", "conn", conn, "code", 0, "reason", "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohDialsUniStreams(IrohVersion v) {
        IrohPeer p = peers.get(v);
        int conn = irohDials(p, ECHO);
        JsonNode r = p.call("uni-test", "conn", conn, "sizes", List.of(1, 100_000, MIB));
        assertTrue(r.path("allOk").asBoolean(), r.toString());
        p.call("close", "conn", conn, "code", 0, "reason", "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohClosesItsDialWithCodeAndReasonJavaSeesThem(IrohVersion v) throws Exception {
        IrohPeer p = peers.get(v);
        held.clear();
        int conn = irohDials(p, HOLD);
        Connection served = held.poll(20, TimeUnit.SECONDS);
        assertEquals(p.endpointId(), served.remoteId());
        p.call("close", "conn", conn, "code", 9, "reason", "iroh hangs up");
        assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, 9, "iroh hangs up"),
                served.closed().get(20, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void javaClosesAnIrohDialWithCodeAndReasonIrohSeesThem(IrohVersion v) throws Exception {
        IrohPeer p = peers.get(v);
        held.clear();
        int conn = irohDials(p, HOLD);
        Connection served = held.poll(20, TimeUnit.SECONDS);
        served.close(11, "java hangs up");
        JsonNode closed = p.call("wait-closed", "conn", conn);
        assertEquals(11, closed.path("code").asLong(), closed.toString());
        assertEquals("java hangs up", closed.path("appReason").asText(), closed.toString());
        assertEquals("peer", closed.path("by").asText(), closed.toString());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohDialingAnAlpnJavaDoesNotServeIsRefused(IrohVersion v) {
        IrohPeer p = peers.get(v);
        int before = java.recentHandshakeFailures().size();
        JsonNode r = p.attempt("connect", "addr", javaAddr(java.id()), "alpn", NOPE, "timeoutMs", 10_000);
        assertFalse(r.path("ok").asBoolean(), r.toString());
        assertFalse(r.path("timeout").asBoolean(), "refused, not timed out: " + r);
        if (v == IrohVersion.V1) {
            // iroh 1.x names the alert; the 0.35 binding only says "failed connecting to remote endpoint"
            assertTrue(r.path("error").asText().contains("120"), r.toString());
        }
        // our side: the handshake ended with our no_application_protocol alert
        List<Endpoint.HandshakeFailure> failures = java.recentHandshakeFailures();
        Endpoint.HandshakeFailure last = failures.get(failures.size() - 1);
        assertTrue(failures.size() > before || failures.size() == 16, failures.toString());
        assertEquals(TlsAlert.NO_APPLICATION_PROTOCOL, last.reason().tlsAlert(), last.toString());
        assertFalse(last.reason().byPeer(), last.toString());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohDialingUsWithAWrongPeerIdFails(IrohVersion v) {
        IrohPeer p = peers.get(v);
        EndpointId wrong = SecretKey.generate().publicKey();
        int before = java.recentHandshakeFailures().size();
        JsonNode r = p.attempt("connect", "addr", javaAddr(wrong), "alpn", ECHO, "timeoutMs", 10_000);
        assertFalse(r.path("ok").asBoolean(), r.toString());
        assertFalse(r.path("timeout").asBoolean(), "refused, not timed out: " + r);
        // iroh rejected our certificate during the handshake and told us with a TLS alert (which may reach us
        // just after iroh reported the failure)
        List<Endpoint.HandshakeFailure> failures = java.recentHandshakeFailures();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (failures.size() == before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            failures = java.recentHandshakeFailures();
        }
        assertTrue(failures.size() > before || failures.size() == 16, failures.toString());
        Endpoint.HandshakeFailure last = failures.get(failures.size() - 1);
        assertTrue(last.reason().byPeer(), last.toString());
        assertEquals(TlsAlert.UNKNOWN_CA, last.reason().tlsAlert(), "unknown_ca: " + last);
    }
}
