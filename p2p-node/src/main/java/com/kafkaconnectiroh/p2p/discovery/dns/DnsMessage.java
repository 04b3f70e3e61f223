package com.kafkaconnectiroh.p2p.discovery.dns;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A DNS message (RFC 1035 §4.1), enough for discovery: pkarr's packets, iroh's TXT lookups, our DNS server's
 * answers and swarm-discovery's mDNS. Immutable lists; {@link #encode(boolean)} writes it with or without name
 * compression (RFC 1035 §4.1.4), {@link #decode(byte[])} reads either, refusing anything malformed.
 *
 * <p>Decoding is bounded: names at most 255 bytes and 127 labels, compression pointers only backwards (so no
 * loops), record counts checked against the bytes left, so a hostile packet costs at most its own size.
 */
public record DnsMessage(int id, int flags, List<Question> questions, List<DnsRecord> answers,
                         List<DnsRecord> authorities, List<DnsRecord> additionals) {
    /** QR: a response. */
    public static final int FLAG_RESPONSE = 0x8000;
    /** AA: an authoritative answer. */
    public static final int FLAG_AUTHORITATIVE = 0x0400;
    /** TC: truncated. */
    public static final int FLAG_TRUNCATED = 0x0200;
    /** RD: recursion desired. */
    public static final int FLAG_RECURSION_DESIRED = 0x0100;
    public static final int RCODE_NOERROR = 0;
    public static final int RCODE_FORMERR = 1;
    public static final int RCODE_SERVFAIL = 2;
    public static final int RCODE_NXDOMAIN = 3;
    public static final int RCODE_NOTIMP = 4;
    public static final int RCODE_REFUSED = 5;

    private static final int HEADER = 12;
    private static final int MAX_NAME_BYTES = 255;

    public DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
    }

    /** A question (RFC 1035 §4.1.2). {@code klass} as sent (mDNS's QU bit is 0x8000). */
    public record Question(String name, int type, int klass) {
    }

    public static DnsMessage query(int id, int flags, Question q) {
        return new DnsMessage(id, flags, List.of(q), List.of(), List.of(), List.of());
    }

    public int rcode() {
        return flags & 0xF;
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    // ================================================================================================
    // Encoding

    /**
     * The wire bytes. With {@code compress}, an owner name (and the name in PTR, NS and SOA data) that ends in a
     * name already written points to it, as simple-dns's {@code build_bytes_vec_compressed} does for pkarr.
     */
    public byte[] encode(boolean compress) {
        Writer w = new Writer(compress);
        w.u16(id);
        w.u16(flags);
        w.u16(questions.size());
        w.u16(answers.size());
        w.u16(authorities.size());
        w.u16(additionals.size());
        for (Question q : questions) {
            w.name(q.name(), true);
            w.u16(q.type());
            w.u16(q.klass());
        }
        for (List<DnsRecord> section : List.of(answers, authorities, additionals)) {
            for (DnsRecord r : section) {
                w.record(r);
            }
        }
        return w.out.toByteArray();
    }

    private static final class Writer {
        final Bytes out = new Bytes();
        final Map<String, Integer> suffixes;

        Writer(boolean compress) {
            suffixes = compress ? new HashMap<>() : null;
        }

        void u8(int v) {
            out.write(v);
        }

        void u16(int v) {
            out.write(v >>> 8);
            out.write(v);
        }

        void u32(long v) {
            u16((int) (v >>> 16) & 0xFFFF);
            u16((int) v & 0xFFFF);
        }

        void name(String name, boolean mayCompress) {
            String[] labels = labels(name);
            for (int i = 0; i < labels.length; i++) {
                if (suffixes != null && mayCompress) {
                    String suffix = String.join(".", java.util.Arrays.copyOfRange(labels, i, labels.length))
                            .toLowerCase(Locale.ROOT);
                    Integer at = suffixes.get(suffix);
                    if (at != null) {
                        u16(0xC000 | at);
                        return;
                    }
                    if (out.size() < 0x3FFF) {
                        suffixes.put(suffix, out.size());
                    }
                }
                byte[] l = labels[i].getBytes(StandardCharsets.UTF_8);
                u8(l.length);
                out.writeBytes(l);
            }
            u8(0);
        }

        void record(DnsRecord r) {
            name(r.name(), true);
            u16(r.type());
            u16(r.klass());
            u32(r.ttl());
            int lengthAt = out.size();
            u16(0); // patched below
            int start = out.size();
            DnsRecord.Rdata d = r.data();
            if (d instanceof DnsRecord.Txt t) {
                if (t.strings().isEmpty()) {
                    u8(0); // RFC 1035: at least one (possibly empty) string
                }
                for (byte[] s : t.strings()) {
                    u8(s.length);
                    out.writeBytes(s);
                }
            } else if (d instanceof DnsRecord.Address a) {
                out.writeBytes(a.ip().getAddress());
            } else if (d instanceof DnsRecord.Srv s) {
                u16(s.priority());
                u16(s.weight());
                u16(s.port());
                name(s.target(), false); // RFC 2782: the target is not compressed
            } else if (d instanceof DnsRecord.NameData n) {
                name(n.target(), true);
            } else if (d instanceof DnsRecord.Soa s) {
                name(s.mname(), true);
                name(s.rname(), true);
                u32(s.serial());
                u32(s.refresh());
                u32(s.retry());
                u32(s.expire());
                u32(s.minimum());
            } else {
                out.writeBytes(((DnsRecord.Raw) d).bytes());
            }
            out.patchU16(lengthAt, out.size() - start);
        }
    }

    /** Splits a dotted name into labels, checking RFC 1035's limits (63 bytes a label, 255 in all). */
    static String[] labels(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty()) {
            return new String[0];
        }
        String[] labels = n.split("\\.", -1);
        int total = 1;
        for (String l : labels) {
            int len = l.getBytes(StandardCharsets.UTF_8).length;
            if (len == 0 || len > 63) {
                throw new IllegalArgumentException("DNS label must be 1..63 bytes, got " + len + " in '" + name + "'");
            }
            total += len + 1;
        }
        if (total > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("DNS name longer than 255 bytes: '" + name + "'");
        }
        return labels;
    }

    /** A byte buffer whose written bytes can be patched (RDLENGTH is known only after the data). */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(512);
        }

        void patchU16(int at, int v) {
            buf[at] = (byte) (v >>> 8);
            buf[at + 1] = (byte) v;
        }
    }

    // ================================================================================================
    // Decoding

    public static DnsMessage decode(byte[] bytes) throws DnsException {
        return decode(bytes, 0, bytes.length);
    }

    public static DnsMessage decode(byte[] bytes, int off, int len) throws DnsException {
        Reader r = new Reader(bytes, off, len);
        if (len < HEADER) {
            throw new DnsException("DNS message of " + len + " bytes is shorter than its 12-byte header");
        }
        int id = r.u16();
        int flags = r.u16();
        int qd = r.u16();
        int an = r.u16();
        int ns = r.u16();
        int ar = r.u16();
        // Each question takes at least 5 bytes, each record at least 11: counts the bytes cannot hold are lies.
        if ((long) qd * 5 + (long) (an + ns + ar) * 11 > r.remaining()) {
            throw new DnsException("DNS header announces " + qd + " questions and " + (an + ns + ar)
                    + " records, more than " + r.remaining() + " bytes can hold");
        }
        List<Question> questions = new ArrayList<>(qd);
        for (int i = 0; i < qd; i++) {
            questions.add(new Question(r.name(), r.u16(), r.u16()));
        }
        List<DnsRecord> answers = r.records(an);
        List<DnsRecord> authorities = r.records(ns);
        List<DnsRecord> additionals = r.records(ar);
        if (r.remaining() != 0) {
            throw new DnsException(r.remaining() + " bytes after the last record of a DNS message");
        }
        return new DnsMessage(id, flags, questions, answers, authorities, additionals);
    }

    private static final class Reader {
        final byte[] b;
        final int start;
        final int end;
        int p;

        Reader(byte[] b, int off, int len) {
            this.b = b;
            this.start = off;
            this.end = off + len;
            this.p = off;
        }

        int remaining() {
            return end - p;
        }

        void need(int n, String what) throws DnsException {
            if (end - p < n) {
                throw new DnsException("DNS message ends inside " + what + " (needs " + n + " bytes, " + (end - p) + " left)");
            }
        }

        int u8() throws DnsException {
            need(1, "a field");
            return b[p++] & 0xFF;
        }

        int u16() throws DnsException {
            need(2, "a field");
            int v = (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
            p += 2;
            return v;
        }

        long u32() throws DnsException {
            return (long) u16() << 16 | u16();
        }

        String name() throws DnsException {
            StringBuilder sb = new StringBuilder();
            int at = p;
            int resumeAt = -1;
            int total = 1;
            // every pointer must go strictly backwards from where it was found, so the walk ends
            int limit = p;
            while (true) {
                if (at >= end) {
                    throw new DnsException("DNS name runs past the end of the message");
                }
                int len = b[at] & 0xFF;
                if ((len & 0xC0) == 0xC0) {
                    if (at + 1 >= end) {
                        throw new DnsException("DNS compression pointer cut off");
                    }
                    int target = start + ((len & 0x3F) << 8 | (b[at + 1] & 0xFF));
                    if (target >= limit) {
                        throw new DnsException("DNS compression pointer to offset " + (target - start)
                                + " does not point backwards");
                    }
                    if (resumeAt < 0) {
                        resumeAt = at + 2;
                    }
                    limit = target;
                    at = target;
                    continue;
                }
                if ((len & 0xC0) != 0) {
                    throw new DnsException("unsupported DNS label type 0x" + Integer.toHexString(len));
                }
                if (len == 0) {
                    p = resumeAt >= 0 ? resumeAt : at + 1;
                    return sb.toString();
                }
                if (at + 1 + len > end) {
                    throw new DnsException("DNS label runs past the end of the message");
                }
                total += len + 1;
                if (total > MAX_NAME_BYTES) {
                    throw new DnsException("DNS name longer than 255 bytes");
                }
                if (sb.length() > 0) {
                    sb.append('.');
                }
                String label = new String(b, at + 1, len, StandardCharsets.UTF_8);
                // names are dotted strings: a label holding a dot, or bytes that are not UTF-8 (which would come
                // back longer), could not be written again as it came, so answering it would fail; refused here
                if (label.indexOf('.') >= 0 || label.getBytes(StandardCharsets.UTF_8).length != len) {
                    throw new DnsException("DNS label with a dot or not UTF-8 at offset " + (at - start));
                }
                sb.append(label);
                at += 1 + len;
            }
        }

        List<DnsRecord> records(int n) throws DnsException {
            List<DnsRecord> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(record());
            }
            return out;
        }

        DnsRecord record() throws DnsException {
            String name = name();
            int type = u16();
            int klass = u16();
            long ttl = u32();
            int rdlen = u16();
            need(rdlen, "record data");
            int rdEnd = p + rdlen;
            DnsRecord.Rdata data;
            switch (type) {
                case DnsRecord.TYPE_TXT -> {
                    List<byte[]> strings = new ArrayList<>();
                    while (p < rdEnd) {
                        int l = b[p++] & 0xFF;
                        if (p + l > rdEnd) {
                            throw new DnsException("TXT character-string runs past its record");
                        }
                        strings.add(java.util.Arrays.copyOfRange(b, p, p + l));
                        p += l;
                    }
                    data = new DnsRecord.Txt(strings);
                }
                case DnsRecord.TYPE_A, DnsRecord.TYPE_AAAA -> {
                    int want = type == DnsRecord.TYPE_A ? 4 : 16;
                    if (rdlen != want) {
                        throw new DnsException((type == DnsRecord.TYPE_A ? "A" : "AAAA") + " record of " + rdlen
                                + " bytes (expected " + want + ")");
                    }
                    try {
                        data = new DnsRecord.Address(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, p, p + want)));
                    } catch (UnknownHostException e) {
                        throw new DnsException(e.getMessage());
                    }
                    p += want;
                }
                case DnsRecord.TYPE_SRV -> data = new DnsRecord.Srv(u16(), u16(), u16(), name());
                case DnsRecord.TYPE_PTR, DnsRecord.TYPE_NS -> data = new DnsRecord.NameData(name());
                case DnsRecord.TYPE_SOA -> data = new DnsRecord.Soa(name(), name(), u32(), u32(), u32(), u32(), u32());
                default -> {
                    data = new DnsRecord.Raw(java.util.Arrays.copyOfRange(b, p, rdEnd));
                    p = rdEnd;
                }
            }
            if (p != rdEnd) {
                throw new DnsException("record data of type " + type + " is " + rdlen + " bytes but its content took "
                        + (p - (rdEnd - rdlen)));
            }
            return new DnsRecord(name, type, klass, ttl, data);
        }
    }
}
