package com.kafkaconnectiroh.p2p.discovery.mdns;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.TokenBucket;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsException;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.random.RandomGenerator;

/**
 * Local-network discovery without I/O, in quinn-proto's shape: datagrams come in with the time
 * ({@link #handle}), timers fire when the driver says ({@link #onTimeout}), and the driver pulls what to send
 * ({@link #pollTransmit}), when to call next ({@link #nextTimeout}) and what happened ({@link #pollEvent}). Times
 * are {@link System#nanoTime()}-style nanoseconds. Not thread-safe: one driver thread ({@link MdnsDiscovery}).
 *
 * <p>One {@link SwarmCadence} per service name (iroh 1.x {@code irohv1}, 0.35 {@code iroh.local.swarm}: the two do not
 * see each other, so we join both by default) and one table of peers, whichever swarm they answered in.
 *
 * <p>Bounded: at most {@code maxPeers} peers (the least recently heard goes first, as an {@link MdnsEvent.Expired});
 * a peer is forgotten after 3·τ·S/min(cutoff, S) without an announcement as swarm-discovery's updater does
 * (SD {@code src/updater.rs}; ≈2.1 s for two nodes), but never sooner than {@link #MIN_KEEP}, so a loaded JVM's pause
 * does not drop a live peer; incoming packets are parsed at most {@link #PACKETS_PER_SECOND} a second (the rest are
 * dropped and counted), each at most {@link #MAX_PACKET} bytes as swarm-discovery's receive buffer; events queue up
 * to {@link #MAX_EVENTS} (older ones are dropped first).
 */
public final class MdnsSwarm {
    /** swarm-discovery's receive buffer (SD {@code receiver.rs}): larger answers are not read there, so we send none. */
    public static final int MAX_PACKET = 1472;
    static final Duration MIN_KEEP = Duration.ofSeconds(5);
    static final int PACKETS_PER_SECOND = 200;
    static final int MAX_EVENTS = 1024;
    /** How often expiry runs: swarm-discovery's τ·12345/9999. */
    static final long GC_INTERVAL = SwarmCadence.TAU * 12345 / 9999;

    private record Swarm(String name, String service, SwarmCadence cadence, byte[] query) {
    }

    private record Entry(MdnsPeer peer, long lastSeen) {
    }

    private final EndpointId self;
    private final int maxPeers;
    private final List<Swarm> swarms = new ArrayList<>();
    /** Insertion order = least recently heard first (an entry is removed and put again when heard). */
    private final LinkedHashMap<EndpointId, Entry> peers = new LinkedHashMap<>();
    private final Queue<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<MdnsEvent> events = new ArrayDeque<>();
    private final Map<String, byte[]> responses = new LinkedHashMap<>();
    private long nextGc;
    private final TokenBucket packets;
    private long packetsRefused;
    private long packetsDropped;
    private long eventsDropped;

    /** A datagram to multicast: the bytes and the swarm it belongs to. */
    public record Transmit(String swarm, byte[] bytes) {
    }

    /**
     * @param swarmNames service names without decoration ({@link SwarmRecords#IROH_V1}, {@link SwarmRecords#IROH_035})
     */
    public MdnsSwarm(EndpointId self, List<String> swarmNames, int maxPeers, RandomGenerator random, long now) {
        if (swarmNames.isEmpty() || maxPeers < 1) {
            throw new IllegalArgumentException("need at least one swarm name and room for one peer, got "
                    + swarmNames + " and " + maxPeers);
        }
        this.self = self;
        this.maxPeers = maxPeers;
        for (String name : new LinkedHashSet<>(swarmNames)) {
            String service = SwarmRecords.serviceName(name);
            // DnsMessage checks the name's labels: a bad swarm name fails here, not at the first query
            byte[] query = SwarmRecords.query(service).encode(false);
            swarms.add(new Swarm(name, service, new SwarmCadence(random, now), query));
        }
        this.nextGc = now + GC_INTERVAL;
        this.packets = new TokenBucket(PACKETS_PER_SECOND, PACKETS_PER_SECOND, now);
    }

    /**
     * What we answer with from now on: our direct addresses and TXT attributes ({@code relay}, {@code user-data}).
     * No addresses: we stay silent (still querying and learning), as swarm-discovery does without addresses.
     * Addresses that would not fit one {@link #MAX_PACKET}-byte answer are left out, the last first.
     */
    public void announce(List<InetSocketAddress> addrs, Map<String, String> attributes) {
        responses.clear();
        if (addrs.isEmpty()) {
            return;
        }
        for (Swarm s : swarms) {
            int most = Math.min(addrs.size(), SwarmRecords.MAX_ADDRS_PER_PEER);
            List<InetSocketAddress> fit = new ArrayList<>(addrs.subList(0, most));
            while (!fit.isEmpty()) {
                byte[] b = SwarmRecords.response(s.service(), self, fit, attributes).encode(true);
                if (b.length <= MAX_PACKET) {
                    responses.put(s.name(), b);
                    break;
                }
                fit.remove(fit.size() - 1);
            }
        }
    }

    /** One received datagram. Malformed ones are counted ({@link #packetsRefused()}) and otherwise ignored. */
    public void handle(byte[] buf, int off, int len, long now) {
        if (!packets.tryTake(now)) {
            packetsDropped++;
            return;
        }
        if (len > MAX_PACKET) {
            packetsRefused++;
            return;
        }
        DnsMessage m;
        try {
            m = DnsMessage.decode(buf, off, len);
        } catch (DnsException | RuntimeException e) {
            packetsRefused++;
            return;
        }
        int size = swarmSize();
        for (Swarm s : swarms) {
            SwarmRecords.Parsed parsed = SwarmRecords.parse(m, s.service());
            if (parsed instanceof SwarmRecords.Query) {
                s.cadence().onQuery(now, size);
            } else if (parsed instanceof SwarmRecords.Announcements a) {
                int others = 0;
                for (SwarmRecords.Announcement an : a.peers()) {
                    if (!an.id().equals(self)) {
                        heard(an, s.name(), now);
                        others++;
                    }
                }
                s.cadence().onResponse(others, now, swarmSize());
            }
        }
    }

    /** Runs whatever is due at {@code now}: queries, answers, expiry. */
    public void onTimeout(long now) {
        for (Swarm s : swarms) {
            byte[] response = responses.get(s.name());
            switch (s.cadence().onTimeout(now, swarmSize(), response != null)) {
                case SEND_QUERY -> transmits.add(new Transmit(s.name(), s.query()));
                case SEND_RESPONSE -> transmits.add(new Transmit(s.name(), response));
                case NONE -> {
                }
            }
        }
        if (now - nextGc >= 0) {
            nextGc = now + GC_INTERVAL;
            expire(now);
        }
    }

    /** When {@link #onTimeout} should run next. */
    public long nextTimeout() {
        long t = nextGc;
        for (Swarm s : swarms) {
            if (s.cadence().deadline() - t < 0) {
                t = s.cadence().deadline();
            }
        }
        return t;
    }

    /** The next datagram to multicast, or null. */
    public Transmit pollTransmit() {
        return transmits.poll();
    }

    /** The next event, or null. */
    public MdnsEvent pollEvent() {
        return events.poll();
    }

    public Optional<MdnsPeer> peer(EndpointId id) {
        Entry e = peers.get(id);
        return e == null ? Optional.empty() : Optional.of(e.peer());
    }

    public List<MdnsPeer> peers() {
        List<MdnsPeer> out = new ArrayList<>(peers.size());
        peers.values().forEach(e -> out.add(e.peer()));
        return out;
    }

    /** Datagrams that were not a DNS message (or too long). */
    public long packetsRefused() {
        return packetsRefused;
    }

    /** Datagrams dropped unread because more than {@link #PACKETS_PER_SECOND} came. */
    public long packetsDropped() {
        return packetsDropped;
    }

    public long eventsDropped() {
        return eventsDropped;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Swarm size as swarm-discovery counts it: the peers it knows, us included. */
    private int swarmSize() {
        return peers.size() + 1;
    }

    private void heard(SwarmRecords.Announcement an, String swarm, long now) {
        MdnsPeer peer = new MdnsPeer(an.id(), an.addrs(), an.relay(), an.userData(), swarm);
        Entry old = peers.remove(an.id());
        if (old == null && peers.size() >= maxPeers) {
            Iterator<Map.Entry<EndpointId, Entry>> it = peers.entrySet().iterator();
            EndpointId evicted = it.next().getKey();
            it.remove();
            event(new MdnsEvent.Expired(evicted));
        }
        boolean changed = old == null || !new HashSet<>(old.peer().addrs()).equals(new HashSet<>(peer.addrs()))
                || !Objects.equals(old.peer().relay(), peer.relay())
                || !Objects.equals(old.peer().userData(), peer.userData());
        // a republish keeps the swarm the peer was first seen in, so a peer in both swarms does not flap
        MdnsPeer kept = changed || old == null ? peer : old.peer();
        peers.put(an.id(), new Entry(kept, now));
        if (changed) {
            event(new MdnsEvent.Discovered(kept));
        }
    }

    private void expire(long now) {
        int n = peers.size() + 1;
        long grace = Math.max(MIN_KEEP.toNanos(), 3 * SwarmCadence.TAU * n / Math.min(SwarmCadence.CUTOFF, n));
        Iterator<Map.Entry<EndpointId, Entry>> it = peers.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<EndpointId, Entry> e = it.next();
            if (now - e.getValue().lastSeen() < grace) {
                break; // heard-order: the rest were heard later
            }
            it.remove();
            event(new MdnsEvent.Expired(e.getKey()));
        }
    }

    private void event(MdnsEvent e) {
        if (events.size() >= MAX_EVENTS) {
            events.poll();
            eventsDropped++;
        }
        events.add(e);
    }
}
