package com.kafkaconnectiroh.p2p.discovery.server;

import com.kafkaconnectiroh.p2p.base.RateLimiter;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What iroh-dns-server is, for self-hosted and offline discovery: a pkarr relay over HTTP and a DNS server
 * answering {@code _iroh.<z32>.<origin>} TXT from the packets published to it, sharing one in-memory
 * {@link PacketStore}. {@code p2p-node dns-server} runs one.
 *
 * <pre>{@code
 * try (DiscoveryServer s = DiscoveryServer.builder().dnsBind(new InetSocketAddress("127.0.0.1", 5300))
 *         .httpBind(new InetSocketAddress("127.0.0.1", 8080)).origins(List.of("dns.iroh.link")).start()) {
 *     s.pkarrRelayUrl();   // "http://127.0.0.1:8080/pkarr": give it to publishers and resolvers
 * }
 * }</pre>
 */
public final class DiscoveryServer implements AutoCloseable {
    /** iroh's production origin: unmodified iroh nodes whose resolver asks us find our records under it. */
    public static final String DEFAULT_ORIGIN = "dns.iroh.link";

    private final PacketStore store;
    private final PkarrRelayServer relay;
    private final DnsServer dns;
    private final PkarrZone zone;

    private DiscoveryServer(Builder b) throws IOException {
        this.store = new PacketStore(b.capacity, b.maxAge.toNanos());
        this.zone = new PkarrZone(b.origins, store);
        PkarrRelayServer r = new PkarrRelayServer(b.httpBind, store,
                // iroh-dns-server's "simple" rate limit for PUTs: 4 a second, burst 2, per IP
                new RateLimiter(2, 4, 2000, 1000, 65_536),
                new RateLimiter(64, 32, 4000, 2000, 65_536));
        try {
            this.dns = new DnsServer(b.dnsBind, zone, new RateLimiter(b.dnsBurstPerIp, b.dnsPerSecondPerIp,
                    b.dnsBurstPerIp * 64, b.dnsPerSecondPerIp * 64, 65_536));
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
        this.relay = r;
    }

    public static Builder builder() {
        return new Builder();
    }

    public InetSocketAddress dnsAddress() {
        return dns.localAddress();
    }

    public InetSocketAddress httpAddress() {
        return relay.localAddress();
    }

    /** The pkarr relay's base URL, e.g. {@code http://127.0.0.1:8080/pkarr}. */
    public String pkarrRelayUrl() {
        InetSocketAddress a = httpAddress();
        if (a.getAddress().isAnyLocalAddress()) {
            a = new InetSocketAddress(InetAddress.getLoopbackAddress(), a.getPort()); // reachable from this host
        }
        return "http://" + SocketAddrs.format(a) + "/pkarr";
    }

    public List<String> origins() {
        return zone.origins();
    }

    public PacketStore store() {
        return store;
    }

    /** DNS queries answered and dropped by the rate limit; packets stored over HTTP. */
    public String stats() {
        return "dns answered " + dns.answered() + ", dns rate-limited " + dns.rateLimited() + ", packets stored "
                + relay.stored() + ", packets held " + store.size();
    }

    long dnsAnswered() {
        return dns.answered();
    }

    @Override
    public void close() {
        dns.close();
        relay.close();
    }

    public static final class Builder {
        private InetSocketAddress dnsBind = new InetSocketAddress("0.0.0.0", 5300);
        private InetSocketAddress httpBind = new InetSocketAddress("0.0.0.0", 8080);
        private List<String> origins = List.of(DEFAULT_ORIGIN);
        private int capacity = 100_000;
        private Duration maxAge = Duration.ofDays(7);
        private int dnsBurstPerIp = 64;
        private int dnsPerSecondPerIp = 32;

        /** UDP and TCP address of the DNS server; default {@code 0.0.0.0:5300} (iroh-dns-server's port). */
        public Builder dnsBind(InetSocketAddress a) {
            this.dnsBind = Objects.requireNonNull(a);
            return this;
        }

        /** HTTP address of the pkarr relay; default {@code 0.0.0.0:8080} (iroh-dns-server's port). */
        public Builder httpBind(InetSocketAddress a) {
            this.httpBind = Objects.requireNonNull(a);
            return this;
        }

        /** The zones answered, e.g. {@code dns.iroh.link}; "" or "." for names directly under the root. */
        public Builder origins(List<String> origins) {
            if (origins.isEmpty()) {
                throw new IllegalArgumentException("at least one origin is needed");
            }
            this.origins = List.copyOf(origins);
            return this;
        }

        /** Keys held at most (default 100,000, about 120 MB at the largest packets). */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /** How long a packet not published again is kept (default 7 days, as iroh-dns-server). */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = Objects.requireNonNull(maxAge);
            return this;
        }

        /** DNS queries per source IP: a burst and a rate (defaults 64 and 32/s; 64 times that in total). */
        public Builder dnsRateLimit(int burstPerIp, int perSecondPerIp) {
            this.dnsBurstPerIp = burstPerIp;
            this.dnsPerSecondPerIp = perSecondPerIp;
            return this;
        }

        public DiscoveryServer start() throws IOException {
            return new DiscoveryServer(this);
        }
    }
}
