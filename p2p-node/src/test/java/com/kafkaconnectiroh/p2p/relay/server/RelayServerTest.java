package com.kafkaconnectiroh.p2p.relay.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.PeerKey;
import com.kafkaconnectiroh.p2p.relay.RelayFrames;
import com.kafkaconnectiroh.p2p.relay.RelayProbe;
import com.kafkaconnectiroh.p2p.relay.RelayTestClients;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our relay server and our relay clients over real sockets: forwarding, access control, notices, HTTP routes. */
@Timeout(120)
class RelayServerTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    RelayServer relay;
    final RelayTestClients clients = new RelayTestClients();

    RelayServer start(RelayServerConfig config) throws Exception {
        relay = RelayServer.start(config.bind(new InetSocketAddress("127.0.0.1", 0)));
        return relay;
    }

    @AfterEach
    void stop() {
        clients.close();
        if (relay != null) {
            relay.close();
        }
    }

    static void waitFor(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void datagramsAndBatchesGoFromOneClientToAnother() throws Exception {
        start(new RelayServerConfig());
        RelayTestClients.Client a = clients.start(relay.url(), SecretKey.generate()).awaitConnected();
        RelayTestClients.Client b = clients.start(relay.url(), SecretKey.generate()).awaitConnected();
        assertTrue(a.send(b.peerKey, "hello b".getBytes(StandardCharsets.UTF_8), 0));
        RelayTestClients.Received r = b.next(WAIT);
        assertNotNull(r, "b got nothing");
        assertEquals(a.peerKey, r.source());
        assertEquals("hello b", new String(r.bytes(), StandardCharsets.UTF_8));
        assertEquals(0, r.segmentSize());
        // a batch keeps its segment size end to end
        byte[] batch = new byte[3000];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (byte) i;
        }
        assertTrue(b.send(a.peerKey, batch, 1200));
        r = a.next(WAIT);
        assertEquals(b.peerKey, r.source());
        assertEquals(1200, r.segmentSize());
        assertArrayEquals(batch, r.bytes());
        Map<String, Long> m = relay.metrics().snapshot();
        assertEquals(2L, m.get("clients_connected"));
        assertEquals(2L, m.get("datagram_frames_forwarded_total"));
        assertEquals(3007L, m.get("datagram_bytes_forwarded_total"));
    }

    @Test
    void datagramsToNobodyAreDroppedAndCounted() throws Exception {
        start(new RelayServerConfig());
        RelayTestClients.Client a = clients.start(relay.url(), SecretKey.generate()).awaitConnected();
        a.send(PeerKey.of(SecretKey.generate().publicKey()), new byte[100], 0);
        waitFor("the drop to be counted", () -> relay.metrics().snapshot().get("datagrams_dropped_unknown_destination_total") == 1);
    }

    @Test
    void onlyAllowedIdsGetIn() throws Exception {
        SecretKey allowed = SecretKey.generate();
        start(new RelayServerConfig().allowed(List.of(allowed.publicKey())));
        RelayTestClients.Client in = clients.start(relay.url(), allowed).awaitConnected();
        RelayTestClients.Client out = clients.start(relay.url(), SecretKey.generate());
        waitFor("the other client to be denied", () -> relay.metrics().snapshot().get("clients_denied_total") >= 1);
        String why = out.onLoop(() -> out.relay.lastError());
        assertEquals("relay denied us: not authorized", why);
        assertFalse(out.onLoop(() -> out.relay.isConnected()));
        assertTrue(in.onLoop(() -> in.relay.isConnected()));
        assertEquals(1, relay.clientCount());
    }

    @Test
    void peersHearWhenASenderLeaves() throws Exception {
        start(new RelayServerConfig());
        RelayTestClients.Client a = clients.start(relay.url(), SecretKey.generate()).awaitConnected();
        RelayTestClients.Client b = clients.start(relay.url(), SecretKey.generate()).awaitConnected();
        a.send(b.peerKey, new byte[] {1}, 0);
        assertNotNull(b.next(WAIT));
        a.close();
        waitFor("EndpointGone at b", () -> b.gone.contains(a.peerKey));
    }

    @Test
    void theNewestConnectionOfAnIdReceivesAndTheOlderTakesOverAgainWhenItLeaves() throws Exception {
        start(new RelayServerConfig());
        SecretKey shared = SecretKey.generate();
        RelayTestClients.Client first = clients.start(relay.url(), shared).awaitConnected();
        RelayTestClients.Client second = clients.start(relay.url(), shared).awaitConnected();
        RelayTestClients.Client sender = clients.start(relay.url(), SecretKey.generate()).awaitConnected();
        waitFor("the replacement", () -> relay.metrics().snapshot().get("clients_replaced_total") == 1);
        sender.send(first.peerKey, new byte[] {2}, 0);
        assertNotNull(second.next(WAIT), "the newer connection receives");
        assertNull(first.next(Duration.ofMillis(300)), "the older one receives nothing");
        second.close();
        // the relay promotes the older connection again; our clients reconnect on their own, so stop 'second' first
        waitFor("the older connection to be active", () -> {
            try {
                sender.send(first.peerKey, new byte[] {3}, 0);
                return first.next(Duration.ofMillis(100)) != null;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void theOlderConnectionOfAnIdIsToldInItsProtocolVersionAndHealthyAgainWhenTheNewerLeaves() throws Exception {
        start(new RelayServerConfig());
        InetSocketAddress at = relay.localAddress();
        SecretKey shared = SecretKey.generate();
        try (RawRelayClient v2 = new RawRelayClient(at); RawRelayClient v1 = new RawRelayClient(at)) {
            assertEquals("iroh-relay-v2", v2.upgrade());
            v2.authenticate(shared);
            assertEquals("iroh-relay-v1", v1.upgrade("iroh-relay-v1"));
            v1.authenticate(shared);
            // v2: Status(SameEndpointIdConnected)
            RawRelayClient.Message m = v2.readAnsweringPings();
            assertArrayEquals(new byte[] {RelayFrames.STATUS, RelayFrames.STATUS_SAME_ENDPOINT_ID_CONNECTED}, m.payload());
            try (RawRelayClient v2again = RawRelayClient.connected(at, shared)) {
                // v1 (now the older one): Health with a text
                RawRelayClient.Message h = v1.readAnsweringPings();
                assertEquals(RelayFrames.HEALTH, h.relayType());
                assertEquals(RelayFrames.SAME_ENDPOINT_ID_TEXT,
                        new String(h.payload(), 1, h.payload().length - 1, StandardCharsets.UTF_8));
            }
            // the newest left: the one before it is active again and told so (v1: an empty Health text)
            RawRelayClient.Message healthy = v1.readAnsweringPings();
            assertArrayEquals(new byte[] {RelayFrames.HEALTH}, healthy.payload());
            try (RawRelayClient sender = RawRelayClient.connected(at, SecretKey.generate())) {
                sender.sendDatagram(v1.key, new byte[] {5});
                assertEquals(RelayFrames.RELAY_TO_CLIENT_DATAGRAM, v1.readAnsweringPings().relayType());
            }
            assertEquals(2L, relay.metrics().snapshot().get("clients_replaced_total"));
        }
    }

    @Test
    void probesAndHttpRoutes() throws Exception {
        start(new RelayServerConfig());
        long rtt = RelayProbe.ping(clients.dialer(), relay.url(), TimeUnit.SECONDS.toNanos(10)).get(15, TimeUnit.SECONDS);
        assertTrue(rtt > 0);
        String base = "http://" + relay.localAddress().getHostString() + ":" + relay.localAddress().getPort();
        HttpResult ping = get(base + "/ping");
        assertEquals(200, ping.status());
        assertEquals("*", ping.header("Access-Control-Allow-Origin"), "iroh's browser clients probe it cross-origin");
        assertTrue(get(base + "/healthz").body().contains("\"status\":\"ok\""));
        HttpResult captive = get(base + "/generate_204", "X-Iroh-Challenge", "ab.C-9_z");
        assertEquals(204, captive.status());
        assertEquals("response ab.C-9_z", captive.header("X-Iroh-Response"));
        HttpResult odd = get(base + "/generate_204", "X-Iroh-Challenge", "no spaces allowed");
        assertEquals(204, odd.status());
        assertNull(odd.header("X-Iroh-Response"), "a challenge outside [A-Za-z0-9._-] is not echoed");
        assertEquals(404, get(base + "/nothing-here").status());
        HttpResult metrics = get(base + "/metrics");
        assertTrue(metrics.body().contains("relay_clients_connected 0"), metrics.body());
        assertTrue(metrics.body().contains("# TYPE relay_http_requests_total counter"), metrics.body());
    }

    record HttpResult(int status, String body, Map<String, List<String>> headers) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (name.equalsIgnoreCase(e.getKey())) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** GET {@code url} with request headers given as name, value, name, value… */
    static HttpResult get(String url, String... requestHeaders) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        for (int i = 0; i < requestHeaders.length; i += 2) {
            c.setRequestProperty(requestHeaders[i], requestHeaders[i + 1]);
        }
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = c.getHeaderFields();
        c.disconnect();
        return new HttpResult(status, body, headers);
    }
}
