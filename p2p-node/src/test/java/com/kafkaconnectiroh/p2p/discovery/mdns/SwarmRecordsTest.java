package com.kafkaconnectiroh.p2p.discovery.mdns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.Oracle;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsRecord;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * swarm-discovery's messages (wire map §7) both ways against npm dns-packet 5.6.1, the codec npm multicast-dns reads
 * and writes with (oracles/mdns.mjs); and what the reader refuses.
 */
class SwarmRecordsTest {
    static final EndpointId ZERO = SecretKey.fromBytes(new byte[32]).publicKey();
    /** The zero-seed key's label (wire map §9): RFC 4648 base32, lowercase, no padding. */
    static final String ZERO_LABEL = "hnvcppgow2sc2yvdvdicu3ynonsteflxdxrehjr2ybekdc2z3iuq";
    static final String V1 = SwarmRecords.serviceName(SwarmRecords.IROH_V1);

    @Test
    void theLabelIsLowercaseBase32AsIrohWritesIt() {
        assertEquals("_irohv1._udp.local", V1);
        assertEquals("_iroh.local.swarm._udp.local", SwarmRecords.serviceName(SwarmRecords.IROH_035));
        assertEquals(ZERO_LABEL, SwarmRecords.label(ZERO));
    }

    @Test
    void ourQueryDecodesWithDnsPacketAsSwarmDiscoverysPtrQuestion() throws Exception {
        JsonNode d = Oracle.run("mdns.mjs", "decode", Hex.encode(SwarmRecords.query(V1).encode(false)));
        assertEquals(0, d.get("id").asInt());
        assertEquals(0, d.get("flags").asInt());
        assertEquals("query", d.get("type").asText());
        assertEquals(1, d.get("questions").size());
        JsonNode q = d.get("questions").get(0);
        assertEquals("_irohv1._udp.local", q.get("name").asText());
        assertEquals("PTR", q.get("type").asText());
        assertEquals("IN", q.get("class").asText());
    }

    @Test
    void ourResponseDecodesWithDnsPacketInSwarmDiscoverysLayout() throws Exception {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("relay", "https://relay.example.org/");
        attrs.put("user-data", "hello");
        List<InetSocketAddress> addrs = List.of(SocketAddrs.parse("192.0.2.1:4433"), SocketAddrs.parse("[2001:db8::1]:4433"),
                SocketAddrs.parse("192.0.2.1:5000"));
        byte[] bytes = SwarmRecords.response(V1, ZERO, addrs, attrs).encode(true);
        JsonNode d = Oracle.run("mdns.mjs", "decode", Hex.encode(bytes));

        assertEquals(0, d.get("id").asInt());
        assertEquals(0x8400, d.get("flags").asInt() | 0x8000, "QR+AA"); // dns-packet keeps QR in 'type'
        assertEquals("response", d.get("type").asText());
        assertEquals(0, d.get("questions").size());
        String instance = ZERO_LABEL + "._irohv1._udp.local";
        JsonNode an = d.get("answers");
        assertEquals(3, an.size(), an.toString());
        assertSrv(an.get(0), instance, 4433, ZERO_LABEL + "-4433.local");
        assertSrv(an.get(1), instance, 5000, ZERO_LABEL + "-5000.local");
        assertEquals("TXT", an.get(2).get("type").asText());
        assertEquals(instance, an.get(2).get("name").asText());
        assertEquals("[\"relay=https://relay.example.org/\",\"user-data=hello\"]", an.get(2).get("data").toString());
        JsonNode ad = d.get("additionals");
        assertEquals(3, ad.size(), ad.toString());
        assertAddress(ad.get(0), "A", ZERO_LABEL + "-4433.local", "192.0.2.1");
        assertAddress(ad.get(1), "AAAA", ZERO_LABEL + "-4433.local", "2001:db8::1");
        assertAddress(ad.get(2), "A", ZERO_LABEL + "-5000.local", "192.0.2.1");
        for (JsonNode r : List.of(an.get(0), an.get(1), an.get(2), ad.get(0), ad.get(1), ad.get(2))) {
            assertEquals(0, r.get("ttl").asInt(), "swarm-discovery sends TTL 0: " + r);
            assertEquals("IN", r.get("class").asText(), r.toString());
            assertEquals(false, r.get("flush").asBoolean(), "no cache-flush bit (swarm-discovery wants class IN): " + r);
        }
    }

    private static void assertSrv(JsonNode r, String name, int port, String target) {
        assertEquals("SRV", r.get("type").asText(), r.toString());
        assertEquals(name, r.get("name").asText());
        assertEquals(0, r.get("data").get("priority").asInt());
        assertEquals(0, r.get("data").get("weight").asInt());
        assertEquals(port, r.get("data").get("port").asInt());
        assertEquals(target, r.get("data").get("target").asText());
    }

    private static void assertAddress(JsonNode r, String type, String name, String ip) {
        assertEquals(type, r.get("type").asText(), r.toString());
        assertEquals(name, r.get("name").asText());
        assertEquals(ip, r.get("data").asText());
    }

    @Test
    void anAnnouncementDnsPacketEncodesInIrohsFormatIsLearned() throws Exception {
        JsonNode p = Oracle.run("mdns.mjs", "announce-bytes", V1, ZERO_LABEL, "4433", "192.0.2.7");
        DnsMessage m = DnsMessage.decode(Hex.decode(p.get("packet").asText()));
        SwarmRecords.Announcements a = assertInstanceOf(SwarmRecords.Announcements.class, SwarmRecords.parse(m, V1));
        assertEquals(1, a.peers().size());
        SwarmRecords.Announcement peer = a.peers().get(0);
        assertEquals(ZERO, peer.id());
        assertEquals(List.of(SocketAddrs.parse("192.0.2.7:4433")), peer.addrs());
        assertEquals("from-multicast-dns", peer.userData());
        assertNull(peer.relay());
        // the same packet means nothing to the 0.35 swarm
        assertEquals(List.of(), ((SwarmRecords.Announcements) SwarmRecords.parse(m,
                SwarmRecords.serviceName(SwarmRecords.IROH_035))).peers());
    }

    @Test
    void ourResponseReadsBackWithEveryAddressAndAttribute() throws Exception {
        List<InetSocketAddress> addrs = List.of(SocketAddrs.parse("10.0.0.2:7000"), SocketAddrs.parse("[fd00::2]:7000"));
        byte[] b = SwarmRecords.response(V1, ZERO, addrs, Map.of("relay", "https://r.example/")).encode(true);
        SwarmRecords.Announcement a = only(SwarmRecords.parse(DnsMessage.decode(b), V1));
        assertEquals(addrs, a.addrs());
        assertEquals("https://r.example/", a.relay());
    }

    @Test
    void aQueryIsAQueryWhateverElseThePacketHolds() throws Exception {
        DnsMessage withAnswers = new DnsMessage(0, 0, List.of(new DnsMessage.Question(V1, DnsRecord.TYPE_PTR, 1)),
                responseOf(ZERO, "192.0.2.1:1").answers(), List.of(), responseOf(ZERO, "192.0.2.1:1").additionals());
        assertInstanceOf(SwarmRecords.Query.class, SwarmRecords.parse(withAnswers, V1));
        // QU bit, other type or other service: not our query
        for (DnsMessage.Question q : List.of(new DnsMessage.Question(V1, DnsRecord.TYPE_PTR, 0x8001),
                new DnsMessage.Question(V1, DnsRecord.TYPE_TXT, 1),
                new DnsMessage.Question("_other._udp.local", DnsRecord.TYPE_PTR, 1))) {
            assertInstanceOf(SwarmRecords.Ignored.class, SwarmRecords.parse(DnsMessage.query(0, 0, q), V1), q.toString());
        }
        // names compare without case (RFC 1035 §2.3.3)
        assertInstanceOf(SwarmRecords.Query.class, SwarmRecords.parse(SwarmRecords.query("_IROHv1._UDP.local"), V1));
    }

    @Test
    void recordsThatSwarmDiscoveryWouldNotReadAreRefused() throws Exception {
        DnsMessage good = responseOf(ZERO, "192.0.2.1:4433");
        assertEquals(1, peersIn(good).size());

        // cache-flush bit on the SRV: swarm-discovery drops records not exactly class IN
        assertEquals(0, peersIn(withAnswerClass(good, 0x8001)).size());
        // an instance label that is no endpoint id
        assertEquals(0, peersIn(renamed(good, ZERO_LABEL, "1".repeat(52))).size());
        assertEquals(0, peersIn(renamed(good, ZERO_LABEL, "printer")).size());
        // no address for the SRV target: dropped
        DnsMessage noAddrs = new DnsMessage(0, 0x8400, List.of(), good.answers(), List.of(), List.of());
        assertEquals(0, peersIn(noAddrs).size());
        // an additional not named <x>.local does not count
        List<DnsRecord> elsewhere = List.of(DnsRecord.address(ZERO_LABEL + "-4433.example", 0, InetAddress.getByName("192.0.2.1")));
        assertEquals(0, peersIn(new DnsMessage(0, 0x8400, List.of(), good.answers(), List.of(), elsewhere)).size());
        // two labels under the service are not an instance
        assertEquals(0, peersIn(renamed(good, ZERO_LABEL + "._irohv1", "x." + ZERO_LABEL + "._irohv1")).size());
    }

    @Test
    void onePeerKeepsAtMostSixteenAddresses() throws Exception {
        List<InetSocketAddress> many = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            many.add(SocketAddrs.parse("10.1.0." + i + ":9"));
        }
        DnsMessage m = SwarmRecords.response(V1, ZERO, many, Map.of());
        assertEquals(SwarmRecords.MAX_ADDRS_PER_PEER, only(SwarmRecords.parse(DnsMessage.decode(m.encode(true)), V1)).addrs().size());
    }

    // ---------------------------------------------------------------------------------------------------------

    static DnsMessage responseOf(EndpointId id, String addr) {
        return SwarmRecords.response(V1, id, List.of(SocketAddrs.parse(addr)), Map.of());
    }

    private static List<SwarmRecords.Announcement> peersIn(DnsMessage m) throws Exception {
        // through the wire, as a receiver sees it
        SwarmRecords.Parsed p = SwarmRecords.parse(DnsMessage.decode(m.encode(false)), V1);
        return p instanceof SwarmRecords.Announcements a ? a.peers() : List.of();
    }

    private static SwarmRecords.Announcement only(SwarmRecords.Parsed p) {
        SwarmRecords.Announcements a = assertInstanceOf(SwarmRecords.Announcements.class, p);
        assertEquals(1, a.peers().size(), a.toString());
        return a.peers().get(0);
    }

    private static DnsMessage withAnswerClass(DnsMessage m, int klass) {
        List<DnsRecord> answers = new ArrayList<>();
        for (DnsRecord r : m.answers()) {
            answers.add(new DnsRecord(r.name(), r.type(), klass, r.ttl(), r.data()));
        }
        return new DnsMessage(m.id(), m.flags(), m.questions(), answers, m.authorities(), m.additionals());
    }

    /** {@code m} with {@code from} replaced by {@code to} in every owner name and SRV target. */
    static DnsMessage renamed(DnsMessage m, String from, String to) {
        List<DnsRecord> answers = new ArrayList<>();
        for (DnsRecord r : m.answers()) {
            DnsRecord.Rdata data = r.data() instanceof DnsRecord.Srv s
                    ? new DnsRecord.Srv(s.priority(), s.weight(), s.port(), s.target().replace(from, to)) : r.data();
            answers.add(new DnsRecord(r.name().replace(from, to), r.type(), r.klass(), r.ttl(), data));
        }
        List<DnsRecord> additionals = new ArrayList<>();
        for (DnsRecord r : m.additionals()) {
            additionals.add(new DnsRecord(r.name().replace(from, to), r.type(), r.klass(), r.ttl(), r.data()));
        }
        assertTrue(!answers.equals(m.answers()) || from.equals(to), "nothing renamed");
        return new DnsMessage(m.id(), m.flags(), m.questions(), answers, m.authorities(), additionals);
    }
}
