package com.kafkaconnectiroh.p2p.discovery.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One resource record (RFC 1035 §4.1.3): owner name, type, class, TTL and its data, decoded for the types
 * discovery uses (TXT, A, AAAA, SRV, PTR, NS, SOA) and kept raw otherwise. Names are dotted, without the
 * trailing dot of the root ({@code _iroh.abc.example.org}); the root itself is the empty string.
 *
 * @param klass the 16-bit class field as sent: IN is 1; mDNS puts its cache-flush bit (0x8000) here
 */
public record DnsRecord(String name, int type, int klass, long ttl, Rdata data) {
    public static final int TYPE_A = 1;
    public static final int TYPE_NS = 2;
    public static final int TYPE_SOA = 6;
    public static final int TYPE_PTR = 12;
    public static final int TYPE_TXT = 16;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_SRV = 33;
    public static final int CLASS_IN = 1;

    public DnsRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        if (ttl < 0 || ttl > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("TTL must fit 32 bits, got " + ttl);
        }
    }

    /** A TXT record in class IN with one character-string per value (each at most 255 bytes). */
    public static DnsRecord txt(String name, long ttl, List<String> strings) {
        List<byte[]> raw = new ArrayList<>();
        for (String s : strings) {
            raw.add(s.getBytes(StandardCharsets.UTF_8));
        }
        return new DnsRecord(name, TYPE_TXT, CLASS_IN, ttl, new Txt(raw));
    }

    public static DnsRecord address(String name, long ttl, InetAddress ip) {
        return new DnsRecord(name, ip instanceof Inet4Address ? TYPE_A : TYPE_AAAA, CLASS_IN, ttl, new Address(ip));
    }

    public static DnsRecord ptr(String name, long ttl, String target) {
        return new DnsRecord(name, TYPE_PTR, CLASS_IN, ttl, new NameData(target));
    }

    public static DnsRecord srv(String name, long ttl, int priority, int weight, int port, String target) {
        return new DnsRecord(name, TYPE_SRV, CLASS_IN, ttl, new Srv(priority, weight, port, target));
    }

    /** Class with mDNS's cache-flush / unicast-response bit masked off (RFC 6762 §10.2, §5.4). */
    public int classCode() {
        return klass & 0x7FFF;
    }

    /** The TXT strings as text (UTF-8), empty for other types. */
    public List<String> txtStrings() {
        if (!(data instanceof Txt t)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(t.strings().size());
        for (byte[] s : t.strings()) {
            out.add(new String(s, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** What a record carries. */
    public sealed interface Rdata permits Txt, Address, Srv, NameData, Soa, Raw {
    }

    /** TXT (RFC 1035 §3.3.14): one or more character-strings of at most 255 bytes. */
    public record Txt(List<byte[]> strings) implements Rdata {
        public Txt {
            strings = List.copyOf(strings);
            for (byte[] s : strings) {
                if (s.length > 255) {
                    throw new IllegalArgumentException("a TXT character-string holds at most 255 bytes, got " + s.length);
                }
            }
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Txt t) || t.strings.size() != strings.size()) {
                return false;
            }
            for (int i = 0; i < strings.size(); i++) {
                if (!Arrays.equals(strings.get(i), t.strings.get(i))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (byte[] s : strings) {
                h = 31 * h + Arrays.hashCode(s);
            }
            return h;
        }
    }

    /** A (RFC 1035 §3.4.1) or AAAA (RFC 3596). */
    public record Address(InetAddress ip) implements Rdata {
        public Address {
            if (!(ip instanceof Inet4Address) && !(ip instanceof Inet6Address)) {
                throw new IllegalArgumentException("not an IP address: " + ip);
            }
        }
    }

    /** SRV (RFC 2782). */
    public record Srv(int priority, int weight, int port, String target) implements Rdata {
    }

    /** PTR or NS: a single domain name. */
    public record NameData(String target) implements Rdata {
    }

    /** SOA (RFC 1035 §3.3.13). */
    public record Soa(String mname, String rname, long serial, long refresh, long retry, long expire, long minimum)
            implements Rdata {
    }

    /** Any other type, as received. */
    public record Raw(byte[] bytes) implements Rdata {
        @Override
        public boolean equals(Object o) {
            return o instanceof Raw r && Arrays.equals(bytes, r.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
