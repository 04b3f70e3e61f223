package com.kafkaconnectiroh.p2p.discovery.mdns;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local-network discovery compatible with iroh's mDNS-based swarm discovery (iroh 1.x
 * {@code iroh-mdns-address-lookup}, 0.35 {@code discovery-local-network}; both on the {@code swarm-discovery} crate,
 * wire map §7): announces this endpoint's id and direct addresses on UDP multicast 224.0.0.251:5353 (and ff02::fb
 * where the host has IPv6), answers the swarm's queries, and remembers who else announced, for dials by bare id.
 * It is an {@link AddressLookup} (iroh's {@code MdnsAddressLookup}): {@link #publish} sets what we announce,
 * {@link #resolve} answers from the peers heard, waiting up to {@link #LOOKUP_DURATION} for one not heard yet.
 *
 * <pre>{@code
 * try (Node node = Node.builder().localDiscovery(true).spawn()) {  // or .addressLookup(MdnsDiscovery.builder().build(id))
 *     MdnsDiscovery mdns = node.localDiscovery().orElseThrow();
 *     mdns.subscribe(e -> System.out.println(e));                      // Discovered / Expired
 *     node.ping().ping(node.endpoint(), EndpointAddr.of(peerId), Duration.ofSeconds(10));  // a bare id
 * }
 * }</pre>
 *
 * <p>Sockets bind port 5353 with SO_REUSEADDR and SO_REUSEPORT, so they share it with avahi, Bonjour or another
 * node on the same host (multicast reaches every socket bound to the port). Multicast loopback is on, so nodes on one
 * host find each other. One thread runs the {@link MdnsSwarm} core: it parses datagrams, keeps the timing and the
 * bounded peer table; {@link #lookup} and {@link #peers} read a concurrent copy and may be called from any thread
 * (the endpoint's loop asks {@link #lookup} when a dial has no address). Subscribers run on that thread: they must
 * return quickly.
 */
public final class MdnsDiscovery implements AddressLookup {
    private static final Logger LOG = LoggerFactory.getLogger(MdnsDiscovery.class);
    public static final int MDNS_PORT = 5353;
    public static final InetAddress GROUP_V4 = literal("224.0.0.251");
    public static final InetAddress GROUP_V6 = literal("ff02::fb");
    /** iroh's {@code LOOKUP_DURATION}: how long a resolve waits for the peer to answer. */
    public static final Duration LOOKUP_DURATION = Duration.ofSeconds(10);
    /** iroh drops a relay URL longer than this from its TXT record (249 + {@code relay=} = 255). */
    static final int MAX_RELAY_URL = 249;
    static final int MAX_PENDING_RESOLVES = 1024;

    private final EndpointId self;
    private final String userData;
    private final boolean advertise;
    private final MdnsSwarm swarm;
    private final Selector selector;
    private final List<Channel> channels;
    private final Map<EndpointId, MdnsPeer> view = new ConcurrentHashMap<>();
    private final List<Consumer<MdnsEvent>> subscribers = new CopyOnWriteArrayList<>();
    /** Subscribers not yet told the peers known when they came: the discovery thread tells them, then adds them. */
    private final java.util.Queue<Consumer<MdnsEvent>> joining = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingResolves = new AtomicInteger();
    /** Resolves waiting for their peer: completed empty on close. */
    private final java.util.Set<CompletableFuture<Optional<MdnsPeer>>> waiting = ConcurrentHashMap.newKeySet();
    private final int port;
    private final Thread thread;
    private volatile boolean closed;
    /** What {@link #publish} was last given, for the discovery thread to announce. */
    private final AtomicReference<EndpointAddr> toAnnounce = new AtomicReference<>();
    private List<InetSocketAddress> announced = List.of();
    private String announcedRelay;

    /** One multicast socket (one address family) and the interfaces it joined the group on. */
    private record Channel(DatagramChannel channel, InetAddress group, List<NetworkInterface> interfaces) {
    }

    private MdnsDiscovery(Builder b, EndpointId self) throws IOException {
        this.self = self;
        this.userData = b.userData;
        this.advertise = b.advertise;
        this.port = b.port;
        long now = System.nanoTime();
        this.swarm = new MdnsSwarm(self, b.swarms, b.maxPeers, new SecureRandom(), now);
        this.selector = Selector.open();
        List<Channel> open = new ArrayList<>();
        try {
            List<NetworkInterface> nifs = b.interfaces != null ? b.interfaces : multicastInterfaces();
            IOException v4Failure = null;
            try {
                open(StandardProtocolFamily.INET, GROUP_V4, nifs, b.port).ifPresent(open::add);
            } catch (IOException e) {
                v4Failure = e;
            }
            try {
                open(StandardProtocolFamily.INET6, GROUP_V6, nifs, b.port).ifPresent(open::add);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("mdns: no IPv6 multicast: {}", e.toString());
            }
            if (open.isEmpty()) {
                throw new IOException("mdns: no interface to multicast on (looked at " + names(nifs) + ")"
                        + (v4Failure != null ? ": " + v4Failure.getMessage() : ""), v4Failure);
            }
        } catch (IOException | RuntimeException e) {
            for (Channel c : open) {
                closeQuietly(c.channel());
            }
            selector.close();
            throw e;
        }
        this.channels = List.copyOf(open);
        for (Channel c : channels) {
            c.channel().register(selector, SelectionKey.OP_READ, c);
        }
        this.thread = new Thread(this::run, "mdns-" + self.fmtShort());
        thread.setDaemon(true);
        thread.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ================================================================================================
    // What it found

    /** The direct addresses {@code peer} announced, if it is on the local network now; empty otherwise. */
    public List<InetSocketAddress> lookup(EndpointId peer) {
        MdnsPeer p = view.get(peer);
        return p == null ? List.of() : p.addrs();
    }

    public Optional<MdnsPeer> peer(EndpointId id) {
        return Optional.ofNullable(view.get(id));
    }

    /** Every peer on the local network now (each answered within its grace period). */
    public List<MdnsPeer> peers() {
        return new ArrayList<>(view.values());
    }

    @Override
    public String name() {
        return "mdns";
    }

    /** {@link #awaitPeer} for {@link #LOOKUP_DURATION}, as an address to dial. */
    @Override
    public CompletableFuture<Optional<EndpointAddr>> resolve(EndpointId id) {
        return awaitPeer(id, LOOKUP_DURATION).thenApply(p -> p.map(MdnsPeer::toEndpointAddr));
    }

    @Override
    public Duration maxWait() {
        return LOOKUP_DURATION;
    }

    /**
     * What we announce from now on: {@code ours}' direct addresses (loopback only if there is nothing else), its
     * first relay URL as {@code relay=}, and the builder's user data. Called again whenever our addresses change
     * (a node's discovery does so); nothing is announced before the first call.
     */
    @Override
    public void publish(EndpointAddr ours) {
        if (advertise && !closed) {
            toAnnounce.set(Objects.requireNonNull(ours, "ours"));
            selector.wakeup();
        }
    }

    /**
     * {@code id} as soon as it answers on the local network, within {@code timeout} (iroh waits
     * {@link #LOOKUP_DURATION}); empty if it did not, or this discovery closed. At most
     * {@value #MAX_PENDING_RESOLVES} wait at once; beyond that it answers at once from what is known.
     */
    public CompletableFuture<Optional<MdnsPeer>> awaitPeer(EndpointId id, Duration timeout) {
        MdnsPeer known = view.get(id);
        if (known != null || closed || pendingResolves.incrementAndGet() > MAX_PENDING_RESOLVES) {
            if (known == null && !closed) {
                pendingResolves.decrementAndGet();
            }
            return CompletableFuture.completedFuture(Optional.ofNullable(known));
        }
        CompletableFuture<Optional<MdnsPeer>> f = new CompletableFuture<>();
        Consumer<MdnsEvent> waiter = e -> {
            if (e instanceof MdnsEvent.Discovered d && d.id().equals(id)) {
                f.complete(Optional.of(d.peer()));
            }
        };
        subscribers.add(waiter);
        waiting.add(f);
        f.completeOnTimeout(Optional.empty(), timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((r, err) -> {
            subscribers.remove(waiter);
            waiting.remove(f);
            pendingResolves.decrementAndGet();
        });
        // it may have arrived between the first look and the subscription
        MdnsPeer now = view.get(id);
        if (now != null || closed) {
            f.complete(Optional.ofNullable(now));
        }
        return f;
    }

    /**
     * Calls {@code listener} with a {@link MdnsEvent.Discovered} for each peer known now, then with every event from
     * then on (a peer heard a moment before subscribing is not missed), on the discovery thread (return quickly);
     * closing the result unsubscribes. Events a listener throws on are logged and dropped.
     */
    public AutoCloseable subscribe(Consumer<MdnsEvent> listener) {
        Objects.requireNonNull(listener, "listener");
        joining.add(listener);
        selector.wakeup();
        return () -> {
            joining.remove(listener);
            subscribers.remove(listener);
        };
    }

    /** Malformed datagrams seen, and datagrams dropped unread above the rate limit (for tests and stats). */
    public long packetsRefused() {
        return swarm.packetsRefused(); // written by the discovery thread; a stale read is fine for stats
    }

    public long packetsDropped() {
        return swarm.packetsDropped();
    }

    /** The local port the sockets are bound to (5353 unless the builder said otherwise). */
    public int port() {
        return port;
    }

    /** Stops announcing and listening, closes the sockets; waiting resolves end empty. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Channel c : channels) {
            closeQuietly(c.channel());
        }
        closeQuietly(selector);
        for (CompletableFuture<Optional<MdnsPeer>> f : List.copyOf(waiting)) {
            f.complete(Optional.empty());
        }
    }

    // ================================================================================================
    // The thread

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(MdnsSwarm.MAX_PACKET + 1); // one more: a longer datagram shows as such
        try {
            while (!closed) {
                long now = System.nanoTime();
                long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(swarm.nextTimeout() - now) + 1);
                selector.select(waitMillis);
                for (SelectionKey k : selector.selectedKeys()) {
                    Channel c = (Channel) k.attachment();
                    for (int i = 0; i < 64; i++) { // bounded per wakeup: timers keep running under a flood
                        buf.clear();
                        SocketAddress from = c.channel().receive(buf);
                        if (from == null) {
                            break;
                        }
                        // a dual-stack IPv6 socket also gets the IPv4 group's datagrams: the IPv4 socket reads those
                        if (c.group() instanceof Inet6Address && from instanceof InetSocketAddress f
                                && f.getAddress() instanceof Inet4Address) {
                            continue;
                        }
                        swarm.handle(buf.array(), 0, buf.position(), System.nanoTime());
                    }
                }
                selector.selectedKeys().clear();
                now = System.nanoTime();
                EndpointAddr ours = toAnnounce.getAndSet(null);
                if (ours != null) {
                    announce(ours);
                }
                if (now - swarm.nextTimeout() >= 0) {
                    swarm.onTimeout(now);
                }
                for (MdnsSwarm.Transmit t; (t = swarm.pollTransmit()) != null; ) {
                    send(t.bytes());
                }
                for (MdnsEvent e; (e = swarm.pollEvent()) != null; ) {
                    deliver(e);
                }
                for (Consumer<MdnsEvent> s; (s = joining.poll()) != null; ) {
                    for (MdnsPeer p : view.values()) {
                        tell(s, new MdnsEvent.Discovered(p));
                    }
                    subscribers.add(s);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.warn("mdns: discovery stopped: {}", e.toString(), e);
            }
        }
    }

    private void deliver(MdnsEvent e) {
        if (e instanceof MdnsEvent.Discovered d) {
            view.put(d.id(), d.peer());
        } else {
            view.remove(e.id());
        }
        for (Consumer<MdnsEvent> s : subscribers) {
            tell(s, e);
        }
    }

    private static void tell(Consumer<MdnsEvent> s, MdnsEvent e) {
        try {
            s.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("mdns: a subscriber failed on {}: {}", e, ex.toString());
        }
    }

    /**
     * Multicasts on every interface of one family: IPv4 when we have it, else IPv6, as swarm-discovery sends a query
     * or an unprompted answer once ({@code Mode::Any}); sent on both, every peer would read each datagram twice and
     * count one answer as two towards the cutoff.
     */
    private void send(byte[] bytes) {
        Channel c = channels.get(0); // IPv4 first when open (see the constructor)
        for (NetworkInterface nif : c.interfaces()) {
            try {
                c.channel().setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                c.channel().send(ByteBuffer.wrap(bytes), new InetSocketAddress(c.group(), port));
            } catch (IOException e) {
                LOG.debug("mdns: sending on {} failed: {}", nif.getName(), e.toString());
            }
        }
    }

    /** Re-announces when {@code addr} differs from what we announce. */
    private void announce(EndpointAddr addr) {
        List<InetSocketAddress> addrs = announceable(addr.ipAddrs());
        String relay = addr.relayUrls().stream().map(RelayUrl::toString)
                .filter(u -> u.getBytes(StandardCharsets.UTF_8).length <= MAX_RELAY_URL).findFirst().orElse(null);
        if (addrs.equals(announced) && Objects.equals(relay, announcedRelay)) {
            return;
        }
        announced = addrs;
        announcedRelay = relay;
        Map<String, String> attrs = new LinkedHashMap<>();
        if (relay != null) {
            attrs.put(SwarmRecords.ATTR_RELAY, relay);
        }
        if (userData != null) {
            attrs.put(SwarmRecords.ATTR_USER_DATA, userData);
        }
        swarm.announce(addrs, attrs);
    }

    /**
     * The addresses worth telling the local network: not wildcard, multicast or port 0, and loopback only when
     * there is nothing else (another host's loopback is itself; a node bound to loopback still finds same-host peers).
     */
    static List<InetSocketAddress> announceable(Iterable<InetSocketAddress> addrs) {
        List<InetSocketAddress> out = new ArrayList<>();
        List<InetSocketAddress> loopback = new ArrayList<>();
        for (InetSocketAddress a : addrs) {
            InetAddress ip = a.getAddress();
            if (ip == null || a.getPort() == 0 || ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
                continue;
            }
            (ip.isLoopbackAddress() ? loopback : out).add(a);
        }
        return out.isEmpty() ? loopback : out;
    }

    // ================================================================================================
    // Sockets

    private Optional<Channel> open(StandardProtocolFamily family, InetAddress group, List<NetworkInterface> nifs,
                                             int port) throws IOException {
        List<NetworkInterface> usable = new ArrayList<>();
        for (NetworkInterface nif : nifs) {
            if (hasAddress(nif, family)) {
                usable.add(nif);
            }
        }
        if (usable.isEmpty()) {
            return Optional.empty();
        }
        DatagramChannel ch = DatagramChannel.open(family);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            InetAddress any = literal(family == StandardProtocolFamily.INET ? "0.0.0.0" : "::");
            ch.bind(new InetSocketAddress(any, port));
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 255); // RFC 6762 §11: receivers may check it
            ch.configureBlocking(false);
            List<NetworkInterface> joined = new ArrayList<>();
            IOException last = null;
            for (NetworkInterface nif : usable) {
                try {
                    ch.join(group, nif);
                    joined.add(nif);
                } catch (IOException e) {
                    last = e;
                }
            }
            if (joined.isEmpty()) {
                throw new IOException("could not join " + group.getHostAddress() + " on " + names(usable)
                        + (last != null ? ": " + last.getMessage() : ""), last);
            }
            return Optional.of(new Channel(ch, group, List.copyOf(joined)));
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** Up, multicast-capable, not loopback (the kernel's {@code lo} has no MULTICAST flag). */
    static List<NetworkInterface> multicastInterfaces() throws IOException {
        List<NetworkInterface> out = new ArrayList<>();
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && nif.supportsMulticast() && !nif.isLoopback()) {
                out.add(nif);
            }
        }
        return out;
    }

    private static boolean hasAddress(NetworkInterface nif, StandardProtocolFamily family) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
            if (family == StandardProtocolFamily.INET ? a instanceof Inet4Address : a instanceof Inet6Address) {
                return true;
            }
        }
        return false;
    }

    private static List<String> names(List<NetworkInterface> nifs) {
        List<String> out = new ArrayList<>();
        nifs.forEach(n -> out.add(n.getName()));
        return out;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    private static InetAddress literal(String s) {
        try {
            return InetAddress.getByName(s); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    // ================================================================================================

    /** Settings; {@link #build} binds the sockets and starts. */
    public static final class Builder {
        private List<String> swarms = List.of(SwarmRecords.IROH_V1, SwarmRecords.IROH_035);
        private boolean advertise = true;
        private int maxPeers = 256;
        private int port = MDNS_PORT;
        private String userData;
        private List<NetworkInterface> interfaces;

        private Builder() {
        }

        /**
         * Which swarms to join (default both {@link SwarmRecords#IROH_V1} for iroh 1.x and
         * {@link SwarmRecords#IROH_035} for iroh 0.35: they do not see each other).
         */
        public Builder swarms(List<String> names) {
            if (names.isEmpty()) {
                throw new IllegalArgumentException("at least one swarm name");
            }
            this.swarms = List.copyOf(names);
            return this;
        }

        /** Whether to announce ourselves (default true); false only listens and asks. */
        public Builder advertise(boolean advertise) {
            this.advertise = advertise;
            return this;
        }

        /** At most this many peers are remembered (default 256; the least recently heard goes first). */
        public Builder maxPeers(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPeers must be at least 1, got " + max);
            }
            this.maxPeers = max;
            return this;
        }

        /** The {@code user-data} TXT attribute (iroh's {@code UserData}, at most 245 bytes), default none. */
        public Builder userData(String data) {
            if (data != null && data.getBytes(StandardCharsets.UTF_8).length > 245) {
                throw new IllegalArgumentException("user data holds at most 245 bytes, got "
                        + data.getBytes(StandardCharsets.UTF_8).length);
            }
            this.userData = data;
            return this;
        }

        /** The UDP port (default 5353; another one only for tests that must not meet other mDNS stacks). */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("mDNS port must be 1..65535 (one port all nodes share), got " + port);
            }
            this.port = port;
            return this;
        }

        /** The interfaces to multicast on (default: every up, multicast-capable, non-loopback one). */
        public Builder interfaces(List<NetworkInterface> nifs) {
            this.interfaces = List.copyOf(nifs);
            return this;
        }

        /**
         * Starts listening and asking for the endpoint {@code id} (iroh's {@code MdnsAddressLookup::builder().build}):
         * it announces once {@link #publish} gives it addresses. Give it to {@code Node.Builder.addressLookup}, or
         * use {@code Node.Builder.localDiscovery}, so dials by bare id ask it.
         *
         * @throws IOException no multicast-capable interface, or the port cannot be bound
         */
        public MdnsDiscovery build(EndpointId id) throws IOException {
            return new MdnsDiscovery(this, Objects.requireNonNull(id, "id"));
        }
    }
}
