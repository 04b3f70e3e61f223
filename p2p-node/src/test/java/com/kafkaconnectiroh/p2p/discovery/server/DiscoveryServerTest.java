package com.kafkaconnectiroh.p2p.discovery.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.Oracle;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsRecord;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsResolver;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrRelayClient;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import com.kafkaconnectiroh.p2p.discovery.pkarr.Timestamps;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The discovery server (what iroh-dns-server is): pkarr relay semantics over real HTTP, DNS answers read by our
 * resolver and by an independent client (npm dns-packet), hostile publishers refused, and a query flood survived.
 */
@Timeout(120)
class DiscoveryServerTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    DiscoveryServer server;
    PkarrRelayClient client;

    @BeforeEach
    void start() throws IOException {
        server = DiscoveryServer.builder().dnsBind(new InetSocketAddress("127.0.0.1", 0))
                .httpBind(new InetSocketAddress("127.0.0.1", 0)).origins(List.of("dns.iroh.link", "example.org")).start();
        client = new PkarrRelayClient(server.pkarrRelayUrl(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static IrohRecord record(SecretKey k, int port) {
        return new IrohRecord(k.publicKey(), List.of(RelayUrl.parse("https://relay.example.org/")),
                List.of(SocketAddrs.parse("192.0.2.1:" + port), SocketAddrs.parse("[2001:db8::1]:" + port)), Optional.empty());
    }

    HttpResponse<byte[]> put(String z32, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.pkarrRelayUrl() + "/" + z32))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void publishedPacketsAreServedOverHttpAndDnsAsIrohDnsServerDoes() throws Exception {
        SecretKey k = SecretKey.generate();
        SignedPacket p = record(k, 4433).sign(k, Timestamps.nowMicros(), 30);
        assertEquals(Optional.empty(), client.resolve(k.publicKey()));
        HttpResponse<byte[]> r = put(k.publicKey().toZ32(), p.relayPayload());
        assertEquals(204, r.statusCode());
        assertEquals(Optional.of(p), client.resolve(k.publicKey()));
        HttpResponse<byte[]> g = HTTP.send(HttpRequest.newBuilder(URI.create(server.pkarrRelayUrl() + "/" + k.publicKey().toZ32()))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(PkarrRelayServer.CONTENT_TYPE, g.headers().firstValue("Content-Type").orElse(""));

        // our resolver
        DnsResolver resolver = new DnsResolver(List.of(server.dnsAddress()), Duration.ofSeconds(5));
        String name = "_iroh." + k.publicKey().toZ32() + ".dns.iroh.link";
        List<DnsRecord> txt = resolver.lookup(name, DnsRecord.TYPE_TXT);
        assertEquals(List.of("relay=https://relay.example.org/", "addr=192.0.2.1:4433", "addr=[2001:db8::1]:4433"),
                txt.stream().map(t -> String.join("", t.txtStrings())).toList());
        assertEquals(30, txt.get(0).ttl());
        assertEquals(name, txt.get(0).name());
        // an independent client, in the other origin, with the key's case changed as resolvers may (0x20)
        JsonNode q = Oracle.run("dns.mjs", "query", "127.0.0.1", Integer.toString(server.dnsAddress().getPort()),
                "_IROH." + k.publicKey().toZ32() + ".Example.ORG", "TXT");
        assertEquals("NOERROR", q.get("rcode").asText());
        assertEquals(3, q.get("answers").size());
        assertEquals("addr=192.0.2.1:4433", q.get("answers").get(1).get("data").get(0).asText());
        // unknown key: NXDOMAIN; a name outside our zones: REFUSED; the zone's SOA
        JsonNode nx = Oracle.run("dns.mjs", "query", "127.0.0.1", Integer.toString(server.dnsAddress().getPort()),
                "_iroh." + SecretKey.generate().publicKey().toZ32() + ".dns.iroh.link", "TXT");
        assertEquals("NXDOMAIN", nx.get("rcode").asText());
        JsonNode refused = Oracle.run("dns.mjs", "query", "127.0.0.1", Integer.toString(server.dnsAddress().getPort()),
                "www.example.com", "A");
        assertEquals("REFUSED", refused.get("rcode").asText());
        JsonNode soa = Oracle.run("dns.mjs", "query", "127.0.0.1", Integer.toString(server.dnsAddress().getPort()),
                "dns.iroh.link", "SOA");
        assertEquals("SOA", soa.get("answers").get(0).get("type").asText());
    }

    @Test
    void hostilePublishersAreRefused() throws Exception {
        SecretKey k = SecretKey.generate();
        String z32 = k.publicKey().toZ32();
        long ts = Timestamps.nowMicros();
        SignedPacket newer = record(k, 2).sign(k, ts + 1000, 30);
        SignedPacket older = record(k, 1).sign(k, ts, 30);
        assertEquals(204, put(z32, newer.relayPayload()).statusCode());
        HttpResponse<byte[]> r = put(z32, older.relayPayload());
        assertEquals(409, r.statusCode(), new String(r.body()));
        Thread.sleep(600); // the PUT limit is iroh's: burst 2, 4 a second
        assertThrows(IOException.class, () -> client.publish(older));
        Thread.sleep(600);
        assertEquals(204, put(z32, newer.relayPayload()).statusCode(), "the same packet again is fine");
        Thread.sleep(600);
        byte[] flipped = newer.relayPayload();
        flipped[3] ^= 1;
        assertEquals(400, put(z32, flipped).statusCode());
        Thread.sleep(600);
        assertEquals(413, put(z32, new byte[SignedPacket.MAX_RELAY_PAYLOAD + 1]).statusCode());
        Thread.sleep(600);
        assertEquals(400, put("not-a-key", newer.relayPayload()).statusCode());
        Thread.sleep(600);
        // another key's packet under this key's URL
        SecretKey other = SecretKey.generate();
        assertEquals(400, put(z32, record(other, 3).sign(other, ts, 30).relayPayload()).statusCode());
        Thread.sleep(600);
        // a newer, well-signed packet whose record has a key iroh 1.x refuses
        byte[] foreign = new DnsMessage(0, DnsMessage.FLAG_RESPONSE, List.of(), List.of(
                DnsRecord.txt(IrohRecord.ownerName(k.publicKey()), 30, List.of("addr=192.0.2.1:5")),
                DnsRecord.txt(IrohRecord.ownerName(k.publicKey()), 30, List.of("foo=bar"))), List.of(), List.of()).encode(true);
        HttpResponse<byte[]> f = put(z32, SignedPacket.sign(k, ts + 5000, foreign).relayPayload());
        assertEquals(400, f.statusCode());
        assertTrue(new String(f.body()).contains("unknown key 'foo'"), new String(f.body()));
        assertEquals(Optional.of(newer), client.resolve(k.publicKey()));
        Thread.sleep(600);
        // rate limit: a burst past 2 gets 429
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            if (put(z32, newer.relayPayload()).statusCode() == 429) {
                limited++;
            }
        }
        assertTrue(limited > 0, "no PUT was rate-limited");
    }

    @Test
    void answersTooLargeForUdpAreTruncatedAndServedOverTcp() throws Exception {
        SecretKey k = SecretKey.generate();
        List<InetSocketAddress> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(SocketAddrs.parse("[2001:db8::" + Integer.toHexString(i + 1) + "]:65000"));
        }
        SignedPacket p = new IrohRecord(k.publicKey(), List.of(), many, Optional.empty()).sign(k, Timestamps.nowMicros(), 30);
        assertTrue(p.dnsBytes().length > 512);
        client.publish(p);
        List<DnsRecord> txt = new DnsResolver(List.of(server.dnsAddress()), Duration.ofSeconds(5))
                .lookup("_iroh." + k.publicKey().toZ32() + ".dns.iroh.link", DnsRecord.TYPE_TXT);
        assertEquals(20, txt.size());
    }

    @Test
    void aQueryFloodFromOneSourceDoesNotStopAnswersToOthers() throws Exception {
        SecretKey k = SecretKey.generate();
        client.publish(record(k, 7).sign(k, Timestamps.nowMicros(), 30));
        String name = "_iroh." + k.publicKey().toZ32() + ".dns.iroh.link";
        byte[] query = DnsMessage.query(1, 0, new DnsMessage.Question(name, DnsRecord.TYPE_TXT, 1)).encode(false);
        AtomicBoolean flooding = new AtomicBoolean(true);
        long[] sent = new long[1];
        Thread flood = new Thread(() -> {
            try (DatagramChannel ch = DatagramChannel.open()) {
                ch.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
                long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                while (flooding.get() && System.nanoTime() < end) {
                    ch.send(ByteBuffer.wrap(query), server.dnsAddress());
                    sent[0]++;
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        flood.start();
        try {
            Thread.sleep(500);
            DnsResolver other = new DnsResolver(List.of(server.dnsAddress()), Duration.ofSeconds(3));
            for (int i = 0; i < 5; i++) {
                List<DnsRecord> txt = other.lookup(name, DnsRecord.TYPE_TXT);
                assertEquals(3, txt.size());
            }
        } finally {
            flooding.set(false);
            flood.join();
        }
        assertTrue(sent[0] > 10_000, "the flood sent only " + sent[0]);
        assertTrue(server.store().size() == 1);
        long answered = server.dnsAnswered();
        assertTrue(answered < sent[0] / 4, "answered " + answered + " of " + sent[0] + " flood queries: no rate limit");
        // and garbage does not stop it either
        try (DatagramChannel ch = DatagramChannel.open()) {
            for (int i = 0; i < 100; i++) {
                ch.send(ByteBuffer.wrap(Hex.decode("00000000ffff")), server.dnsAddress());
            }
        }
        assertEquals(3, new DnsResolver(List.of(server.dnsAddress()), Duration.ofSeconds(3)).lookup(name, DnsRecord.TYPE_TXT).size());
    }
}
