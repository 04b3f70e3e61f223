package com.kafkaconnectiroh.p2p.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrRelayClient;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import com.kafkaconnectiroh.p2p.discovery.pkarr.Timestamps;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PkarrAddressLookup} against a relay the test controls (a real HTTP server): whatever a hostile relay
 * serves (a bad signature, an older packet than one seen before, an oversized body, a record with a key iroh 1.x
 * refuses) is refused; publishing PUTs what changed at once and otherwise only on the republish interval.
 */
@Timeout(60)
class PkarrLookupTest {
    HttpServer relay;
    volatile byte[] served;
    final List<byte[]> puts = new CopyOnWriteArrayList<>();
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @BeforeEach
    void start() throws IOException {
        relay = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        relay.createContext("/pkarr/", ex -> {
            try (ex) {
                if (ex.getRequestMethod().equals("PUT")) {
                    try (InputStream in = ex.getRequestBody()) {
                        puts.add(in.readAllBytes());
                    }
                    ex.sendResponseHeaders(204, -1);
                    return;
                }
                byte[] body = served;
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        relay.start();
    }

    @AfterEach
    void stop() {
        relay.stop(0);
        scheduler.shutdownNow();
    }

    PkarrAddressLookup lookup(SecretKey key, long republishMillis, Optional<String> userData) {
        String base = "http://127.0.0.1:" + relay.getAddress().getPort() + "/pkarr";
        return new PkarrAddressLookup(new PkarrRelayClient(base, Duration.ofSeconds(5)), key, scheduler, republishMillis,
                userData);
    }

    static String failure(PkarrAddressLookup l, SecretKey k) {
        try {
            Optional<EndpointAddr> a = l.resolve(k.publicKey()).join();
            throw new AssertionError("accepted " + a);
        } catch (CompletionException e) {
            return String.valueOf(e.getCause().getMessage());
        }
    }

    static SignedPacket packet(SecretKey k, long ts, String... txt) {
        List<DnsRecord> answers = new java.util.ArrayList<>();
        for (String t : txt) {
            answers.add(DnsRecord.txt(IrohRecord.ownerName(k.publicKey()), 30, List.of(t))); // one record each, as iroh
        }
        byte[] dns = new DnsMessage(0, DnsMessage.FLAG_RESPONSE, List.of(), answers, List.of(), List.of()).encode(true);
        return SignedPacket.sign(k, ts, dns);
    }

    @Test
    void whatAHostileRelayServesIsRefused() {
        SecretKey k = SecretKey.generate();
        PkarrAddressLookup l = lookup(null, 60_000, Optional.empty());
        long ts = Timestamps.nowMicros();
        SignedPacket newer = packet(k, ts + 1000, "addr=192.0.2.1:2");
        served = newer.relayPayload();
        assertEquals(List.of(SocketAddrs.parse("192.0.2.1:2")), List.copyOf(l.resolve(k.publicKey()).join().orElseThrow().ipAddrs()));

        served = packet(k, ts, "addr=192.0.2.1:1").relayPayload();
        assertTrue(failure(l, k).contains("older packet"), failure(l, k));

        byte[] flipped = newer.relayPayload();
        flipped[10] ^= 1;
        served = flipped;
        assertTrue(failure(l, k).contains("signature"), failure(l, k));

        byte[] huge = new byte[SignedPacket.MAX_RELAY_PAYLOAD + 1];
        System.arraycopy(newer.relayPayload(), 0, huge, 0, newer.relayPayload().length);
        served = huge;
        assertTrue(failure(l, k).contains("bytes"), failure(l, k));

        served = packet(k, ts + 2000, "addr=192.0.2.1:3", "foo=bar").relayPayload();
        assertTrue(failure(l, k).contains("unknown key 'foo'"), failure(l, k));

        // another key's packet served for this key
        SecretKey other = SecretKey.generate();
        served = packet(other, ts + 3000, "addr=192.0.2.1:4").relayPayload();
        assertTrue(failure(l, k).contains("signature"), failure(l, k));

        served = null;
        assertEquals(Optional.empty(), l.resolve(k.publicKey()).join());
    }

    @Test
    void publishingPutsAChangeAtOnceAndOtherwiseOnlyOnTheRepublishInterval() throws Exception {
        SecretKey k = SecretKey.generate();
        long republish = 1500;
        PkarrAddressLookup l = lookup(k, republish, Optional.of("hello"));
        EndpointAddr a = EndpointAddr.builder(k.publicKey()).ipAddrs(List.of(SocketAddrs.parse("192.0.2.7:7"))).build();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            l.publish(a); // the same addresses again and again: one PUT
        }
        awaitPuts(1);
        SignedPacket first = SignedPacket.fromRelayPayload(k.publicKey(), puts.get(0));
        assertEquals(List.of("addr=192.0.2.7:7", "user-data=hello"), IrohRecord.fromSignedPacket(first).txtStrings());

        EndpointAddr b = EndpointAddr.builder(k.publicKey()).ipAddrs(List.of(SocketAddrs.parse("192.0.2.8:8"))).build();
        l.publish(b);
        awaitPuts(2);
        SignedPacket second = SignedPacket.fromRelayPayload(k.publicKey(), puts.get(1));
        assertEquals(List.of("addr=192.0.2.8:8", "user-data=hello"), IrohRecord.fromSignedPacket(second).txtStrings());
        assertTrue(second.moreRecentThan(first));

        awaitPuts(3); // the interval: the same record again, newly signed
        SignedPacket third = SignedPacket.fromRelayPayload(k.publicKey(), puts.get(2));
        assertEquals(IrohRecord.fromSignedPacket(second), IrohRecord.fromSignedPacket(third));
        assertTrue(third.moreRecentThan(second));
        l.close();
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Thread.sleep(republish + 500);
        // never more often than once per change plus once per interval
        assertTrue(puts.size() <= 2 + elapsedMillis / republish, puts.size() + " PUTs in " + elapsedMillis + " ms");
    }

    void awaitPuts(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (puts.size() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + puts.size() + " PUTs, expected " + n);
            Thread.sleep(20);
        }
    }
}
