package com.kafkaconnectiroh.p2p.base;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * How to reach an endpoint: its id plus relay URLs, direct IP addresses and (iroh 1.x only) custom-transport
 * addresses. Immutable. Each kind is kept in the order Rust's {@code BTreeSet} keeps it, so encoding is
 * byte-identical to iroh's.
 *
 * <p>Two wire layouts (postcard):
 * <ul>
 * <li>iroh 1.x {@code EndpointAddr{id, addrs: BTreeSet<TransportAddr>}} with {@code TransportAddr} =
 * {@code Relay(url)=0 | Ip(SocketAddr)=1 | Custom(CustomAddr)=2}, ordered by variant first (IR@v1.0.2
 * {@code iroh-base/src/endpoint_addr.rs}): {@link #writeTo}, {@link #readFrom};</li>
 * <li>iroh 0.35 {@code NodeAddr{node_id, relay_url: Option<RelayUrl>, direct_addresses: BTreeSet<SocketAddr>}}
 * (IR@v0.35.0 {@code iroh-base/src/node_addr.rs}): {@link #writeNodeAddrTo}, {@link #readNodeAddrFrom}. It has room
 * for one relay and no custom addresses: encoding keeps the first relay and drops custom addresses.</li>
 * </ul>
 * A {@code SocketAddr} is {@code V4=0 ‖ 4 bytes ‖ varint port} or {@code V6=1 ‖ 16 bytes ‖ varint port} (serde's
 * compact form; no flow info, no scope id).
 */
public final class EndpointAddr {
    private static final int TRANSPORT_RELAY = 0;
    private static final int TRANSPORT_IP = 1;
    private static final int TRANSPORT_CUSTOM = 2;

    private final EndpointId id;
    private final SortedSet<RelayUrl> relayUrls;
    private final SortedSet<InetSocketAddress> ipAddrs;
    private final SortedSet<CustomAddr> customAddrs;

    private EndpointAddr(EndpointId id, SortedSet<RelayUrl> relayUrls, SortedSet<InetSocketAddress> ipAddrs, SortedSet<CustomAddr> customAddrs) {
        this.id = Objects.requireNonNull(id, "endpoint id");
        this.relayUrls = Collections.unmodifiableSortedSet(relayUrls);
        this.ipAddrs = Collections.unmodifiableSortedSet(ipAddrs);
        this.customAddrs = Collections.unmodifiableSortedSet(customAddrs);
    }

    public static EndpointAddr of(EndpointId id) {
        return builder(id).build();
    }

    /** @param relayUrl may be null */
    public static EndpointAddr of(EndpointId id, RelayUrl relayUrl, Collection<InetSocketAddress> ipAddrs) {
        Builder b = builder(id).ipAddrs(ipAddrs);
        if (relayUrl != null) {
            b.relayUrl(relayUrl);
        }
        return b.build();
    }

    public static Builder builder(EndpointId id) {
        return new Builder(id);
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.relays.addAll(relayUrls);
        b.ips.addAll(ipAddrs);
        b.customs.addAll(customAddrs);
        return b;
    }

    public EndpointId id() {
        return id;
    }

    /** The home relay: the first relay URL in order (iroh has at most one in practice). */
    public Optional<RelayUrl> relayUrl() {
        return relayUrls.isEmpty() ? Optional.empty() : Optional.of(relayUrls.first());
    }

    public SortedSet<RelayUrl> relayUrls() {
        return relayUrls;
    }

    /** Direct addresses in Rust's {@code SocketAddr} order ({@link SocketAddrs#RUST_ORDER}). */
    public SortedSet<InetSocketAddress> ipAddrs() {
        return ipAddrs;
    }

    public SortedSet<CustomAddr> customAddrs() {
        return customAddrs;
    }

    /** True if only the id is known. */
    public boolean isEmpty() {
        return relayUrls.isEmpty() && ipAddrs.isEmpty() && customAddrs.isEmpty();
    }

    /** What iroh 0.35's {@code NodeAddr} can hold: the first relay URL and the IP addresses. */
    public EndpointAddr asNodeAddr() {
        if (relayUrls.size() <= 1 && customAddrs.isEmpty()) {
            return this;
        }
        return of(id, relayUrls.isEmpty() ? null : relayUrls.first(), ipAddrs);
    }

    /** iroh 1.x {@code EndpointAddr}. */
    public void writeTo(PostcardWriter w) {
        w.raw(id.toBytes());
        w.length(relayUrls.size() + ipAddrs.size() + customAddrs.size());
        for (RelayUrl u : relayUrls) {
            w.variant(TRANSPORT_RELAY).string(u.toString());
        }
        for (InetSocketAddress a : ipAddrs) {
            w.variant(TRANSPORT_IP);
            writeSocketAddr(w, a);
        }
        for (CustomAddr c : customAddrs) {
            w.variant(TRANSPORT_CUSTOM);
            c.writeTo(w);
        }
    }

    /** iroh 1.x {@code EndpointAddr}; elements may come in any order and repeat, as Rust's set deserializer allows. */
    public static EndpointAddr readFrom(PostcardReader r) throws PostcardException {
        Builder b = new Builder(readId(r));
        // Smallest element: a tag, a length and at least one byte.
        int n = r.length(3);
        for (int i = 0; i < n; i++) {
            int tag = r.variant();
            switch (tag) {
                case TRANSPORT_RELAY:
                    b.relays.add(readRelayUrl(r));
                    break;
                case TRANSPORT_IP:
                    b.ips.add(readSocketAddr(r));
                    break;
                case TRANSPORT_CUSTOM:
                    b.customs.add(CustomAddr.readFrom(r));
                    break;
                default:
                    throw new PostcardException("unknown transport address type " + tag + " (expected 0 relay, 1 ip, 2 custom)");
            }
        }
        return b.build();
    }

    /** iroh 0.35 {@code NodeAddr}: the first relay URL only, no custom addresses. */
    public void writeNodeAddrTo(PostcardWriter w) {
        w.raw(id.toBytes());
        if (relayUrls.isEmpty()) {
            w.none();
        } else {
            w.some().string(relayUrls.first().toString());
        }
        writeSocketAddrSet(w, ipAddrs);
    }

    public static EndpointAddr readNodeAddrFrom(PostcardReader r) throws PostcardException {
        Builder b = new Builder(readId(r));
        if (r.option()) {
            b.relays.add(readRelayUrl(r));
        }
        b.ips.addAll(readSocketAddrSet(r));
        return b.build();
    }

    /** {@code BTreeSet<SocketAddr>}: a count, then the addresses in Rust order. */
    public static void writeSocketAddrSet(PostcardWriter w, Collection<InetSocketAddress> addrs) {
        TreeSet<InetSocketAddress> sorted = new TreeSet<>(SocketAddrs.RUST_ORDER);
        for (InetSocketAddress a : addrs) {
            sorted.add(SocketAddrs.canonical(a));
        }
        w.length(sorted.size());
        for (InetSocketAddress a : sorted) {
            writeSocketAddr(w, a);
        }
    }

    public static SortedSet<InetSocketAddress> readSocketAddrSet(PostcardReader r) throws PostcardException {
        int n = r.length(6);
        TreeSet<InetSocketAddress> out = new TreeSet<>(SocketAddrs.RUST_ORDER);
        for (int i = 0; i < n; i++) {
            out.add(readSocketAddr(r));
        }
        return out;
    }

    public static void writeSocketAddr(PostcardWriter w, InetSocketAddress a) {
        byte[] ip = SocketAddrs.canonical(a).getAddress().getAddress();
        w.variant(ip.length == 4 ? 0 : 1).raw(ip).varint(a.getPort());
    }

    public static InetSocketAddress readSocketAddr(PostcardReader r) throws PostcardException {
        int v = r.variant();
        byte[] ip;
        if (v == 0) {
            ip = r.raw(4);
        } else if (v == 1) {
            ip = r.raw(16);
        } else {
            throw new PostcardException("unknown socket address type " + v + " (expected 0 IPv4 or 1 IPv6)");
        }
        return SocketAddrs.of(ip, r.u16());
    }

    private static EndpointId readId(PostcardReader r) throws PostcardException {
        byte[] raw = r.raw(EndpointId.LENGTH);
        try {
            return EndpointId.fromBytes(raw);
        } catch (IllegalArgumentException e) {
            throw new PostcardException(e.getMessage());
        }
    }

    private static RelayUrl readRelayUrl(PostcardReader r) throws PostcardException {
        String s = r.string();
        try {
            return RelayUrl.parse(s);
        } catch (IllegalArgumentException e) {
            throw new PostcardException(e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointAddr e && id.equals(e.id) && relayUrls.equals(e.relayUrls)
                && ipAddrs.equals(e.ipAddrs) && customAddrs.equals(e.customAddrs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, relayUrls, ipAddrs, customAddrs);
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "EndpointAddr(" + id + (isEmpty() ? "" : ": "), ")");
        relayUrls.forEach(u -> j.add("relay " + u));
        ipAddrs.forEach(a -> j.add(SocketAddrs.format(a)));
        customAddrs.forEach(c -> j.add("custom " + c));
        return j.toString();
    }

    /** Collects addresses; duplicates collapse as in a set. */
    public static final class Builder {
        private final EndpointId id;
        private final TreeSet<RelayUrl> relays = new TreeSet<>();
        private final TreeSet<InetSocketAddress> ips = new TreeSet<>(SocketAddrs.RUST_ORDER);
        private final TreeSet<CustomAddr> customs = new TreeSet<>();

        private Builder(EndpointId id) {
            this.id = Objects.requireNonNull(id, "endpoint id");
        }

        public Builder relayUrl(RelayUrl url) {
            relays.add(Objects.requireNonNull(url, "relay URL"));
            return this;
        }

        public Builder ipAddr(InetSocketAddress addr) {
            ips.add(SocketAddrs.canonical(addr));
            return this;
        }

        public Builder ipAddrs(Collection<InetSocketAddress> addrs) {
            addrs.forEach(this::ipAddr);
            return this;
        }

        public Builder customAddr(CustomAddr addr) {
            customs.add(Objects.requireNonNull(addr, "custom address"));
            return this;
        }

        public EndpointAddr build() {
            return new EndpointAddr(id, new TreeSet<>(relays), new TreeSet<>(ips), new TreeSet<>(customs));
        }
    }
}
