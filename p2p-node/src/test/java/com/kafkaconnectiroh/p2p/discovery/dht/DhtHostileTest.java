package com.kafkaconnectiroh.p2p.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Java DHT node facing a hostile client on raw UDP: malformed bencode, forged signatures and tokens, stale or
 * oversized items, a query flood, and a bootstrap list that leads nowhere. Each is refused with BEP 44's error
 * code (or silence) and the node keeps answering honest queries.
 */
@Timeout(120)
class DhtHostileTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Random rnd = new Random(16);

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private DhtNode node(DhtNode.Builder b) throws Exception {
        DhtNode n = b.bind(new InetSocketAddress("127.0.0.1", 0)).bootstrap(List.of()).start();
        closeables.add(n);
        return n;
    }

    private DatagramSocket client(String ip) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), 0));
        s.setSoTimeout(2000);
        closeables.add(s);
        return s;
    }

    private static void send(DatagramSocket s, InetSocketAddress to, byte[] data) throws Exception {
        s.send(new DatagramPacket(data, data.length, to));
    }

    /** Sends a query and returns the whole reply dictionary, or null if none came within the socket timeout. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> ask(DatagramSocket s, InetSocketAddress to, String q, Map<String, Object> args) throws Exception {
        Map<String, Object> a = new TreeMap<>(args);
        a.putIfAbsent("id", Id20.random().toBytes());
        send(s, to, Bencode.encode(Map.of("t", "xy", "y", "q", "q", q, "a", a)));
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            Map<String, Object> m = (Map<String, Object>) Bencode.decode(Arrays.copyOf(buf, p.getLength()));
            // The node took us for a contact (we queried it) and may query us back while filling its table.
            if (!Arrays.equals((byte[]) m.get("y"), new byte[] {'q'})) {
                return m;
            }
        }
    }

    private static long errorCode(Map<String, Object> reply) {
        assertNotNull(reply, "no reply");
        assertArrayEquals("e".getBytes(StandardCharsets.US_ASCII), (byte[]) reply.get("y"), "expected an error reply: " + show(reply));
        return (Long) ((List<?>) reply.get("e")).get(0);
    }

    private static String show(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(k).append('=').append(show(v)).append(' '));
            return sb.append('}').toString();
        }
        if (o instanceof List<?> l) {
            return l.stream().map(DhtHostileTest::show).toList().toString();
        }
        return String.valueOf(o);
    }

    /** The {@code r} of a reply that must be a success. */
    private static Map<?, ?> ok(Map<String, Object> reply) {
        assertNotNull(reply, "no reply");
        assertTrue(reply.get("r") instanceof Map, "expected a success reply: " + show(reply));
        return (Map<?, ?>) reply.get("r");
    }

    @SuppressWarnings("unchecked")
    private static byte[] token(DatagramSocket s, InetSocketAddress to, Id20 target) throws Exception {
        Map<String, Object> r = ask(s, to, "get", Map.of("target", target.toBytes()));
        return (byte[]) ((Map<String, Object>) r.get("r")).get("token");
    }

    private static Map<String, Object> putArgs(MutableItem item, byte[] token) {
        Map<String, Object> a = new TreeMap<>();
        a.put("token", token);
        a.put("k", item.key().toBytes());
        a.put("seq", item.seq());
        a.put("sig", item.signature());
        a.put("v", new Bencode.Raw(item.encodedValue()));
        return a;
    }

    @Test
    void malformedDatagramsAreDroppedAndTheNodeKeepsAnswering() throws Exception {
        DhtNode n = node(DhtNode.builder());
        DatagramSocket s = client("127.0.0.1");
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(1400)];
            rnd.nextBytes(junk);
            if (i % 3 == 0) {
                junk[0] = 'd';
            }
            send(s, n.localAddress(), junk);
        }
        send(s, n.localAddress(), "l".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        send(s, n.localAddress(), new byte[1600]); // over the datagram limit
        // The kernel may have dropped datagrams while the node worked through the junk: wait until it answers.
        Map<String, Object> first = null;
        for (int i = 0; i < 10 && first == null; i++) {
            first = ask(s, n.localAddress(), "ping", Map.of());
        }
        assertNotNull(first, "the node stopped answering after junk");
        // A query whose arguments are of the wrong kind gets BEP 5's protocol error.
        assertEquals(203, errorCode(ask(s, n.localAddress(), "find_node", Map.of("target", 7L))));
        assertEquals(204, errorCode(ask(s, n.localAddress(), "no_such_method", Map.of())));
        Map<String, Object> pong = ask(s, n.localAddress(), "ping", Map.of());
        assertArrayEquals(n.id().toBytes(), (byte[]) ((Map<?, ?>) pong.get("r")).get("id"));
    }

    @Test
    void putRulesOfBep44AreEnforced() throws Exception {
        DhtNode n = node(DhtNode.builder());
        InetSocketAddress to = n.localAddress();
        DatagramSocket s = client("127.0.0.1");
        SecretKey key = SecretKey.generate();
        MutableItem v10 = MutableItem.sign(key, new byte[0], 10, "ten".getBytes(StandardCharsets.US_ASCII));
        byte[] token = token(s, to, v10.target());

        // Bad signature: one bit flipped.
        Map<String, Object> forged = putArgs(v10, token);
        byte[] sig = v10.signature();
        sig[5] ^= 1;
        forged.put("sig", sig);
        assertEquals(206, errorCode(ask(s, to, "put", forged)));
        // A token made up, and a real one issued to another IP (127.0.0.2 is loopback too).
        Map<String, Object> badToken = putArgs(v10, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(203, errorCode(ask(s, to, "put", badToken)));
        byte[] othersToken = token(client("127.0.0.2"), to, v10.target());
        assertEquals(203, errorCode(ask(s, to, "put", putArgs(v10, othersToken))));
        assertEquals(0, n.storedItems());

        ok(ask(s, to, "put", putArgs(v10, token)));
        assertEquals(1, n.storedItems());
        // The same item again (iroh's hourly republish) is accepted; an older seq or a new value at seq 10 is not.
        ok(ask(s, to, "put", putArgs(v10, token)));
        MutableItem v9 = MutableItem.sign(key, new byte[0], 9, "nine".getBytes(StandardCharsets.US_ASCII));
        assertEquals(302, errorCode(ask(s, to, "put", putArgs(v9, token))));
        MutableItem other10 = MutableItem.sign(key, new byte[0], 10, "TEN".getBytes(StandardCharsets.US_ASCII));
        assertEquals(302, errorCode(ask(s, to, "put", putArgs(other10, token))));
        // CAS must name the stored seq.
        MutableItem v11 = MutableItem.sign(key, new byte[0], 11, "eleven".getBytes(StandardCharsets.US_ASCII));
        Map<String, Object> cas = putArgs(v11, token);
        cas.put("cas", 7L);
        assertEquals(301, errorCode(ask(s, to, "put", cas)));
        cas.put("cas", 10L);
        ok(ask(s, to, "put", cas));

        // v over 1000 bytes, salt over 64: refused before the signature is even checked.
        Map<String, Object> big = putArgs(v11, token);
        big.put("v", new byte[1001]);
        assertEquals(205, errorCode(ask(s, to, "put", big)));
        // A full 1000-byte value (the largest pkarr DNS packet) fits: its signature is what fails here.
        big.put("v", new byte[1000]);
        assertEquals(206, errorCode(ask(s, to, "put", big)));
        Map<String, Object> salty = putArgs(v11, token);
        salty.put("salt", new byte[65]);
        assertEquals(207, errorCode(ask(s, to, "put", salty)));

        // A reader with seq ≥ ours gets only the seq; others get the item, which verifies.
        Map<?, ?> r = (Map<?, ?>) ask(s, to, "get", Map.of("target", v11.target().toBytes(), "seq", 11L)).get("r");
        assertEquals(11L, r.get("seq"));
        assertNull(r.get("v"));
        r = (Map<?, ?>) ask(s, to, "get", Map.of("target", v11.target().toBytes())).get("r");
        assertArrayEquals("eleven".getBytes(StandardCharsets.US_ASCII), (byte[]) r.get("v"));
    }

    @Test
    void announceWithAForgedTokenIsRefused() throws Exception {
        DhtNode n = node(DhtNode.builder());
        DatagramSocket s = client("127.0.0.1");
        Id20 ih = Id20.random();
        Map<String, Object> a = new TreeMap<>(Map.of("info_hash", ih.toBytes(), "port", 4000L, "token", new byte[8]));
        assertEquals(203, errorCode(ask(s, n.localAddress(), "announce_peer", a)));
        Map<?, ?> peers = (Map<?, ?>) ask(s, n.localAddress(), "get_peers", Map.of("info_hash", ih.toBytes())).get("r");
        assertNull(peers.get("values"));
        a.put("token", peers.get("token"));
        ok(ask(s, n.localAddress(), "announce_peer", a));
        peers = (Map<?, ?>) ask(s, n.localAddress(), "get_peers", Map.of("info_hash", ih.toBytes())).get("r");
        assertEquals(1, ((List<?>) peers.get("values")).size());
    }

    @Test
    void aQueryFloodFromOneSourceIsRateLimited() throws Exception {
        DhtNode n = node(DhtNode.builder().rateLimit(20, 20));
        DatagramSocket s = client("127.0.0.1");
        s.setSoTimeout(200);
        byte[] ping = Bencode.encode(Map.of("t", "fl", "y", "q", "q", "ping", "a", Map.of("id", Id20.random().toBytes())));
        long t0 = System.nanoTime();
        for (int i = 0; i < 3000; i++) {
            send(s, n.localAddress(), ping);
        }
        int answered = 0;
        byte[] buf = new byte[2048];
        try {
            while (true) {
                s.receive(new DatagramPacket(buf, buf.length));
                answered++;
            }
        } catch (SocketTimeoutException drained) {
            // no more replies
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // At most the burst plus the sustained rate over the whole time (receive side included, so generous).
        assertTrue(answered <= 20 + 20 * seconds + 5, answered + " answers in " + seconds + " s");
        assertTrue(answered >= 1, "the first queries are answered");
        // The kernel drops part of the flood before the node reads it; of what it reads, the most is refused.
        assertTrue(n.rateLimitedQueries() >= 100, "limited " + n.rateLimitedQueries());
        assertEquals(1, n.rateLimitSources(), "one source, one bucket");
        // Another source is not punished for the first one's flood.
        assertNotNull(ask(client("127.0.0.3"), n.localAddress(), "ping", Map.of()));
    }

    @Test
    void storageIsBoundedWhateverIsPut() throws Exception {
        DhtNode n = node(DhtNode.builder().storageLimits(50, 50, 5).rateLimit(10_000, 10_000));
        DatagramSocket s = client("127.0.0.1");
        byte[] token = token(s, n.localAddress(), Id20.random());
        for (int i = 0; i < 300; i++) {
            MutableItem item = MutableItem.sign(SecretKey.generate(), new byte[0], 1, new byte[900]);
            ok(ask(s, n.localAddress(), "put", putArgs(item, token)));
        }
        assertEquals(50, n.storedItems());
        Id20 ih = Id20.random();
        Map<String, Object> a = new TreeMap<>(Map.of("info_hash", ih.toBytes(), "implied_port", 1L, "port", 1L));
        a.put("token", token);
        for (int i = 0; i < 20; i++) {
            DatagramSocket from = client("127.0.0.1"); // a new port each time: a new peer
            a.put("token", token(from, n.localAddress(), ih));
            ok(ask(from, n.localAddress(), "announce_peer", a));
        }
        Map<?, ?> r = (Map<?, ?>) ask(s, n.localAddress(), "get_peers", Map.of("info_hash", ih.toBytes())).get("r");
        assertEquals(5, ((List<?>) r.get("values")).size());
    }

    @Test
    void unreachableBootstrapNeitherHangsNorSpins() throws Exception {
        DatagramSocket silent = client("127.0.0.1"); // bound, never answers
        long t0 = System.nanoTime();
        DhtNode n = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0)).queryTimeout(Duration.ofMillis(500))
                .maintenanceInterval(Duration.ofSeconds(1))
                .bootstrap(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort()),
                        InetSocketAddress.createUnresolved("no-such-host.invalid", 6881)))
                .start();
        closeables.add(n);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "start waited on the bootstrap");
        assertEquals(0, n.bootstrap().get(30, TimeUnit.SECONDS));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> n.publish(com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket.sign(SecretKey.generate(), 1, new byte[] {
                        0, 0, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0})).get(30, TimeUnit.SECONDS));
        assertTrue(DhtNode.rootCause(e).getMessage().contains("no DHT node stored"), e.toString());
        // Over 3 maintenance rounds the silent node gets about one bootstrap query per round, not a stream.
        silent.setSoTimeout(100);
        int got = 0;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        byte[] buf = new byte[2048];
        while (System.nanoTime() < until) {
            try {
                silent.receive(new DatagramPacket(buf, buf.length));
                got++;
            } catch (SocketTimeoutException idle) {
                // keep listening
            }
        }
        assertTrue(got <= 10, got + " queries to an unreachable bootstrap node in 3 s");
    }
}
