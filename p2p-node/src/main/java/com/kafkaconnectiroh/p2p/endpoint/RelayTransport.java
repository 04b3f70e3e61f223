package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.PeerKey;
import com.kafkaconnectiroh.p2p.relay.RelayClient;
import com.kafkaconnectiroh.p2p.relay.RelayClientConnection;
import com.kafkaconnectiroh.p2p.relay.RelayDialer;
import com.kafkaconnectiroh.p2p.relay.RelayProbe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datagrams through relays: a path is a relay and an endpoint id there, which QUIC sees as a {@link RelayAddresses}
 * address. One {@link RelayClient} per relay URL, all on the endpoint's event loop (no locks, no thread of their
 * own): the home relay's stays connected (it is where peers reach us); one opened to dial a peer at another relay is
 * closed after {@link #IDLE_CLOSE_NANOS} without traffic, as iroh closes non-home relays after 60 s without writes
 * (IR {@code iroh/src/socket/transports/relay/actor.rs}).
 *
 * <p>Home relay: with one relay configured that one; with several, each is probed ({@link RelayProbe}, {@code GET
 * /ping}) and the fastest to answer wins (iroh picks its home relay from the net report's latencies the same way).
 * Reconnecting with jittered backoff is the {@link RelayClient}'s; a home relay that stays unreachable for
 * {@link Housekeeping#homeDownNanos()} while others are configured is chosen again by a new round of probes (iroh
 * re-runs its net report and moves its home relay likewise), which changes {@link Endpoint#addr()}.
 *
 * <p>What a relay delivers goes to the same {@link DatagramTransport.Receiver} as UDP datagrams, from the path's
 * address, so the QUIC endpoint's demultiplexing (connection ids, duplicate Initials of one dial arriving on
 * several paths) is the same for both. A relay only claims who sent a datagram: the driver checks that claim
 * against the peer's TLS identity once the handshake is done ({@link Driver#relayPeerMismatch}).
 */
final class RelayTransport implements DatagramTransport, RelayClient.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(RelayTransport.class);
    /** How long the home relay probes may take; iroh's HTTPS probe gives up after about 3 s too. */
    static final long PROBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(3);
    static final long IDLE_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(60);

    /**
     * How often idle relays and the home relay are checked, and how long the home relay may stay down before the
     * home is chosen again.
     */
    record Housekeeping(long intervalNanos, long homeDownNanos) {
        static final Housekeeping DEFAULT = new Housekeeping(IDLE_CLOSE_NANOS / 4, TimeUnit.SECONDS.toNanos(30));
    }

    /** A relay client and when a datagram last went through it. */
    private static final class Relay {
        final RelayClient client;
        long lastUsed;
        boolean flush;

        Relay(RelayClient client, long now) {
            this.client = client;
            this.lastUsed = now;
        }
    }

    private final EventLoop loop;
    private final SecretKey key;
    private final Class<? extends SocketChannel> channelClass;
    private final TrustManagerFactory trust;
    /** Made on first use: most endpoints never touch a relay, and its TLS context costs some milliseconds. */
    private RelayDialer dialer;
    private final Receiver receiver;
    private final List<RelayUrl> homeCandidates;
    private final RelayAddresses addresses = new RelayAddresses();
    private final Map<RelayUrl, Relay> relays = new HashMap<>();
    private final ArrayList<Relay> toFlush = new ArrayList<>();
    private final CompletableFuture<RelayUrl> online = new CompletableFuture<>();
    private volatile RelayUrl home;
    private final Housekeeping housekeeping;
    /** Whether the home relay's connection is up (set on the loop, read anywhere: metrics). */
    private volatile boolean homeConnected;
    private ScheduledFuture<?> idleCheck;
    /** When the home relay was first seen down by housekeeping (0: up), and whether probes are out. */
    private long homeDownSince;
    private boolean probing;
    private boolean closed;
    private long datagramsIn;
    private long datagramsOut;
    private long sendsDropped;

    /**
     * @param homeCandidates the relays to choose the home relay from (may be empty: relays are then only dialed)
     * @param trust          trust for {@code https} relays; null: the JDK's default trust store
     */
    RelayTransport(EventLoop loop, Class<? extends SocketChannel> channelClass, TrustManagerFactory trust,
                   SecretKey key, List<RelayUrl> homeCandidates, Housekeeping housekeeping, Receiver receiver) {
        this.loop = loop;
        this.housekeeping = housekeeping;
        this.key = key;
        this.channelClass = channelClass;
        this.trust = trust;
        this.receiver = receiver;
        this.homeCandidates = List.copyOf(homeCandidates);
    }

    /** Chooses the home relay and connects to it; then checks now and then for idle relays. Loop. */
    void start() {
        idleCheck = loop.scheduleAtFixedRate(this::housekeeping, housekeeping.intervalNanos(),
                housekeeping.intervalNanos(), TimeUnit.NANOSECONDS);
        if (homeCandidates.size() == 1) {
            setHome(homeCandidates.get(0));
        } else if (!homeCandidates.isEmpty()) {
            probeForHome();
        }
    }

    private void probeForHome() {
        probing = true;
        List<CompletableFuture<Long>> probes = new ArrayList<>();
        for (RelayUrl url : homeCandidates) {
            probes.add(RelayProbe.ping(dialer(), url, PROBE_TIMEOUT_NANOS));
        }
        CompletableFuture.allOf(probes.stream().map(p -> p.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
                .whenComplete((v, e) -> loop.execute(() -> chooseHome(probes)));
    }

    /** The fastest relay that answered its probe, else the first configured one. */
    private void chooseHome(List<CompletableFuture<Long>> probes) {
        probing = false;
        RelayUrl best = homeCandidates.get(0); // none answered: the first, its client keeps trying
        long bestNanos = Long.MAX_VALUE;
        for (int i = 0; i < probes.size(); i++) {
            CompletableFuture<Long> p = probes.get(i);
            Long latency = p.isCompletedExceptionally() ? null : p.getNow(null);
            LOG.debug("relay {} probe: {}", homeCandidates.get(i), latency == null ? "no answer" : latency / 1000 + " us");
            if (latency != null && latency < bestNanos) {
                bestNanos = latency;
                best = homeCandidates.get(i);
            }
        }
        setHome(best);
    }

    private void setHome(RelayUrl url) {
        if (closed || url.equals(home)) {
            return;
        }
        if (home != null) {
            LOG.info("home relay {} unreachable for {} s; home relay now {}", home,
                    TimeUnit.NANOSECONDS.toSeconds(housekeeping.homeDownNanos()), url);
        }
        home = url;
        LOG.debug("home relay {}", url);
        // a relay already used for dials may be connected: it hears no second onConnected
        homeConnected = relay(url).client.isConnected();
        if (homeConnected) {
            online.complete(url);
        }
    }

    /** Whether relays to choose a home from are configured. */
    boolean hasHomeRelays() {
        return !homeCandidates.isEmpty();
    }

    /** The home relay once chosen, else null. Any thread. */
    RelayUrl home() {
        return home;
    }

    /** Whether the connection to the home relay is up now (its handshake done). Any thread. */
    boolean homeConnected() {
        return homeConnected;
    }

    /** Completes with the home relay once connected to it (never, with no relay configured). */
    CompletableFuture<RelayUrl> online() {
        return online;
    }

    /** The client of {@code url}, started on first use. */
    private Relay relay(RelayUrl url) {
        Relay r = relays.get(url);
        if (r == null) {
            r = new Relay(new RelayClient(url, key, dialer(), RelayClientConnection.Timings.DEFAULT, this), System.nanoTime());
            relays.put(url, r);
            r.client.start();
        }
        return r;
    }

    private RelayDialer dialer() {
        if (dialer == null) {
            dialer = new RelayDialer(loop, channelClass, trust);
        }
        return dialer;
    }

    /** The QUIC-side address of {@code peer} behind {@code url}. */
    InetSocketAddress addressOf(RelayUrl url, EndpointId peer) {
        return addresses.addressOf(new RelayAddresses.RelayPath(url, PeerKey.of(peer)));
    }

    /** The relay path behind {@code addr}, or null if it is no relay address. */
    RelayAddresses.RelayPath pathOf(InetSocketAddress addr) {
        return addresses.pathOf(addr);
    }

    private void housekeeping() {
        long now = System.nanoTime();
        closeIdle(now);
        checkHome(now);
    }

    /** Chooses the home again once it stayed down long enough, if there is another to choose. */
    private void checkHome(long now) {
        Relay h = home == null ? null : relays.get(home);
        if (h == null || homeCandidates.size() < 2 || probing || closed) {
            return;
        }
        if (h.client.isConnected()) {
            homeDownSince = 0;
        } else if (homeDownSince == 0) {
            homeDownSince = now;
        } else if (now - homeDownSince >= housekeeping.homeDownNanos()) {
            homeDownSince = 0;
            probeForHome();
        }
    }

    private void closeIdle(long now) {
        relays.values().removeIf(r -> {
            if (!r.client.url().equals(home) && now - r.lastUsed > IDLE_CLOSE_NANOS) {
                LOG.debug("closing idle relay {}", r.client.url());
                r.client.close();
                return true;
            }
            return false;
        });
    }

    // ================================================================================================
    // RelayClient.Handler (loop)

    @Override
    public void onConnected(RelayClient client) {
        if (client.url().equals(home)) {
            homeConnected = true;
            online.complete(home);
        }
    }

    @Override
    public void onDisconnected(RelayClient client, String why) {
        if (client.url().equals(home)) {
            homeConnected = false;
        }
    }

    @Override
    public void onDatagrams(RelayClient client, PeerKey source, int ecn, int segmentSize, ByteBuf buf, int index, int length) {
        if (closed) {
            return;
        }
        Relay r = relays.get(client.url());
        if (r != null) {
            r.lastUsed = System.nanoTime();
        }
        InetSocketAddress from = addresses.addressOf(new RelayAddresses.RelayPath(client.url(), source));
        int seg = segmentSize > 0 ? segmentSize : length;
        int end = index + length;
        for (int off = index; off < end; off += seg) {
            datagramsIn++;
            try {
                receiver.onDatagram(from, buf, off, Math.min(seg, end - off));
            } catch (Throwable t) {
                receiver.onReceiveFailed(from, t);
                return;
            }
        }
    }

    @Override
    public void onReadComplete(RelayClient client) {
        if (!closed) {
            receiver.onReadComplete();
        }
    }

    // ================================================================================================
    // DatagramTransport (loop)

    @Override
    public EventLoop loop() {
        return loop;
    }

    /** None: relay paths have no socket address of their own. */
    @Override
    public InetSocketAddress localAddress() {
        return null;
    }

    /** Relay frames hold up to 64 KiB: as many datagrams as the UDP side batches. */
    @Override
    public int maxSegments() {
        return 40;
    }

    @Override
    public ByteBuf buffer(int capacity) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(capacity);
    }

    /** Always: a relay stream that cannot take more drops the datagram, which QUIC treats as loss. */
    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public void send(InetSocketAddress to, ByteBuf datagrams, int segmentSize, int count) {
        try {
            RelayAddresses.RelayPath path = closed ? null : addresses.pathOf(to);
            if (path == null) {
                sendsDropped += count; // a path forgotten under the bound: lost, as on a dead route
                return;
            }
            Relay r = relay(path.url());
            r.lastUsed = System.nanoTime();
            if (r.client.send(path.peer(), datagrams, datagrams.readerIndex(), datagrams.readableBytes(),
                    count > 1 ? segmentSize : 0)) {
                datagramsOut += count;
            } else {
                sendsDropped += count;
            }
            if (!r.flush) {
                r.flush = true;
                toFlush.add(r);
            }
        } finally {
            datagrams.release();
        }
    }

    @Override
    public void sendDatagram(InetSocketAddress to, ByteBuf datagram) {
        send(to, datagram, datagram.readableBytes(), 1);
    }

    @Override
    public void flush() {
        for (int i = 0; i < toFlush.size(); i++) {
            Relay r = toFlush.get(i);
            r.flush = false;
            r.client.flush();
        }
        toFlush.clear();
    }

    /** Relay streams flush at once; nothing waits here. */
    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public CompletableFuture<Void> close() {
        closed = true;
        online.completeExceptionally(new EndpointClosedException("endpoint closed"));
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        for (Relay r : relays.values()) {
            r.client.close();
        }
        relays.clear();
        return CompletableFuture.completedFuture(null);
    }

    /** The relays this endpoint has clients for, home first, e.g. {@code http://127.0.0.1:3340/ (home, connected)}. */
    List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Relay r : relays.values()) {
            String s = r.client.url() + " (" + (r.client.url().equals(home) ? "home, " : "")
                    + (r.client.isConnected() ? "connected" : r.client.lastError() == null ? "connecting" : "down: " + r.client.lastError()) + ")";
            if (r.client.url().equals(home)) {
                out.add(0, s);
            } else {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public String stats() {
        return "relay datagramsIn=" + datagramsIn + " datagramsOut=" + datagramsOut + " sendsDropped=" + sendsDropped
                + " paths=" + addresses.size() + " relays=" + describe();
    }
}
