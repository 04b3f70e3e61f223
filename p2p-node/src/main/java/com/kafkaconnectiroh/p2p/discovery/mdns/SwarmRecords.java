package com.kafkaconnectiroh.p2p.discovery.mdns;

import com.kafkaconnectiroh.p2p.base.Base32;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsRecord;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The mDNS messages of swarm-discovery, the crate behind iroh's local-network discovery (wire map §7; SD
 * {@code src/sender.rs::{make_query, make_response}}, {@code src/receiver.rs::handle_msg}), built and read without
 * I/O.
 *
 * <ul>
 *   <li>Query: ID 0, flags 0, one question {@code PTR IN _<name>._udp.local}.</li>
 *   <li>Response: ID 0, QR+AA, no question, every TTL 0. Answers: per port one {@code SRV <label>.<service>}
 *       (priority 0, weight 0, target {@code <label>-<port>.local}) and, with attributes, one
 *       {@code TXT <label>.<service>} of {@code key=value} strings; additionals: {@code A}/{@code AAAA} of each
 *       address under its port's target. {@code <label>} is the endpoint id in lowercase RFC 4648 base32
 *       (52 characters), not z-base-32.</li>
 *   <li>Class is exactly IN: no cache-flush or unicast-response bit (swarm-discovery drops anything else).</li>
 * </ul>
 *
 * Reading follows swarm-discovery's receiver: a message with a matching question is a query, whatever else it
 * holds; otherwise answers whose name is one label under the service give ports (SRV) and attributes (TXT), and
 * additionals named {@code <x>.local} give the addresses of the SRV records whose target they name. Labels that
 * are not an endpoint id in base32 (iroh's {@code PublicKey::from_str} also takes 64 hex characters, which no DNS
 * label can hold) and peers without an address are dropped; so are records of other classes, types or services.
 * Case is ignored in names (RFC 1035 §2.3.3).
 */
public final class SwarmRecords {
    /** iroh ≥ 0.93 and 1.x ({@code iroh-mdns-address-lookup::N0_SERVICE_NAME}). */
    public static final String IROH_V1 = "irohv1";
    /** iroh 0.35 ({@code iroh/src/discovery/mdns.rs::N0_LOCAL_SWARM}). */
    public static final String IROH_035 = "iroh.local.swarm";
    /** iroh's TXT keys ({@code RELAY_URL_ATTRIBUTE}, {@code USER_DATA_ATTRIBUTE}). */
    public static final String ATTR_RELAY = "relay";
    public static final String ATTR_USER_DATA = "user-data";
    /** The most addresses one peer's entry keeps (a hostile packet could list hundreds). */
    public static final int MAX_ADDRS_PER_PEER = 16;

    private static final String LOCAL = "local";

    private SwarmRecords() {
    }

    /** {@code _<name>._udp.local}: the DNS-SD service name swarm-discovery forms (SD {@code lib.rs::spawn}). */
    public static String serviceName(String name) {
        return "_" + name + "._udp." + LOCAL;
    }

    /** The instance label of {@code id}: lowercase base32 without padding (wire map §1). */
    public static String label(EndpointId id) {
        return Base32.STANDARD.encode(id.toBytes()).toLowerCase(Locale.ROOT);
    }

    /** The query swarm-discovery sends: {@code PTR IN <service>}. */
    public static DnsMessage query(String service) {
        return DnsMessage.query(0, 0, new DnsMessage.Question(service, DnsRecord.TYPE_PTR, DnsRecord.CLASS_IN));
    }

    /**
     * A response announcing {@code id} at {@code addrs} (one SRV per port, its IPs as A/AAAA under
     * {@code <label>-<port>.local}) with {@code attributes} as TXT (none: no TXT record).
     */
    public static DnsMessage response(String service, EndpointId id, List<InetSocketAddress> addrs,
                                      Map<String, String> attributes) {
        String label = label(id);
        String instance = label + "." + service;
        Map<Integer, List<InetAddress>> byPort = new LinkedHashMap<>();
        for (InetSocketAddress a : addrs) {
            byPort.computeIfAbsent(a.getPort(), p -> new ArrayList<>()).add(a.getAddress());
        }
        List<DnsRecord> answers = new ArrayList<>();
        List<DnsRecord> additionals = new ArrayList<>();
        for (Map.Entry<Integer, List<InetAddress>> e : byPort.entrySet()) {
            String target = label + "-" + e.getKey() + "." + LOCAL;
            answers.add(DnsRecord.srv(instance, 0, 0, 0, e.getKey(), target));
            for (InetAddress ip : e.getValue()) {
                additionals.add(DnsRecord.address(target, 0, ip));
            }
        }
        if (!attributes.isEmpty()) {
            List<String> strings = new ArrayList<>();
            attributes.forEach((k, v) -> strings.add(v == null ? k : k + "=" + v));
            answers.add(DnsRecord.txt(instance, 0, strings));
        }
        return new DnsMessage(0, DnsMessage.FLAG_RESPONSE | DnsMessage.FLAG_AUTHORITATIVE, List.of(), answers,
                List.of(), additionals);
    }

    /** What a message means to a swarm of {@code service}. */
    public sealed interface Parsed permits Query, Announcements, Ignored {
    }

    /** Someone asks who is there: a response round starts. */
    public record Query() implements Parsed {
    }

    /** Peers announced in one response (possibly none, e.g. all without an address). */
    public record Announcements(List<Announcement> peers) implements Parsed {
    }

    /** Nothing for this service. */
    public record Ignored() implements Parsed {
    }

    /** One peer's announcement: its id, addresses and TXT attributes (first value per key; null for a flag). */
    public record Announcement(EndpointId id, List<InetSocketAddress> addrs, Map<String, String> attributes) {
        public Announcement {
            addrs = List.copyOf(addrs);
            attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }

        /** The {@code relay=} attribute, if any. */
        public String relay() {
            return attributes.get(ATTR_RELAY);
        }

        public String userData() {
            return attributes.get(ATTR_USER_DATA);
        }
    }

    /** Reads {@code m} as swarm-discovery's receiver does for {@code service} (see the class comment). */
    public static Parsed parse(DnsMessage m, String service) {
        for (DnsMessage.Question q : m.questions()) {
            if (q.klass() == DnsRecord.CLASS_IN && q.type() == DnsRecord.TYPE_PTR && sameName(q.name(), service)) {
                return new Query();
            }
        }
        if (m.answers().isEmpty()) {
            return new Ignored();
        }
        String suffix = "." + service;
        Map<String, List<Port>> ports = new LinkedHashMap<>();
        Map<String, Map<String, String>> txt = new LinkedHashMap<>();
        for (DnsRecord r : m.answers()) {
            if (r.klass() != DnsRecord.CLASS_IN) {
                continue;
            }
            String name = r.name();
            int at = name.length() - suffix.length();
            if (at <= 0 || !name.regionMatches(true, at, suffix, 0, suffix.length())) {
                continue;
            }
            String label = name.substring(0, name.length() - suffix.length());
            if (label.indexOf('.') >= 0) {
                continue; // not one label under the service
            }
            label = label.toLowerCase(Locale.ROOT);
            if (r.data() instanceof DnsRecord.Srv srv) {
                ports.computeIfAbsent(srv.target().toLowerCase(Locale.ROOT), t -> new ArrayList<>())
                        .add(new Port(srv.port(), label));
            } else if (r.type() == DnsRecord.TYPE_TXT) {
                Map<String, String> attrs = txt.computeIfAbsent(label, l -> new LinkedHashMap<>());
                for (String s : r.txtStrings()) {
                    if (s.isEmpty()) {
                        continue;
                    }
                    int eq = s.indexOf('=');
                    String key = eq < 0 ? s : s.substring(0, eq);
                    attrs.putIfAbsent(key, eq < 0 ? null : s.substring(eq + 1));
                }
            }
        }
        if (ports.isEmpty()) {
            return new Announcements(List.of());
        }
        Map<String, Set<InetSocketAddress>> addrs = new LinkedHashMap<>();
        for (DnsRecord r : m.additionals()) {
            if (r.klass() != DnsRecord.CLASS_IN || !(r.data() instanceof DnsRecord.Address a)) {
                continue;
            }
            String name = r.name().toLowerCase(Locale.ROOT);
            int dot = name.indexOf('.');
            if (dot <= 0 || !name.substring(dot + 1).equals(LOCAL)) {
                continue;
            }
            for (Port p : ports.getOrDefault(name, List.of())) {
                Set<InetSocketAddress> set = addrs.computeIfAbsent(p.label(), l -> new LinkedHashSet<>());
                if (set.size() < MAX_ADDRS_PER_PEER) {
                    set.add(new InetSocketAddress(a.ip(), p.port()));
                }
            }
        }
        List<Announcement> out = new ArrayList<>();
        for (Map.Entry<String, Set<InetSocketAddress>> e : addrs.entrySet()) {
            EndpointId id = endpointId(e.getKey());
            if (id != null && !e.getValue().isEmpty()) {
                out.add(new Announcement(id, new ArrayList<>(e.getValue()), txt.getOrDefault(e.getKey(), Map.of())));
            }
        }
        return new Announcements(out);
    }

    /** An SRV record's port and the instance label it belongs to, filed under its (lowercase) target. */
    private record Port(int port, String label) {
    }

    /** The endpoint id a base32 label names, or null. */
    static EndpointId endpointId(String label) {
        if (label.length() != 52) {
            return null;
        }
        try {
            return EndpointId.parse(label);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean sameName(String a, String b) {
        return stripDot(a).equalsIgnoreCase(stripDot(b));
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
