package com.kafkaconnectiroh.p2p.discovery.tracker;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Announce;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Kind;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Query;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.SignedAnnounce;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Java tracker, Java providers and a Java getter over real QUIC on loopback; the tracker's bounds and refusals. */
@Timeout(120)
class TrackerTest {
    static final Duration T = Duration.ofSeconds(20);

    /** Addresses the nodes published, as a discovery service would hand them out: so the getter dials bare ids. */
    static final class Directory implements AddressLookup {
        final Map<EndpointId, EndpointAddr> known = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "directory";
        }

        @Override
        public CompletableFuture<Optional<EndpointAddr>> resolve(EndpointId id) {
            return CompletableFuture.completedFuture(Optional.ofNullable(known.get(id)));
        }
    }

    @Test
    void aGetterFindsProvidersThroughTheTrackerAndFetchesByBareId() throws Exception {
        Directory dir = new Directory();
        Tracker tracker = new Tracker();
        try (Node t = Node.builder().bindAddr(LOOPBACK).accept(TrackerMessages.ALPN, tracker).spawn();
             Node provider = Fixtures.loopbackNode();
             Node getter = Node.builder().bindAddr(LOOPBACK).addressLookup(dir).spawn()) {
            dir.known.put(provider.id(), provider.addr());
            dir.known.put(t.id(), t.addr());
            byte[] data = Fixtures.randomBytes(4, 200_000);
            Blobs.AddOutcome added = provider.blobs().add(data);
            SecretKey providerKey = provider.endpoint().secretKey();
            TrackerClient.announce(provider.endpoint(), t.addr(), providerKey, added.content(), Kind.COMPLETE, T);
            assertEquals(1, tracker.size());

            // the getter knows only the tracker's id and the hash
            List<SignedAnnounce> hosts = TrackerClient.query(getter.endpoint(), EndpointAddr.of(t.id()),
                    new Query(added.content(), true, false), T);
            assertEquals(1, hosts.size());
            assertEquals(provider.id(), hosts.get(0).announce().host());
            assertEquals(List.of(), TrackerClient.query(getter.endpoint(), EndpointAddr.of(t.id()),
                    new Query(added.content(), true, true), T), "we never probe, so nothing is verified");
            assertEquals(List.of(), TrackerClient.query(getter.endpoint(), EndpointAddr.of(t.id()),
                    new Query(HashAndFormat.hashSeq(added.hash()), false, false), T), "the format is part of the key");

            getter.blobs().download(added.content(), List.of(EndpointAddr.of(hosts.get(0).announce().host())),
                    TagOption.auto(), com.kafkaconnectiroh.p2p.blobs.DownloadListener.NONE);
            assertArrayEquals(data, getter.blobs().read(added.hash()));
        }
    }

    /** A host that announced and then went away is skipped: the getter fetches from the next one. */
    @Test
    void aGoneProviderIsSkippedForTheNextOne() throws Exception {
        Directory dir = new Directory();
        Tracker tracker = new Tracker();
        try (Node t = Node.builder().bindAddr(LOOPBACK).accept(TrackerMessages.ALPN, tracker).spawn();
             Node alive = Fixtures.loopbackNode();
             Node getter = Node.builder().bindAddr(LOOPBACK).addressLookup(dir).spawn()) {
            byte[] data = Fixtures.randomBytes(5, 50_000);
            Blobs.AddOutcome added = alive.blobs().add(data);
            try (Node gone = Fixtures.loopbackNode()) {
                gone.blobs().add(data);
                dir.known.put(gone.id(), gone.addr());
                TrackerClient.announce(gone.endpoint(), t.addr(), gone.endpoint().secretKey(), added.content(),
                        Kind.COMPLETE, T);
            }
            dir.known.put(alive.id(), alive.addr());
            TrackerClient.announce(alive.endpoint(), t.addr(), alive.endpoint().secretKey(), added.content(),
                    Kind.COMPLETE, T);
            List<EndpointAddr> providers = TrackerClient.query(getter.endpoint(), t.addr(),
                    new Query(added.content(), true, false), T).stream().map(h -> EndpointAddr.of(h.announce().host())).toList();
            assertEquals(2, providers.size());
            getter.blobs().download(added.content(), providers, TagOption.auto(),
                    com.kafkaconnectiroh.p2p.blobs.DownloadListener.NONE);
            assertArrayEquals(data, getter.blobs().read(added.hash()));
        }
    }

    @Test
    void oversizedGarbledAndForgedRequestsAreRefused() throws Exception {
        Tracker tracker = new Tracker();
        try (Node t = Node.builder().bindAddr(LOOPBACK).accept(TrackerMessages.ALPN, tracker).spawn();
             Node client = Fixtures.loopbackNode()) {
            assertThrows(IOException.class, () -> raw(client, t, new byte[TrackerMessages.REQUEST_SIZE_LIMIT + 1]));
            assertThrows(IOException.class, () -> raw(client, t, new byte[] {7, 7, 7}));

            SecretKey k = client.endpoint().secretKey();
            Announce a = new Announce(k.publicKey(), HashAndFormat.raw(Hash.of(new byte[] {1})), Kind.COMPLETE,
                    System.currentTimeMillis() * 1000);
            byte[] forged = TrackerMessages.Request.of(new SignedAnnounce(a, SecretKey.generate().sign(a.encode()))).encode();
            assertThrows(IOException.class, () -> raw(client, t, forged));
            assertEquals(0, tracker.size());
            // the tracker still serves after all that
            assertEquals(0, raw(client, t, TrackerMessages.Request.of(a.sign(k)).encode()).length);
            assertEquals(1, tracker.size());
        }
    }

    private static byte[] raw(Node client, Node tracker, byte[] request) throws IOException {
        Connection c = client.endpoint().connect(tracker.addr(), TrackerMessages.ALPN, T);
        try {
            BiStream s = c.openBi(T);
            s.send().writeAll(ByteBuffer.wrap(request), T);
            s.send().finish();
            return s.recv().readToEnd(TrackerClient.RESPONSE_LIMIT, T);
        } finally {
            c.close(0, "done");
        }
    }

    /** iroh's client reads at most 16 KiB of an answer: a popular hash gets the newest hosts that fit. */
    @Test
    void anAnswerFitsIrohsClientLimit() {
        long now = System.currentTimeMillis() * 1000;
        Tracker tracker = new Tracker(1000, 10_000, () -> now);
        HashAndFormat c = HashAndFormat.raw(Hash.of(new byte[] {9}));
        SecretKey last = null;
        for (int i = 0; i < 150; i++) {
            last = SecretKey.generate();
            assertEquals(null, tracker.add(new Announce(last.publicKey(), c, Kind.COMPLETE, now - 150 + i).sign(last)));
        }
        List<SignedAnnounce> hosts = tracker.query(new Query(c, true, false));
        assertEquals(Tracker.MAX_HOSTS_PER_ANSWER, hosts.size());
        assertEquals(last.publicKey(), hosts.get(hosts.size() - 1).announce().host());
        assertTrue(TrackerMessages.encodeResponse(hosts).length <= TrackerMessages.REQUEST_SIZE_LIMIT);
    }

    @Test
    void announcementsAreBoundedDatedAndExpire() {
        AtomicLong now = new AtomicLong(Tracker.ANNOUNCE_TIMEOUT.toNanos()); // µs, well past zero
        Tracker tracker = new Tracker(2, 3, now::get);
        HashAndFormat c1 = HashAndFormat.raw(Hash.of(new byte[] {1}));
        HashAndFormat c2 = HashAndFormat.raw(Hash.of(new byte[] {2}));
        SecretKey[] keys = {SecretKey.generate(), SecretKey.generate(), SecretKey.generate(), SecretKey.generate()};
        long t = now.get();
        for (SecretKey k : keys) {
            assertEquals(null, tracker.add(new Announce(k.publicKey(), c1, Kind.COMPLETE, t++).sign(k)));
        }
        assertEquals(2, tracker.query(new Query(c1, false, false)).size(), "per-content cap");
        assertEquals(keys[3].publicKey(), tracker.query(new Query(c1, false, false)).get(1).announce().host());
        for (SecretKey k : keys) {
            tracker.add(new Announce(k.publicKey(), c2, Kind.PARTIAL, t++).sign(k));
        }
        assertEquals(3, tracker.size(), "total cap");
        assertEquals(0, tracker.query(new Query(c2, true, false)).size(), "partial hosts are not complete");
        assertEquals(2, tracker.query(new Query(c2, false, false)).size());

        long future = now.get() + Tracker.FUTURE_SLACK.toNanos() / 1000 + 1;
        assertEquals("announcement dated in the future",
                tracker.add(new Announce(keys[0].publicKey(), c1, Kind.COMPLETE, future).sign(keys[0])));
        long stale = now.get() - Tracker.ANNOUNCE_TIMEOUT.toNanos() / 1000;
        assertEquals("announcement expired",
                tracker.add(new Announce(keys[0].publicKey(), c1, Kind.COMPLETE, stale).sign(keys[0])));

        now.addAndGet(Tracker.ANNOUNCE_TIMEOUT.toNanos() / 1000 + 1_000_000);
        assertEquals(0, tracker.query(new Query(c2, false, false)).size(), "expired after 12 h");
        tracker.add(new Announce(keys[0].publicKey(), c1, Kind.COMPLETE, now.get()).sign(keys[0]));
        assertEquals(1, tracker.size(), "expired entries are dropped");
    }
}
