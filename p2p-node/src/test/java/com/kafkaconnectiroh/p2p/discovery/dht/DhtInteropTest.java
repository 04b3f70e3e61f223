package com.kafkaconnectiroh.p2p.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.Oracle;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Our DHT nodes in one loopback DHT with npm bittorrent-dht nodes (oracles/dht.mjs, an independent BEP 5 + BEP 44
 * implementation), bootstrapped from each other: BEP 44 items and BEP 5 announces travel both ways. In the mixed
 * swarm either side may have stored a value, so the {@code pair…} tests also run one Java node with one
 * bittorrent-dht node that know only each other: there the value can only have been stored and served by the other
 * implementation.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhtInteropTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final int ORACLE_NODES = 3;

    private Oracle oracle;
    private final List<DhtNode> java = new ArrayList<>();
    private Oracle pairOracle;
    private DhtNode pairJava;

    @BeforeAll
    void startSwarm() throws Exception {
        oracle = Oracle.start(List.of(), "dht.mjs", String.valueOf(ORACLE_NODES));
        JsonNode ready = oracle.next(WAIT);
        List<InetSocketAddress> seeds = new ArrayList<>();
        for (JsonNode n : ready.get("nodes")) {
            seeds.add(new InetSocketAddress("127.0.0.1", n.get("port").asInt()));
        }
        for (int i = 0; i < 4; i++) {
            List<InetSocketAddress> bootstrap = new ArrayList<>(seeds);
            java.forEach(j -> bootstrap.add(j.localAddress()));
            java.add(DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0)).bootstrap(bootstrap)
                    .queryTimeout(Duration.ofSeconds(3)).start());
        }
        for (DhtNode j : java) {
            assertTrue(j.bootstrap().get(WAIT.toSeconds(), TimeUnit.SECONDS) > 0, "Java node joined nobody");
            for (int i = 0; i < ORACLE_NODES; i++) {
                call(Map.of("op", "addNode", "node", i, "host", "127.0.0.1", "port", j.localAddress().getPort()));
            }
        }
    }

    @BeforeAll
    void startPair() throws Exception {
        // This time bittorrent-dht bootstraps from us: our node starts alone, theirs joins through it.
        pairJava = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0)).bootstrap(List.of())
                .queryTimeout(Duration.ofSeconds(3)).start();
        pairOracle = Oracle.start(List.of(), "dht.mjs", "1", "127.0.0.1:" + pairJava.localAddress().getPort());
        pairOracle.next(WAIT);
        assertEquals(1, pairOracle.call(Map.of("op", "nodes"), WAIT).get("count").asInt());
        assertEquals(1, pairJava.routingTableSize(), "bittorrent-dht's bootstrap queries made it our contact");
    }

    @AfterAll
    void stopSwarm() {
        if (pairJava != null) {
            pairJava.close();
        }
        if (pairOracle != null) {
            pairOracle.close();
        }
        java.forEach(DhtNode::close);
        if (oracle != null) {
            oracle.close();
        }
    }

    private JsonNode call(Map<String, Object> command) throws Exception {
        return oracle.call(command, WAIT);
    }

    private static byte[] seed() {
        byte[] s = new byte[32];
        new SecureRandom().nextBytes(s);
        return s;
    }

    @Test
    void ourPkarrPutIsReadByBittorrentDht() throws Exception {
        SecretKey key = SecretKey.fromBytes(seed());
        EndpointAddr addr = EndpointAddr.of(key.publicKey(), null, List.of(new InetSocketAddress("192.0.2.7", 4433)));
        SignedPacket packet = IrohRecord.of(addr).sign(key, 1_700_000_000_000_001L, IrohRecord.DEFAULT_TTL);
        int stored = java.get(1).publish(packet).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(stored >= 1, "stored on " + stored);

        String target = MutableItem.target(key.publicKey(), new byte[0]).toHex();
        JsonNode got = call(Map.of("op", "get", "node", 2, "target", target));
        assertTrue(got.path("found").asBoolean(), got.toString());
        assertEquals(packet.timestampMicros(), got.get("seq").asLong());
        assertEquals(Hex.encode(packet.dnsBytes()), got.get("v").asText());
        assertEquals(key.publicKey().toHex(), got.get("k").asText());
    }

    @Test
    void bittorrentDhtPutIsResolvedByUsAsAnIrohRecord() throws Exception {
        byte[] seed = seed();
        SecretKey key = SecretKey.fromBytes(seed);
        EndpointAddr addr = EndpointAddr.of(key.publicKey(), null, List.of(new InetSocketAddress("192.0.2.9", 7000)));
        byte[] dns = IrohRecord.of(addr).dnsPacket(IrohRecord.DEFAULT_TTL);
        long seq = 1_700_000_000_000_002L;
        JsonNode put = call(Map.of("op", "put", "node", 0, "seed", Hex.encode(seed), "seq", seq, "v", Hex.encode(dns)));
        assertTrue(put.path("stored").asInt() >= 1, put.toString());

        Optional<SignedPacket> found = java.get(3).resolve(key.publicKey()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(found.isPresent(), "our node found no packet for " + key.publicKey());
        assertEquals(seq, found.get().timestampMicros());
        assertEquals(addr.ipAddrs(), IrohRecord.fromSignedPacket(found.get()).toEndpointAddr().ipAddrs());
    }

    @Test
    void announcesTravelBothWays() throws Exception {
        byte[] blob = seed(); // any 32 bytes stand in for a BLAKE3 hash
        Id20 ih = DhtNode.contentKey(blob);
        assertTrue(java.get(2).announce(ih, 4433).get(WAIT.toSeconds(), TimeUnit.SECONDS) >= 1);
        JsonNode peers = call(Map.of("op", "lookup", "node", 1, "infoHash", ih.toHex()));
        assertTrue(peers.get("peers").toString().contains("\"127.0.0.1:4433\""), peers.toString());

        Id20 other = Id20.random();
        JsonNode ann = call(Map.of("op", "announce", "node", 0, "infoHash", other.toHex(), "port", 5555));
        assertTrue(ann.path("ok").asBoolean(), ann.toString());
        List<InetSocketAddress> found = java.get(0).getPeers(other).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(found.contains(new InetSocketAddress("127.0.0.1", 5555)), found.toString());
    }

    @Test
    void pairTheyStoreAndServeOurItemAndAnnounce() throws Exception {
        SecretKey key = SecretKey.fromBytes(seed());
        EndpointAddr addr = EndpointAddr.of(key.publicKey(), null, List.of(new InetSocketAddress("192.0.2.8", 4433)));
        SignedPacket packet = IrohRecord.of(addr).sign(key, 1_700_000_000_000_003L, IrohRecord.DEFAULT_TTL);
        int before = pairJava.storedItems();
        assertEquals(1, pairJava.publish(packet).get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(before, pairJava.storedItems(), "stored on the bittorrent-dht node, not on ourselves");
        assertEquals(Optional.of(packet), pairJava.resolve(key.publicKey()).get(WAIT.toSeconds(), TimeUnit.SECONDS));

        Id20 ih = Id20.random();
        assertEquals(1, pairJava.announce(ih, 6000).get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 6000)), pairJava.getPeers(ih).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void pairWeStoreAndServeTheirItemAndAnnounce() throws Exception {
        byte[] seed = seed();
        SecretKey key = SecretKey.fromBytes(seed);
        int before = pairJava.storedItems();
        JsonNode put = pairOracle.call(Map.of("op", "put", "seed", Hex.encode(seed), "seq", 42, "v", "68656c6c6f"), WAIT);
        assertEquals(1, put.path("stored").asInt(), put.toString());
        assertEquals(before + 1, pairJava.storedItems());
        JsonNode got = pairOracle.call(Map.of("op", "get", "target", MutableItem.target(key.publicKey(), new byte[0]).toHex()), WAIT);
        assertTrue(got.path("found").asBoolean(), got.toString());
        assertEquals(42, got.get("seq").asLong());
        assertEquals("68656c6c6f", got.get("v").asText());

        Id20 ih = Id20.random();
        assertTrue(pairOracle.call(Map.of("op", "announce", "infoHash", ih.toHex(), "port", 6001), WAIT).path("ok").asBoolean());
        JsonNode peers = pairOracle.call(Map.of("op", "lookup", "infoHash", ih.toHex()), WAIT);
        assertEquals("[\"127.0.0.1:6001\"]", peers.get("peers").toString());
    }

    @Test
    void findProvidersKeepsOurEndpointsAndSkipsPlainBittorrentPeers() throws Exception {
        byte[] blob = seed();
        JsonNode ann = call(Map.of("op", "announce", "node", 1, "infoHash", DhtNode.contentKey(blob).toHex(), "port", 7777));
        assertTrue(ann.path("ok").asBoolean(), ann.toString());
        SecretKey key = SecretKey.fromBytes(seed());
        EndpointAddr addr = EndpointAddr.of(key.publicKey(), null, List.of(new InetSocketAddress("192.0.2.11", 4433)));
        java.get(2).serveRecord(IrohRecord.of(addr).sign(key, 1_700_000_000_000_004L, IrohRecord.DEFAULT_TTL));
        assertTrue(java.get(2).announceProvider(blob).get(WAIT.toSeconds(), TimeUnit.SECONDS) >= 1);

        assertEquals(2, java.get(0).getPeers(DhtNode.contentKey(blob)).get(WAIT.toSeconds(), TimeUnit.SECONDS).size(),
                "the bittorrent-dht peer and ours are both under the info-hash");
        assertEquals(List.of(addr), java.get(0).findProviders(blob).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void sha1OfTheBlobHashIsTheContentKey() {
        // n0's vector for its content-discovery experiment (wire map §8(c)): SHA-1 of 32 zero bytes.
        assertEquals("de8a847bff8c343d69b853a215e6ee775ef2ef96", DhtNode.contentKey(new byte[32]).toHex());
    }
}
