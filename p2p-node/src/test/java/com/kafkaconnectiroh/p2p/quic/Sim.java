package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientSession;
import com.kafkaconnectiroh.p2p.tls.TlsServerConfig;
import com.kafkaconnectiroh.p2p.tls.TlsServerSession;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A deterministic network simulator: endpoints exchange datagrams through a seeded lossy, reordering,
 * duplicating, delaying network, and a fake clock jumps from one deadline (delivery or connection timer) to the
 * next. Real TLS sessions run on both sides.
 */
final class Sim {
    static final byte[] ALPN = "kci-test/1".getBytes(StandardCharsets.US_ASCII);

    /** One UDP socket's worth: an endpoint at an address. */
    final class Node {
        final String name;
        InetSocketAddress addr;
        final QuicEndpoint endpoint;
        final SecretKey key;
        final List<QuicConnection> accepted = new ArrayList<>();
        /** Datagrams this node sent, for tests that tamper. */
        long datagramsOut;
        /** The source address of datagrams to a destination, if not {@link #addr} (a node on several networks). */
        final Map<InetSocketAddress, InetSocketAddress> sourceFor = new HashMap<>();

        Node(String name, InetSocketAddress addr, QuicEndpoint endpoint, SecretKey key) {
            this.name = name;
            this.addr = addr;
            this.endpoint = endpoint;
            this.key = key;
        }
    }

    private record InFlight(long at, long seq, InetSocketAddress from, InetSocketAddress to, byte[] data) {
    }

    final Random rnd;
    long now = 1_000_000_000L;
    double loss;
    double duplicate;
    double reorder;
    long delay = 10_000_000L; // one-way
    /** One-way delay per (from, to), or null for {@link #delay} everywhere. */
    java.util.function.ToLongBiFunction<InetSocketAddress, InetSocketAddress> linkDelay;
    long jitter;
    /** Drops or rewrites datagrams before the network sees them; return null to drop. */
    DatagramFilter filter = (from, to, data) -> data;
    /** Told of every transmit (one send: possibly several datagrams of one GSO batch), if set. */
    java.util.function.Consumer<Transmit> transmits;
    private final PriorityQueue<InFlight> network = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long seq;
    final Map<InetSocketAddress, Node> nodes = new HashMap<>();
    /** Further addresses of nodes (e.g. behind a simulated relay). */
    private final Map<InetSocketAddress, Node> aliases = new HashMap<>();
    final List<Consumer<Sim>> apps = new ArrayList<>();
    private final ByteBuffer out = ByteBuffer.allocate(64 * 1500);
    long delivered;
    long dropped;
    long steps;
    private int frozenSteps;

    interface DatagramFilter {
        byte[] apply(InetSocketAddress from, InetSocketAddress to, byte[] data);
    }

    Sim(long seed) {
        rnd = new Random(seed);
    }

    Node server(TransportConfig tc) {
        return server(tc, new EndpointConfig(), 4433);
    }

    Node server(TransportConfig tc, EndpointConfig ec, int port) {
        SecretKey key = SecretKey.fromBytes(seedBytes());
        TlsServerConfig tls = new TlsServerConfig(key, List.of(ALPN)).withRandom(new Random(rnd.nextLong()));
        InetSocketAddress addr = new InetSocketAddress("10.0.0.1", port);
        QuicEndpoint ep = new QuicEndpoint(ec, tc, tp -> new TlsServerSession(tls, tp), new Random(rnd.nextLong()));
        Node n = new Node("server", addr, ep, key);
        nodes.put(addr, n);
        return n;
    }

    Node client(TransportConfig tc, int port) {
        SecretKey key = SecretKey.fromBytes(seedBytes());
        InetSocketAddress addr = new InetSocketAddress("10.0.0.2", port);
        QuicEndpoint ep = new QuicEndpoint(new EndpointConfig(), tc, null, new Random(rnd.nextLong()));
        Node n = new Node("client", addr, ep, key);
        nodes.put(addr, n);
        return n;
    }

    QuicConnection connect(Node client, Node server, TransportConfig tc) {
        return connect(client, server, tc, null);
    }

    /** Dials offering only {@code suite} (null: the default list). */
    QuicConnection connect(Node client, Node server, TransportConfig tc, com.kafkaconnectiroh.p2p.tls.CipherSuite suite) {
        return connect(client, server, server.addr, tc, suite);
    }

    /** Dials {@code server} at {@code to} (one of its addresses). */
    QuicConnection connect(Node client, Node server, InetSocketAddress to, TransportConfig tc,
                           com.kafkaconnectiroh.p2p.tls.CipherSuite suite) {
        TlsClientConfig base = new TlsClientConfig(client.key, server.key.publicKey(), List.of(ALPN))
                .withRandom(new Random(rnd.nextLong()));
        TlsClientConfig tls = suite == null ? base : base.withCipherSuites(suite);
        return client.endpoint.connect(now, to, tp -> new TlsClientSession(tls, tp), tc);
    }

    private byte[] seedBytes() {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return b;
    }

    /** {@code n} is reachable at {@code addr} too. */
    void alias(Node n, InetSocketAddress addr) {
        aliases.put(addr, n);
    }

    /** Moves a node to a new address (NAT rebinding); datagrams in flight to the old one are lost. */
    void rebind(Node n, InetSocketAddress addr) {
        nodes.remove(n.addr);
        n.addr = addr;
        nodes.put(addr, n);
    }

    /** Sends everything every connection and endpoint has to send now. */
    void flush() {
        for (Node n : new ArrayList<>(nodes.values())) {
            out.clear();
            Transmit t;
            while ((t = n.endpoint.pollTransmit(out)) != null) {
                emit(n, t);
                out.clear();
            }
            for (QuicConnection c : new ArrayList<>(n.endpoint.connections())) {
                int guard = 0;
                while (true) {
                    out.clear();
                    t = c.pollTransmit(now, out, 8);
                    if (t == null) {
                        break;
                    }
                    if (++guard > 5_000) {
                        throw new AssertionError(c + " keeps transmitting at one instant: " + t + " " + c.stats());
                    }
                    emit(n, t);
                }
            }
        }
    }

    private void emit(Node from, Transmit t) {
        if (transmits != null) {
            transmits.accept(t);
        }
        byte[] all = new byte[t.size()];
        out.flip();
        out.get(all);
        for (int off = 0; off < t.size(); off += t.segmentSize()) {
            int len = Math.min(t.segmentSize(), t.size() - off);
            byte[] d = java.util.Arrays.copyOfRange(all, off, off + len);
            from.datagramsOut++;
            InetSocketAddress src = from.sourceFor.getOrDefault(t.destination(), from.addr);
            d = filter.apply(src, t.destination(), d);
            if (d == null || rnd.nextDouble() < loss) {
                dropped++;
                continue;
            }
            long oneWay = linkDelay == null ? delay : linkDelay.applyAsLong(src, t.destination());
            long at = now + oneWay + (jitter > 0 ? (long) (rnd.nextDouble() * jitter) : 0);
            if (rnd.nextDouble() < reorder) {
                at += delay / 2 + (long) (rnd.nextDouble() * delay);
            }
            network.add(new InFlight(at, seq++, src, t.destination(), d));
            if (rnd.nextDouble() < duplicate) {
                network.add(new InFlight(at + (long) (rnd.nextDouble() * delay), seq++, src, t.destination(),
                        d.clone()));
            }
        }
    }

    /** Injects a datagram as if {@code from} sent it. */
    void inject(InetSocketAddress from, InetSocketAddress to, byte[] data) {
        injectAt(now, from, to, data);
    }

    void injectAt(long at, InetSocketAddress from, InetSocketAddress to, byte[] data) {
        network.add(new InFlight(at, seq++, from, to, data));
    }

    /** One event: deliver the next datagrams or fire the next timers, then let applications and senders run. */
    boolean step() {
        steps++;
        runApps();
        flush();
        long next = network.isEmpty() ? Long.MAX_VALUE : network.peek().at;
        for (Node n : nodes.values()) {
            for (QuicConnection c : n.endpoint.connections()) {
                next = Math.min(next, c.pollTimeout());
            }
        }
        if (next == Long.MAX_VALUE) {
            return false;
        }
        if (next <= now && (network.isEmpty() || network.peek().at > now)) {
            // a timer that is due again right after being handled would freeze the clock
            if (++frozenSteps > 10_000) {
                throw new AssertionError("time does not advance: a connection keeps a past deadline at " + now);
            }
        } else {
            frozenSteps = 0;
        }
        now = Math.max(now, next);
        while (!network.isEmpty() && network.peek().at <= now) {
            InFlight f = network.poll();
            Node n = nodes.getOrDefault(f.to, aliases.get(f.to));
            if (n == null) {
                dropped++;
                continue;
            }
            delivered++;
            QuicConnection c = n.endpoint.handleDatagram(now, f.from, ByteBuffer.wrap(f.data));
            QuicConnection inc;
            while ((inc = n.endpoint.pollIncoming()) != null) {
                n.accepted.add(inc);
            }
        }
        for (Node n : nodes.values()) {
            for (QuicConnection c : new ArrayList<>(n.endpoint.connections())) {
                if (c.pollTimeout() <= now) {
                    c.handleTimeout(now);
                }
            }
        }
        runApps();
        flush();
        return true;
    }

    /** Runs every app; apps added meanwhile (e.g. a reader for a just-accepted stream) run in the same round. */
    void runApps() {
        int done = 0;
        while (done < apps.size()) {
            List<Consumer<Sim>> batch = new ArrayList<>(apps.subList(done, apps.size()));
            int before = apps.size();
            if (done == 0) {
                batch = new ArrayList<>(apps);
            }
            for (Consumer<Sim> app : batch) {
                app.accept(this);
            }
            done = before;
        }
    }

    /** Steps until {@code done} holds; fails after {@code maxNanos} of simulated time or when nothing can happen. */
    void runUntil(BooleanSupplier done, long maxNanos) {
        long deadline = now + maxNanos;
        while (!done.getAsBoolean()) {
            if (now > deadline) {
                throw new AssertionError("condition not reached within " + maxNanos / 1_000_000 + " ms simulated");
            }
            if (!step()) {
                if (done.getAsBoolean()) {
                    return;
                }
                throw new AssertionError("simulation went quiet before the condition held");
            }
        }
    }

    /** Steps for {@code nanos} of simulated time (or until nothing can happen). */
    void runFor(long nanos) {
        long end = now + nanos;
        while (now < end) {
            runApps();
            flush();
            long next = network.isEmpty() ? Long.MAX_VALUE : network.peek().at;
            for (Node n : nodes.values()) {
                for (QuicConnection c : n.endpoint.connections()) {
                    next = Math.min(next, c.pollTimeout());
                }
            }
            if (next > end) {
                now = end;
                runApps();
                flush();
                return;
            }
            step();
        }
    }
}
