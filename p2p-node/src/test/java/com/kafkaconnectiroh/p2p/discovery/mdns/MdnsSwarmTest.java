package com.kafkaconnectiroh.p2p.discovery.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsException;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The core on a simulated link with a simulated clock (seeded, so each run is the same): every datagram reaches
 * every node, the sender too (multicast loopback). Swarm behaviour, expiry, the bounds and hostile packets.
 */
class MdnsSwarmTest {
    static final long SECOND = 1_000_000_000L;
    static final List<String> BOTH = List.of(SwarmRecords.IROH_V1, SwarmRecords.IROH_035);

    /** Nodes on one simulated link. */
    static final class Link {
        final Random random = new Random(42);
        final List<MdnsSwarm> nodes = new ArrayList<>();
        final List<EndpointId> ids = new ArrayList<>();
        final List<List<MdnsEvent>> events = new ArrayList<>();
        final Set<Integer> stopped = new HashSet<>();
        long now = 1000 * SECOND;
        int queries;
        int responses;

        int add(List<String> swarms) {
            EndpointId id = SecretKey.generate().publicKey();
            MdnsSwarm s = new MdnsSwarm(id, swarms, 256, new Random(random.nextLong()), now);
            int i = nodes.size();
            s.announce(List.of(addrOf(i)), Map.of("user-data", "node" + i));
            nodes.add(s);
            ids.add(id);
            events.add(new ArrayList<>());
            return i;
        }

        static InetSocketAddress addrOf(int i) {
            return SocketAddrs.parse("10.0.0." + (i + 2) + ":" + (7000 + i));
        }

        void runFor(Duration d) {
            long end = now + d.toNanos();
            while (true) {
                long next = Long.MAX_VALUE;
                for (int i = 0; i < nodes.size(); i++) {
                    if (!stopped.contains(i)) {
                        next = Math.min(next, nodes.get(i).nextTimeout());
                    }
                }
                if (next > end) {
                    now = end;
                    return;
                }
                now = Math.max(now, next);
                for (int i = 0; i < nodes.size(); i++) {
                    if (!stopped.contains(i) && nodes.get(i).nextTimeout() <= now) {
                        nodes.get(i).onTimeout(now);
                    }
                }
                deliverAll();
            }
        }

        void deliverAll() {
            boolean more = true;
            while (more) {
                more = false;
                for (int i = 0; i < nodes.size(); i++) {
                    if (stopped.contains(i)) {
                        continue;
                    }
                    for (MdnsSwarm.Transmit t; (t = nodes.get(i).pollTransmit()) != null; ) {
                        more = true;
                        if ((t.bytes()[2] & 0x80) != 0) {
                            responses++;
                        } else {
                            queries++;
                        }
                        for (int j = 0; j < nodes.size(); j++) {
                            if (!stopped.contains(j)) {
                                nodes.get(j).handle(t.bytes(), 0, t.bytes().length, now);
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < nodes.size(); i++) {
                for (MdnsEvent e; (e = nodes.get(i).pollEvent()) != null; ) {
                    events.get(i).add(e);
                }
            }
        }
    }

    @Test
    void nodesOnOneLinkFindEachOthersAddressesAndAttributesWithinSeconds() {
        Link link = new Link();
        for (int i = 0; i < 5; i++) {
            link.add(BOTH);
        }
        link.runFor(Duration.ofSeconds(4));
        for (int i = 0; i < 5; i++) {
            MdnsSwarm s = link.nodes.get(i);
            assertEquals(4, s.peers().size(), "node " + i + " knows " + s.peers());
            for (int j = 0; j < 5; j++) {
                if (j != i) {
                    MdnsPeer p = s.peer(link.ids.get(j)).orElseThrow();
                    assertEquals(List.of(Link.addrOf(j)), p.addrs());
                    assertEquals("node" + j, p.userData());
                }
            }
            assertTrue(s.peer(link.ids.get(i)).isEmpty(), "a node does not list itself");
        }
    }

    @Test
    void aLargeSwarmAnswersEachQueryWithAFewResponsesNotOneFromEveryNode() {
        Link link = new Link();
        for (int i = 0; i < 20; i++) {
            link.add(List.of(SwarmRecords.IROH_V1));
        }
        link.runFor(Duration.ofSeconds(60));
        assertTrue(link.queries > 10, "queries " + link.queries);
        double perQuery = (double) link.responses / link.queries;
        // swarm-discovery's cutoff (2): everyone else stays quiet once two answered; 20 would answer without it
        assertTrue(perQuery < 5, "responses per query " + perQuery + " (" + link.responses + "/" + link.queries + ")");
        for (int i = 0; i < 20; i++) {
            assertEquals(19, link.nodes.get(i).peers().size(), "node " + i);
        }
    }

    @Test
    void livePeersNeverExpireAndAStoppedOneDoesAfterItsGracePeriod() {
        Link link = new Link();
        for (int i = 0; i < 6; i++) {
            link.add(BOTH);
        }
        link.runFor(Duration.ofSeconds(60));
        for (int i = 0; i < 6; i++) {
            for (MdnsEvent e : link.events.get(i)) {
                if (e instanceof MdnsEvent.Expired) {
                    fail("node " + i + " expired a live peer: " + e);
                }
            }
            assertEquals(5, link.events.get(i).size(), "one Discovered per peer, republishes are quiet: " + link.events.get(i));
        }
        link.stopped.add(5);
        link.runFor(MdnsSwarm.MIN_KEEP.minusMillis(100));
        assertTrue(link.nodes.get(0).peer(link.ids.get(5)).isPresent(), "kept at least " + MdnsSwarm.MIN_KEEP);
        link.runFor(Duration.ofSeconds(15));
        for (int i = 0; i < 5; i++) {
            assertTrue(link.nodes.get(i).peer(link.ids.get(5)).isEmpty(), "node " + i);
            assertTrue(link.events.get(i).contains(new MdnsEvent.Expired(link.ids.get(5))), "node " + i);
            assertEquals(4, link.nodes.get(i).peers().size());
        }
    }

    @Test
    void swarmsOfTheTwoIrohVersionsDoNotSeeEachOtherButANodeInBothSeesBoth() {
        Link link = new Link();
        int v1 = link.add(List.of(SwarmRecords.IROH_V1));
        int v035 = link.add(List.of(SwarmRecords.IROH_035));
        int both = link.add(BOTH);
        link.runFor(Duration.ofSeconds(5));
        assertEquals(Set.of(link.ids.get(both)), ids(link.nodes.get(v1).peers()));
        assertEquals(Set.of(link.ids.get(both)), ids(link.nodes.get(v035).peers()));
        assertEquals(Set.of(link.ids.get(v1), link.ids.get(v035)), ids(link.nodes.get(both).peers()));
        assertEquals(SwarmRecords.IROH_V1, link.nodes.get(both).peer(link.ids.get(v1)).orElseThrow().swarm());
        assertEquals(SwarmRecords.IROH_035, link.nodes.get(both).peer(link.ids.get(v035)).orElseThrow().swarm());
    }

    @Test
    void thePeerTableKeepsItsBoundAndSaysWhomItForgot() throws Exception {
        MdnsSwarm s = new MdnsSwarm(SecretKey.generate().publicKey(), BOTH, 8, new Random(1), 0);
        List<EndpointId> sent = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 50; i++) {
            EndpointId id = SecretKey.generate().publicKey();
            sent.add(id);
            byte[] b = SwarmRecordsTest.responseOf(id, "10.9.0.1:" + (1000 + i)).encode(true);
            now += SECOND / 10;
            s.handle(b, 0, b.length, now);
        }
        assertEquals(8, s.peers().size());
        assertEquals(Set.copyOf(sent.subList(42, 50)), ids(s.peers()), "the most recently heard stay");
        int expired = 0;
        for (MdnsEvent e; (e = s.pollEvent()) != null; ) {
            expired += e instanceof MdnsEvent.Expired ? 1 : 0;
        }
        assertEquals(42, expired);
    }

    @Test
    void aQueryFloodGetsAtMostFourAnswersASecond() {
        MdnsSwarm s = new MdnsSwarm(SecretKey.generate().publicKey(), List.of(SwarmRecords.IROH_V1), 8, new Random(1), 0);
        s.announce(List.of(SocketAddrs.parse("10.0.0.2:7000")), Map.of());
        byte[] q = SwarmRecords.query(SwarmRecords.serviceName(SwarmRecords.IROH_V1)).encode(false);
        int answers = 0;
        for (long t = 0; t < 10 * SECOND; t += SECOND / 150) { // 150 queries a second, under the packet limit
            s.handle(q, 0, q.length, t);
            if (s.nextTimeout() <= t) {
                s.onTimeout(t);
            }
            for (MdnsSwarm.Transmit x; (x = s.pollTransmit()) != null; ) {
                answers += (x.bytes()[2] & 0x80) != 0 ? 1 : 0;
            }
        }
        assertTrue(answers <= 41, "answers in 10 s: " + answers);
        assertTrue(answers >= 10, "it still answers: " + answers);
    }

    @Test
    void aPacketFloodIsReadAtTheRateLimitAndTheRestCounted() {
        MdnsSwarm s = new MdnsSwarm(SecretKey.generate().publicKey(), BOTH, 8, new Random(1), 0);
        byte[] junk = new byte[20];
        for (int i = 0; i < 10_000; i++) {
            s.handle(junk, 0, junk.length, 1000);
        }
        assertEquals(MdnsSwarm.PACKETS_PER_SECOND, s.packetsRefused());
        assertEquals(10_000 - MdnsSwarm.PACKETS_PER_SECOND, s.packetsDropped());
    }

    @Test
    void hostilePacketsNeverThrowAndAreCountedOrIgnored() throws Exception {
        Random r = new Random(7);
        MdnsSwarm s = new MdnsSwarm(SecretKey.generate().publicKey(), BOTH, 16, new Random(1), 0);
        byte[] good = SwarmRecords.response(SwarmRecords.serviceName(SwarmRecords.IROH_V1), SwarmRecordsTest.ZERO,
                List.of(SocketAddrs.parse("192.0.2.1:4433"), SocketAddrs.parse("[2001:db8::1]:4433")),
                Map.of("relay", "https://relay.example.org/", "user-data", "x")).encode(true);
        byte[] query = SwarmRecords.query(SwarmRecords.serviceName(SwarmRecords.IROH_035)).encode(false);
        long t = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] seed = r.nextBoolean() ? good : query;
            byte[] b;
            switch (r.nextInt(4)) {
                case 0 -> { // bit flips
                    b = seed.clone();
                    for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> b = java.util.Arrays.copyOf(seed, r.nextInt(seed.length + 1)); // truncated
                case 2 -> { // random bytes behind a plausible header
                    b = new byte[r.nextInt(1600)];
                    r.nextBytes(b);
                }
                default -> { // a valid packet with random bytes spliced in
                    b = seed.clone();
                    int at = r.nextInt(b.length);
                    for (int k = at; k < Math.min(b.length, at + 8); k++) {
                        b[k] = (byte) r.nextInt(256);
                    }
                }
            }
            try {
                DnsMessage.decode(b);
            } catch (DnsException expected) {
                // refused with a reason: fine
            } catch (RuntimeException e) {
                fail("decode threw " + e + " on " + com.kafkaconnectiroh.p2p.base.Hex.encode(b));
            }
            t += SECOND / 100; // under the rate limit: every packet is parsed
            s.handle(b, 0, b.length, t);
            if (s.nextTimeout() <= t) {
                s.onTimeout(t);
            }
            while (s.pollTransmit() != null) {
                // drained
            }
            while (s.pollEvent() != null) {
                // drained
            }
        }
        assertTrue(s.packetsRefused() > 10_000, "refused " + s.packetsRefused());
        assertEquals(0, s.packetsDropped());
        assertTrue(s.peers().size() <= 16);
    }

    private static Set<EndpointId> ids(List<MdnsPeer> peers) {
        Set<EndpointId> out = new HashSet<>();
        peers.forEach(p -> out.add(p.id()));
        return out;
    }
}
