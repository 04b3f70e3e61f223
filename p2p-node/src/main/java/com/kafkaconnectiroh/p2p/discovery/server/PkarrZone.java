package com.kafkaconnectiroh.p2p.discovery.server;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsException;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers DNS queries from stored pkarr packets, as iroh-dns-server's {@code NodeZoneHandler} does
 * (IR@v1.0.2 {@code iroh-dns-server/src/dns/node_zone_handler.rs}): a name {@code <rest>.<z32>.<origin>} is
 * looked up in the packet of key {@code <z32>}, whose records named {@code <rest>.<z32>} answer with the origin
 * appended to their owner and the packet's TTL; no packet is NXDOMAIN; a name under none of our origins is
 * REFUSED (we are not a recursive resolver); the origin itself has an SOA and an NS record. Sans-IO: query bytes
 * in, response bytes out.
 */
public final class PkarrZone {
    /** RFC 1035 §4.2.1's UDP limit, for queries without EDNS. */
    static final int CLASSIC_UDP_LIMIT = 512;
    /** What we accept and advertise with EDNS (RFC 6891 §6.2.5; 1232 avoids IP fragmentation, the DNS flag day 2020). */
    static final int EDNS_UDP_LIMIT = 1232;
    private static final int TYPE_OPT = 41;
    private static final int TYPE_ANY = 255;
    private static final long SOA_TTL = 900;

    private final List<String> origins;
    private final PacketStore store;

    /** @param origins zone names, lowercase without a trailing dot ({@code dns.iroh.link}); "" is the root */
    public PkarrZone(List<String> origins, PacketStore store) {
        List<String> normalized = new ArrayList<>();
        for (String o : origins) {
            String n = o.toLowerCase(Locale.ROOT);
            normalized.add(n.endsWith(".") ? n.substring(0, n.length() - 1) : n);
        }
        // longest first, so a sub-zone of another origin matches before it
        normalized.sort((a, b) -> b.length() - a.length());
        this.origins = List.copyOf(normalized);
        this.store = store;
    }

    public List<String> origins() {
        return origins;
    }

    /**
     * The response to {@code query}, or empty when nothing should be sent (it was a response, or not even a header).
     *
     * @param udp whether it came over UDP (responses too large for the client's limit are truncated, RFC 1035 §4.2.1)
     */
    public Optional<byte[]> answer(byte[] query, int len, boolean udp, long nowNanos) {
        DnsMessage q;
        try {
            q = DnsMessage.decode(query, 0, len);
        } catch (DnsException e) {
            if (len < 12 || (query[2] & 0x80) != 0) {
                return Optional.empty();
            }
            int id = (query[0] & 0xFF) << 8 | (query[1] & 0xFF);
            return Optional.of(reply(id, 0, DnsMessage.RCODE_FORMERR, List.of(), List.of(), List.of(), List.of()).encode(true));
        }
        if (q.isResponse()) {
            return Optional.empty();
        }
        int rd = q.flags() & DnsMessage.FLAG_RECURSION_DESIRED;
        int opcode = (q.flags() >>> 11) & 0xF;
        Integer edns = null;
        for (DnsRecord r : q.additionals()) {
            if (r.type() == TYPE_OPT) {
                edns = Math.max(CLASSIC_UDP_LIMIT, Math.min(EDNS_UDP_LIMIT, r.klass()));
            }
        }
        List<DnsRecord> opt = edns == null ? List.of()
                : List.of(new DnsRecord("", TYPE_OPT, EDNS_UDP_LIMIT, 0, new DnsRecord.Raw(new byte[0])));
        if (opcode != 0) {
            return Optional.of(reply(q.id(), rd, DnsMessage.RCODE_NOTIMP, List.of(), List.of(), List.of(), opt).encode(true));
        }
        if (q.questions().size() != 1) {
            return Optional.of(reply(q.id(), rd, DnsMessage.RCODE_FORMERR, q.questions(), List.of(), List.of(), opt).encode(true));
        }
        DnsMessage.Question question = q.questions().get(0);
        DnsMessage r = resolve(q.id(), rd, question, opt, nowNanos);
        byte[] bytes = r.encode(true);
        int limit = edns != null ? edns : CLASSIC_UDP_LIMIT;
        if (udp && bytes.length > limit) {
            bytes = reply(q.id(), rd | DnsMessage.FLAG_TRUNCATED, r.rcode(), q.questions(), List.of(), List.of(), opt).encode(true);
        }
        return Optional.of(bytes);
    }

    private DnsMessage resolve(int id, int rd, DnsMessage.Question question, List<DnsRecord> opt, long now) {
        List<DnsMessage.Question> qs = List.of(question);
        String name = question.name().toLowerCase(Locale.ROOT);
        String origin = originOf(name);
        if (origin == null) {
            return reply(id, rd, DnsMessage.RCODE_REFUSED, qs, List.of(), List.of(), opt);
        }
        List<DnsRecord> soa = List.of(soa(origin));
        String rest = origin.isEmpty() ? name : name.equals(origin) ? "" : name.substring(0, name.length() - origin.length() - 1);
        if (rest.isEmpty()) {
            List<DnsRecord> answers = new ArrayList<>();
            if (question.type() == DnsRecord.TYPE_SOA || question.type() == TYPE_ANY) {
                answers.add(soa(origin));
            }
            if (question.type() == DnsRecord.TYPE_NS || question.type() == TYPE_ANY) {
                answers.add(new DnsRecord(origin, DnsRecord.TYPE_NS, DnsRecord.CLASS_IN, SOA_TTL,
                        new DnsRecord.NameData(join("ns1", origin))));
            }
            return reply(id, rd, DnsMessage.RCODE_NOERROR, qs, answers, answers.isEmpty() ? soa : List.of(), opt);
        }
        int dot = rest.lastIndexOf('.');
        String keyLabel = rest.substring(dot + 1);
        EndpointId key;
        try {
            key = EndpointId.fromZ32(keyLabel);
        } catch (IllegalArgumentException e) {
            return reply(id, rd, DnsMessage.RCODE_NXDOMAIN, qs, List.of(), soa, opt);
        }
        Optional<SignedPacket> packet = store.get(key, now);
        if (packet.isEmpty()) {
            return reply(id, rd, DnsMessage.RCODE_NXDOMAIN, qs, List.of(), soa, opt);
        }
        List<DnsRecord> answers = new ArrayList<>();
        for (DnsRecord rr : packet.get().dns().answers()) {
            if (rr.name().toLowerCase(Locale.ROOT).equals(rest)
                    && (rr.type() == question.type() || question.type() == TYPE_ANY)) {
                answers.add(new DnsRecord(join(rr.name(), origin), rr.type(), rr.klass(), rr.ttl(), rr.data()));
            }
        }
        return reply(id, rd, DnsMessage.RCODE_NOERROR, qs, answers, answers.isEmpty() ? soa : List.of(), opt);
    }

    /** The longest origin {@code name} is in (names are compared by whole labels), or null. */
    private String originOf(String name) {
        for (String o : origins) {
            if (o.isEmpty() || name.equals(o) || name.endsWith("." + o)) {
                return o;
            }
        }
        return null;
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + "." + b;
    }

    private static DnsRecord soa(String origin) {
        return new DnsRecord(origin, DnsRecord.TYPE_SOA, DnsRecord.CLASS_IN, SOA_TTL, new DnsRecord.Soa(
                join("ns1", origin), join("hostmaster", origin), 0, 10800, 3600, 604800, 3600));
    }

    private static DnsMessage reply(int id, int flags, int rcode, List<DnsMessage.Question> qs, List<DnsRecord> answers,
                                    List<DnsRecord> authorities, List<DnsRecord> additionals) {
        int f = DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE | flags | rcode;
        return new DnsMessage(id, f, qs, answers, authorities, additionals);
    }
}
