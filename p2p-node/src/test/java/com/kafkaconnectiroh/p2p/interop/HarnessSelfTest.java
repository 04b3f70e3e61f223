package com.kafkaconnectiroh.p2p.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the harness against itself: real iroh talking to real iroh of the same version (1.0.2 ↔ 1.0.2,
 * 0.35 ↔ 0.35) through every command family the Java interop tests will use. Two peers per version for the
 * whole class: a server with echo/sink/ping/hold ALPNs and a plain client.
 */
@Tag("iroh-interop")
@Timeout(120)
class HarnessSelfTest {
    private static final String ECHO = "test/echo";
    private static final String SINK = "test/sink";
    private static final String CLOSE = "test/close";
    private static final String STREAMS = "test/streams";
    private static final String PING = "iroh/ping/0";
    private static final Duration EVENT_WAIT = Duration.ofSeconds(20);
    private static final int MIB = 1 << 20;

    private static final Map<IrohVersion, IrohPeer> servers = new EnumMap<>(IrohVersion.class);
    private static final Map<IrohVersion, IrohPeer> clients = new EnumMap<>(IrohVersion.class);
    private static final Map<IrohVersion, SecretKey> serverKeys = new EnumMap<>(IrohVersion.class);

    @BeforeAll
    static void startPeers() throws Exception {
        // An iroh 0.35 node takes ~3 s to start (it waits for its first net report), so start all four at once.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Map<IrohVersion, Future<IrohPeer>> s = new EnumMap<>(IrohVersion.class);
            Map<IrohVersion, Future<IrohPeer>> c = new EnumMap<>(IrohVersion.class);
            for (IrohVersion v : IrohVersion.values()) {
                SecretKey key = SecretKey.generate();
                serverKeys.put(v, key);
                String tag = v.harnessArg().replace(".", "");
                s.put(v, pool.submit(() -> IrohPeer.start(v, PeerOption.name("selftest-server-" + tag), PeerOption.secret(key),
                        PeerOption.alpn(ECHO, Behaviour.ECHO), PeerOption.alpn(SINK, Behaviour.SINK),
                        PeerOption.alpn(PING, Behaviour.PING), PeerOption.alpn(CLOSE, Behaviour.HOLD),
                        PeerOption.alpn(STREAMS, Behaviour.HOLD))));
                c.put(v, pool.submit(() -> IrohPeer.start(v, PeerOption.name("selftest-client-" + tag))));
            }
            for (IrohVersion v : IrohVersion.values()) {
                servers.put(v, s.get(v).get());
                clients.put(v, c.get(v).get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @AfterAll
    static void stopPeers() throws InterruptedException {
        // An iroh 1.x endpoint with a connect attempt still in flight takes ~3 s to close; close all at once.
        List<Thread> closing = new ArrayList<>();
        for (IrohPeer p : servers.values()) {
            closing.add(new Thread(p::close, "close-" + p.name()));
        }
        for (IrohPeer p : clients.values()) {
            closing.add(new Thread(p::close, "close-" + p.name()));
        }
        closing.forEach(Thread::start);
        for (Thread t : closing) {
            t.join();
        }
    }

    private static int connect(IrohVersion v, String alpn) {
        JsonNode r = clients.get(v).call("connect", "addr", servers.get(v).addr(), "alpn", alpn);
        assertEquals(servers.get(v).id(), r.get("remote").asText());
        return r.get("conn").asInt();
    }

    /** The server-side handle of the client's latest connection on a hold ALPN (each test consumes its own). */
    private static int acceptedOnServer(IrohVersion v, String alpn) {
        String client = clients.get(v).id();
        return servers.get(v).awaitEvent("accepted", e -> alpn.equals(e.path("alpn").asText())
                && client.equals(e.path("remote").asText()), EVENT_WAIT).get("conn").asInt();
    }

    private static List<Integer> sizes(JsonNode results) {
        List<Integer> out = new ArrayList<>();
        results.forEach(r -> out.add(r.get("size").asInt()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void identityComesFromTheGivenSecretKey(IrohVersion v) {
        // Also a cross-check of our Ed25519 public-key derivation against iroh's.
        assertEquals(serverKeys.get(v).publicKey().toString(), servers.get(v).id());
        assertEquals(v.release(), servers.get(v).readyEvent().get("iroh").asText());
        assertFalse(servers.get(v).addrs().isEmpty());
        assertTrue(servers.get(v).addrs().get(0).startsWith("127.0.0.1:"), servers.get(v).addrs().toString());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void patternBytesAgreeWithJava(IrohVersion v) {
        IrohPeer c = clients.get(v);
        for (int[] sl : new int[][] {{0, 0}, {1, 1}, {-3, 3}, {7, 4}, {9, 5}, {123456, 4096}}) {
            JsonNode r = c.call("pattern", "seed", sl[0], "len", sl[1]);
            assertEquals(Hex.encode(Pattern.bytes(sl[0], sl[1])), r.get("hex").asText(), "seed " + sl[0] + " len " + sl[1]);
        }
        assertEquals(Pattern.sha256Hex(77, 3 * MIB + 3), c.call("pattern", "seed", 77, "len", 3 * MIB + 3).get("sha256").asText());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void echoesEmptyOneByteOneMibAndTenMib(IrohVersion v) {
        int conn = connect(v, ECHO);
        JsonNode r = clients.get(v).call("echo-test", IrohPeer.params("conn", conn, "sizes", List.of(0, 1, MIB, 10 * MIB)),
                Duration.ofSeconds(90));
        assertTrue(r.get("allOk").asBoolean(), r.toString());
        assertEquals(List.of(0, 1, MIB, 10 * MIB), sizes(r.get("results")));
        r.get("results").forEach(x -> assertTrue(x.get("ok").asBoolean(), x.toString()));

        // The same through the primitives, checked against the Java pattern rather than the harness's own.
        IrohPeer c = clients.get(v);
        int stream = c.call("open-bi", "conn", conn).get("stream").asInt();
        JsonNode written = c.call("write", "stream", stream, "pattern", Pattern.json(31, 100_000));
        assertEquals(Pattern.sha256Hex(31, 100_000), written.get("sha256").asText());
        c.call("finish", "stream", stream);
        JsonNode back = c.call("read-to-end", "stream", stream, "limit", 200_000);
        assertEquals(100_000, back.get("len").asInt());
        assertEquals(Pattern.sha256Hex(31, 100_000), back.get("sha256").asText());
        c.call("close", "conn", conn, "code", 0, "reason", "done");
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void thousandSequentialRoundTrips(IrohVersion v) {
        int conn = connect(v, ECHO);
        JsonNode r = clients.get(v).call("rounds", "conn", conn, "count", 1000, "size", 32);
        assertTrue(r.get("allOk").asBoolean(), r.toString());
        assertEquals(1000, r.get("completed").asInt());
        assertEquals(1000, r.get("n").asInt());
        clients.get(v).call("close", "conn", conn, "code", 0);
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void concurrentBiStreams(IrohVersion v) {
        int conn = connect(v, ECHO);
        JsonNode r = clients.get(v).call("concurrent", "conn", conn, "streams", 64, "size", 64 * 1024);
        assertTrue(r.get("allOk").asBoolean(), r.toString());
        assertEquals(64, r.get("n").asInt());
        clients.get(v).call("close", "conn", conn, "code", 0);
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void uniStreamsAreEchoedOnNewUniStreams(IrohVersion v) {
        int conn = connect(v, ECHO);
        JsonNode r = clients.get(v).call("uni-test", "conn", conn, "sizes", List.of(0, 1, 100_000, MIB));
        assertTrue(r.get("allOk").asBoolean(), r.toString());
        assertEquals(List.of(0, 1, 100_000, MIB), sizes(r.get("results")));
        clients.get(v).call("close", "conn", conn, "code", 0);
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void applicationCloseCodeAndReasonReachThePeer(IrohVersion v) {
        IrohPeer c = clients.get(v);
        IrohPeer s = servers.get(v);

        int conn = connect(v, CLOSE);
        int serverConn = acceptedOnServer(v, CLOSE);
        c.call("close", "conn", conn, "code", 42, "reason", "bye now");
        JsonNode seen = s.awaitEvent("closed", e -> e.path("conn").asInt() == serverConn, EVENT_WAIT);
        assertEquals("peer", seen.get("by").asText(), seen.toString());
        assertEquals("application-closed", seen.get("kind").asText());
        assertEquals(42, seen.get("code").asInt());
        assertEquals("bye now", seen.get("appReason").asText());
        assertEquals("closed by peer: bye now (code 42)", seen.get("reason").asText());
        assertEquals(c.id(), seen.get("remote").asText());
        JsonNode local = c.call("wait-closed", "conn", conn);
        assertEquals("local", local.get("by").asText());
        assertEquals("closed", local.get("reason").asText());

        // The other direction, with an empty reason: iroh prints only the code then.
        int conn2 = connect(v, CLOSE);
        int serverConn2 = acceptedOnServer(v, CLOSE);
        s.call("close", "conn", serverConn2, "code", 7, "reason", "");
        JsonNode closed = c.call("wait-closed", "conn", conn2);
        assertEquals("closed by peer: 7", closed.get("reason").asText());
        assertEquals(7, closed.get("code").asInt());
        assertEquals("peer", closed.get("by").asText());
        JsonNode event = c.awaitEvent("closed", e -> e.path("conn").asInt() == conn2, EVENT_WAIT);
        assertEquals(7, event.get("code").asInt());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void streamResetAndStopCodesCrossTheWire(IrohVersion v) {
        IrohPeer c = clients.get(v);
        IrohPeer s = servers.get(v);
        int conn = connect(v, STREAMS);
        int serverConn = acceptedOnServer(v, STREAMS);

        int stream = c.call("open-bi", "conn", conn).get("stream").asInt();
        c.call("write", "stream", stream, "hex", "010203");
        int serverStream = s.call("accept-bi", "conn", serverConn).get("stream").asInt();
        JsonNode first = s.call("read", "stream", serverStream, "max", 16);
        assertEquals("010203", first.get("hex").asText());

        c.call("reset", "stream", stream, "code", 55);
        IrohHarnessException reset = assertThrows(IrohHarnessException.class,
                () -> s.call("read-to-end", "stream", serverStream, "limit", 1000));
        assertEquals("reset", reset.streamErrorKind(), reset.harnessError());
        assertEquals(55, reset.response().get("streamError").get("code").asInt());

        c.call("stop", "stream", stream, "code", 77);
        assertEquals(77, s.call("stopped", "stream", serverStream).get("code").asInt());
        IrohHarnessException stopped = assertThrows(IrohHarnessException.class,
                () -> s.call("write", "stream", serverStream, "pattern", Pattern.json(1, 10_000)));
        assertEquals("stopped", stopped.streamErrorKind(), stopped.harnessError());

        // A stream longer than the reader's limit.
        int uni = c.call("open-uni", "conn", conn).get("stream").asInt();
        c.call("write", "stream", uni, "pattern", Pattern.json(2, 5000));
        c.call("finish", "stream", uni);
        int serverUni = s.call("accept-uni", "conn", serverConn).get("stream").asInt();
        IrohHarnessException tooLong = assertThrows(IrohHarnessException.class,
                () -> s.call("read-to-end", "stream", serverUni, "limit", 100));
        assertEquals("too-long", tooLong.streamErrorKind(), tooLong.harnessError());

        c.call("close", "conn", conn, "code", 0);
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohPing(IrohVersion v) {
        JsonNode r = clients.get(v).call("ping", "addr", servers.get(v).addr());
        assertTrue(r.get("rttMs").asDouble() > 0, r.toString());
        assertEquals(servers.get(v).id(), r.get("remote").asText());
        String client = clients.get(v).id();
        JsonNode served = servers.get(v).awaitEvent("ping-served", e -> true, EVENT_WAIT);
        assertTrue(served.get("ok").asBoolean(), served.toString());
        JsonNode closed = servers.get(v).awaitEvent("closed",
                e -> PING.equals(e.path("alpn").asText()) && client.equals(e.path("remote").asText()), EVENT_WAIT);
        assertEquals(0, closed.get("code").asInt());
        assertEquals("bye!", closed.get("appReason").asText());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void benchmarkCommandsRun(IrohVersion v) {
        IrohPeer c = clients.get(v);
        JsonNode reused = c.call("bench-handshake", "addr", servers.get(v).addr(), "alpn", ECHO, "count", 3, "reuse", true);
        assertEquals(3, reused.get("n").asInt());
        assertTrue(reused.get("medianMs").asDouble() > 0);
        if (v == IrohVersion.V1) {
            // A fresh iroh 0.35 endpoint costs ~3 s to create, so only 1.x runs the fresh variant here.
            JsonNode fresh = c.call("bench-handshake", "addr", servers.get(v).addr(), "alpn", ECHO, "count", 2, "reuse", false);
            assertEquals(2, fresh.get("n").asInt());
        }
        JsonNode tp = c.call("bench-throughput", "addr", servers.get(v).addr(), "alpn", SINK, "bytes", 4 * MIB + 5);
        assertEquals(4 * MIB + 5, tp.get("bytes").asInt());
        assertTrue(tp.get("mbPerSec").asDouble() > 0);
        JsonNode sink = servers.get(v).awaitEvent("sink", e -> e.path("bytes").asLong() == 4 * MIB + 5, EVENT_WAIT);
        assertEquals("bi", sink.get("stream").asText());
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void failuresAreReportedNotHung(IrohVersion v) {
        IrohPeer c = clients.get(v);
        JsonNode unknown = c.attempt("no-such-command");
        assertFalse(unknown.get("ok").asBoolean());
        assertTrue(unknown.get("error").asText().contains("unknown command"), unknown.toString());

        // Nobody listens there: the harness's own timeout answers.
        String ghost = SecretKey.generate().publicKey().toString();
        JsonNode r = c.attempt("connect", IrohPeer.params("addr", IrohPeer.params("id", ghost, "addrs", List.of("127.0.0.1:9")),
                "alpn", ECHO, "timeoutMs", 1500), Duration.ofSeconds(30));
        assertFalse(r.get("ok").asBoolean(), r.toString());

        IrohHarnessException noConn = assertThrows(IrohHarnessException.class, () -> c.call("open-bi", "conn", 999_999));
        assertTrue(noConn.harnessError().contains("no connection"), noConn.getMessage());
        assertThrows(IllegalArgumentException.class, () -> c.call("connect", "id", 1));
        if (v == IrohVersion.V1) {
            assertTrue(c.attempt("blob-has", "hash", "00".repeat(32)).get("error").asText().contains("0.35"));
        }
    }

    @Test
    void endpointTicketRoundTripsInIroh1() {
        IrohPeer s = servers.get(IrohVersion.V1);
        IrohPeer c = clients.get(IrohVersion.V1);
        String ticket = s.ticket();
        assertNotNull(ticket);
        assertTrue(ticket.startsWith("endpoint"), ticket);
        JsonNode info = c.call("ticket-info", "ticket", ticket);
        assertEquals("endpoint", info.get("kind").asText());
        assertEquals(s.id(), info.get("addr").get("id").asText());
        assertEquals(s.addrs().get(0), info.get("addr").get("addrs").get(0).asText());
        assertTrue(info.get("addr").get("relayUrl").isNull());
        assertEquals(ticket, info.get("reencoded").asText());
        assertEquals(ticket, c.call("ticket-make", "kind", "endpoint", "addr", s.addr()).get("ticket").asText());
        assertFalse(c.attempt("ticket-info", "ticket", "blobaaaa").get("ok").asBoolean());
    }

    @Test
    void blobAddAndDownloadBetweenIroh035Nodes() {
        IrohPeer s = servers.get(IrohVersion.V035);
        IrohPeer c = clients.get(IrohVersion.V035);
        int len = 3 * MIB + 17;
        JsonNode added = s.call("blob-add", "pattern", Pattern.json(2024, len));
        assertEquals(len, added.get("size").asInt());
        String hash = added.get("hash").asText();
        assertEquals(64, added.get("hashHex").asText().length());

        String ticket = s.call("blob-ticket", "hash", hash, "format", "raw").get("ticket").asText();
        JsonNode info = c.call("ticket-info", "ticket", ticket);
        assertEquals("blob", info.get("kind").asText());
        assertEquals(hash, info.get("hash").asText());
        assertEquals(added.get("hashHex").asText(), info.get("hashHex").asText());
        assertEquals("raw", info.get("format").asText());
        assertEquals(s.id(), info.get("node").get("id").asText());
        assertEquals(ticket, info.get("reencoded").asText());
        String remade = c.call("ticket-make", "kind", "blob", "hash", added.get("hashHex").asText(), "format", "raw",
                "node", IrohPeer.params("id", s.id(), "addrs", info.get("node").get("addrs"))).get("ticket").asText();
        assertEquals(ticket, remade);

        assertFalse(c.call("blob-has", "hash", hash).get("has").asBoolean());
        JsonNode dl = c.call("blob-download", "ticket", ticket);
        assertTrue(dl.get("complete").asBoolean(), dl.toString());
        JsonNode read = c.call("blob-read", "hash", hash);
        assertEquals(len, read.get("len").asInt());
        assertEquals(Pattern.sha256Hex(2024, len), read.get("sha256").asText());

        // By hash and node address instead of a ticket, and a hash nobody has.
        JsonNode small = s.call("blob-add", "hex", "68656c6c6f");
        c.call("blob-download", "hash", small.get("hashHex").asText(), "node", s.addr(), "format", "raw");
        assertEquals("68656c6c6f", c.call("blob-read", "hash", small.get("hash").asText()).get("hex").asText());
        JsonNode missing = c.attempt("blob-download", IrohPeer.params("hash", "00".repeat(32), "node", s.addr(), "format", "raw",
                "timeoutMs", 10_000), Duration.ofSeconds(30));
        assertFalse(missing.get("ok").asBoolean(), missing.toString());

        // A collection (hash sequence) pulls its children along.
        JsonNode col = s.call("collection-add", "files", List.of(
                IrohPeer.params("name", "a.txt", "hex", "6161"),
                IrohPeer.params("name", "dir/b.bin", "pattern", Pattern.json(3, 100_000))));
        assertEquals("hashseq", c.call("ticket-info", "ticket", col.get("ticket").asText()).get("format").asText());
        c.call("blob-download", "ticket", col.get("ticket").asText());
        for (JsonNode child : col.get("children")) {
            assertTrue(c.call("blob-has", "hash", child.get("hash").asText()).get("has").asBoolean(), child.toString());
        }
        assertEquals(Pattern.sha256Hex(3, 100_000), c.call("blob-read", "hash", col.get("children").get(1).get("hash").asText())
                .get("sha256").asText());
    }

    @Test
    void gossipBetweenIroh035Nodes() {
        IrohPeer s = servers.get(IrohVersion.V035);
        IrohPeer c = clients.get(IrohVersion.V035);
        byte[] topicBytes = new byte[32];
        new SplittableRandom().nextBytes(topicBytes);
        String topic = Hex.encode(topicBytes);
        // 0.35 drops UDP from addresses it has no node for, so both learn each other first.
        s.call("add-node-addr", "addr", c.addr());
        c.call("add-node-addr", "addr", s.addr());
        s.call("gossip-subscribe", "topic", topic, "bootstrap", List.of());
        c.call("gossip-subscribe", "topic", topic, "bootstrap", List.of(s.id()));

        JsonNode joined = c.awaitEvent("gossip", e -> topic.equals(e.path("topic").asText())
                && ("joined".equals(e.path("kind").asText()) || "neighbor-up".equals(e.path("kind").asText())), EVENT_WAIT);
        assertTrue(joined.toString().contains(s.id()), joined.toString());
        s.awaitEvent("gossip", e -> topic.equals(e.path("topic").asText())
                && ("joined".equals(e.path("kind").asText()) || "neighbor-up".equals(e.path("kind").asText())), EVENT_WAIT);

        s.call("gossip-broadcast", "topic", topic, "hex", "cafe01");
        JsonNode got = c.awaitEvent("gossip", e -> topic.equals(e.path("topic").asText())
                && "received".equals(e.path("kind").asText()), EVENT_WAIT);
        assertEquals("cafe01", got.get("content").asText());
        assertEquals(s.id(), got.get("from").asText());

        c.call("gossip-broadcast", "topic", topic, "hex", "beef02", "neighborsOnly", true);
        JsonNode back = s.awaitEvent("gossip", e -> topic.equals(e.path("topic").asText())
                && "received".equals(e.path("kind").asText()), EVENT_WAIT);
        assertEquals("beef02", back.get("content").asText());
        assertEquals(c.id(), back.get("from").asText());
        s.call("gossip-leave", "topic", topic);
        c.call("gossip-leave", "topic", topic);
    }

    @Test
    void iroh1AndIroh035TalkOnceThe035NodeKnowsTheAddress() {
        // The position the Java node will be in: a peer iroh 0.35 has never heard of.
        IrohPeer iroh1 = clients.get(IrohVersion.V1);
        IrohPeer server035 = servers.get(IrohVersion.V035);
        JsonNode unknown = iroh1.attempt("connect", IrohPeer.params("addr", server035.addr(), "alpn", ECHO, "timeoutMs", 1500),
                Duration.ofSeconds(30));
        assertFalse(unknown.get("ok").asBoolean(), "0.35 answered a peer it has no node entry for: " + unknown);

        server035.call("add-node-addr", "addr", iroh1.addr());
        JsonNode r = iroh1.call("connect", "addr", server035.addr(), "alpn", ECHO);
        JsonNode echo = iroh1.call("echo-test", "conn", r.get("conn").asInt(), "sizes", List.of(1, 100_000));
        assertTrue(echo.get("allOk").asBoolean(), echo.toString());
        iroh1.call("close", "conn", r.get("conn").asInt(), "code", 0);

        // The other way round works directly: 0.35 sends disco pings, 1.x accepts unknown addresses.
        IrohPeer client035 = clients.get(IrohVersion.V035);
        JsonNode r2 = client035.call("connect", "addr", servers.get(IrohVersion.V1).addr(), "alpn", ECHO);
        JsonNode echo2 = client035.call("echo-test", "conn", r2.get("conn").asInt(), "sizes", List.of(1, 100_000));
        assertTrue(echo2.get("allOk").asBoolean(), echo2.toString());
        client035.call("close", "conn", r2.get("conn").asInt(), "code", 0);
    }

    @Test
    void iroh035HasNoNodeTicketButParsesItsOwnTickets() {
        IrohPeer c = clients.get(IrohVersion.V035);
        assertNull(c.ticket());
        assertFalse(c.attempt("ticket-info", "ticket", "endpointaaaa").get("ok").asBoolean());
        assertFalse(c.attempt("ticket-info", "ticket", "blobnotbase32!").get("ok").asBoolean());
    }
}
