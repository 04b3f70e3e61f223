package com.kafkaconnectiroh.p2p.discovery.dns;

import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A stub resolver for the lookups discovery makes: one question to the configured nameservers over UDP, asked
 * again on iroh 1.x's stagger (IR@v1.0.2 {@code iroh-dns/src/dns.rs}: 200, 300, 600, 1000, 2000, 3000 ms after
 * the first) until an answer comes or the timeout (iroh 1.x: 3 s) passes; a truncated answer is asked again over
 * TCP (RFC 7766). Only answers from an asked server, with our random ID and our question, count (RFC 5452).
 */
public final class DnsResolver {
    static final long[] STAGGER_MILLIS = {200, 300, 600, 1000, 2000, 3000};
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<InetSocketAddress> nameservers;
    private final Duration timeout;

    public DnsResolver(List<InetSocketAddress> nameservers, Duration timeout) {
        this.nameservers = List.copyOf(nameservers);
        this.timeout = timeout;
    }

    /** The nameservers of {@code /etc/resolv.conf} (as hickory's {@code read_system_conf}), port 53. */
    public static List<InetSocketAddress> systemNameservers() {
        List<InetSocketAddress> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"), StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length >= 2 && parts[0].equals("nameserver")) {
                    String ip = parts[1];
                    int pct = ip.indexOf('%');
                    byte[] raw = ip.contains(":") ? SocketAddrs.parseIpv6(pct >= 0 ? ip.substring(0, pct) : ip) : SocketAddrs.parseIpv4(ip);
                    if (raw != null) {
                        out.add(new InetSocketAddress(InetAddress.getByAddress(raw), 53));
                    }
                }
            }
        } catch (IOException e) {
            // no resolv.conf: no nameservers
        }
        return out;
    }

    public List<InetSocketAddress> nameservers() {
        return nameservers;
    }

    /**
     * The answers to {@code type name}: the records of the answer section (empty for NXDOMAIN or no data).
     *
     * @throws IOException no server answered in time, or every one answered with an error
     */
    public List<DnsRecord> lookup(String name, int type) throws IOException {
        if (nameservers.isEmpty()) {
            throw new IOException("no nameserver to ask for " + name + " (/etc/resolv.conf lists none; name one)");
        }
        int id = RANDOM.nextInt(0x10000);
        DnsMessage.Question question = new DnsMessage.Question(name, type, DnsRecord.CLASS_IN);
        byte[] query = DnsMessage.query(id, DnsMessage.FLAG_RECURSION_DESIRED, question).encode(false);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String lastError = null;
        try (DatagramChannel ch = DatagramChannel.open(); Selector sel = Selector.open()) {
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(65535);
            int sends = 0;
            while (true) {
                long now = System.nanoTime();
                long sinceStart = (now - start) / 1_000_000;
                if (sends == 0 || (sends <= STAGGER_MILLIS.length && sinceStart >= STAGGER_MILLIS[sends - 1])) {
                    for (InetSocketAddress ns : nameservers) {
                        ch.send(ByteBuffer.wrap(query), ns);
                    }
                    sends++;
                }
                if (now >= deadline) {
                    throw new SocketTimeoutException("no DNS answer for " + name + " from " + nameservers + " within "
                            + timeout.toMillis() + " ms" + (lastError != null ? " (last: " + lastError + ")" : ""));
                }
                long nextSend = sends <= STAGGER_MILLIS.length ? start + STAGGER_MILLIS[sends - 1] * 1_000_000 : deadline;
                long waitMillis = Math.max(1, (Math.min(nextSend, deadline) - now) / 1_000_000);
                if (sel.select(waitMillis) == 0) {
                    if (Thread.interrupted()) {
                        throw new InterruptedIOException("DNS lookup interrupted");
                    }
                    continue;
                }
                sel.selectedKeys().clear();
                InetSocketAddress from;
                while ((from = (InetSocketAddress) ch.receive(in.clear())) != null) {
                    if (!nameservers.contains(from)) {
                        continue;
                    }
                    DnsMessage m;
                    try {
                        m = DnsMessage.decode(in.array(), 0, in.position());
                    } catch (DnsException e) {
                        lastError = from + ": " + e.getMessage();
                        continue;
                    }
                    if (m.id() != id || !m.isResponse() || !sameQuestion(m, question)) {
                        continue;
                    }
                    if ((m.flags() & DnsMessage.FLAG_TRUNCATED) != 0) {
                        m = overTcp(from, query, id, question, deadline);
                    }
                    if (m.rcode() == DnsMessage.RCODE_NOERROR || m.rcode() == DnsMessage.RCODE_NXDOMAIN) {
                        return answersOf(m, type);
                    }
                    lastError = from + " answered rcode " + m.rcode();
                }
            }
        }
    }

    private static boolean sameQuestion(DnsMessage m, DnsMessage.Question q) {
        if (m.questions().size() != 1) {
            return false;
        }
        DnsMessage.Question a = m.questions().get(0);
        return a.type() == q.type() && a.name().toLowerCase(Locale.ROOT).equals(strip(q.name()).toLowerCase(Locale.ROOT));
    }

    private static String strip(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static List<DnsRecord> answersOf(DnsMessage m, int type) {
        List<DnsRecord> out = new ArrayList<>();
        for (DnsRecord r : m.answers()) {
            if (r.type() == type) {
                out.add(r);
            }
        }
        return out;
    }

    private static DnsMessage overTcp(InetSocketAddress server, byte[] query, int id, DnsMessage.Question q, long deadline)
            throws IOException {
        int millis = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        try (Socket s = new Socket()) {
            s.connect(server, millis);
            s.setSoTimeout(millis);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            DnsMessage m = DnsMessage.decode(answer);
            if (m.id() != id || !sameQuestion(m, q)) {
                throw new IOException("DNS over TCP from " + server + " answered another question");
            }
            return m;
        } catch (DnsException e) {
            throw new IOException("DNS over TCP from " + server + ": " + e.getMessage());
        }
    }
}
