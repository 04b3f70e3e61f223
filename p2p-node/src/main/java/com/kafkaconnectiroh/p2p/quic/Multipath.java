package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.Frame;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPacket;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multipath side of a connection once both sides offered it (draft-ietf-quic-multipath with noq-proto
 * 1.0.1's codepoints, IROH-WIRE-MAP-RELAY.md §3): the paths other than path 0 ({@link MultipathPath}), the
 * connection IDs of each path ID in both directions, the multipath control frames waiting to go out, and which path
 * carries the data.
 *
 * <p>Path selection follows iroh 1.x ({@code socket/biased_rtt_path_selector.rs}, wire map §5). A client ranks its
 * validated paths: a direct path beats a relay path (the driver says which remote addresses are relays), and within
 * a tier the lowest smoothed RTT wins (IPv6 with a 3 ms bonus; switching needs 5 ms improvement). It marks the
 * selected path available and the others backup (PATH_STATUS_*). A server sends where the client said available,
 * lowest RTT first, and falls back to any validated path. The data path carries stream, flow-control and DATAGRAM
 * frames; every path carries its own ACKs, challenges and keep-alives.
 *
 * <p>Simplifications (kept on purpose, see docs/relay.md): one connection ID per path ID in each direction (a
 * retired one is replaced); paths other than 0 search their own MTU and send in GSO batches, but are not paced.
 * The 1-RTT key phase is the connection's: either side's key update is followed on whatever path its first packet
 * arrives (see {@code OneRttKeys#selectOnOtherPath}).
 */
final class Multipath {
    private static final Logger LOG = LoggerFactory.getLogger(Multipath.class);
    /** PATH_ABANDON error codes (noq-proto transport_error.rs). */
    static final long APPLICATION_ABANDON_PATH = 0x3e;
    static final long PATH_UNSTABLE_OR_POOR = 0x3e76;
    /** Within a tier, a path must be this much faster to take over (iroh's biased RTT selector). */
    private static final long SWITCH_IMPROVEMENT_NANOS = 5_000_000L;
    private static final long IPV6_BIAS_NANOS = 3_000_000L;
    /** Retirements of the peer's path connection IDs we let queue up. */
    private static final int MAX_RETIRE_PENDING = 64;

    // control frame kinds in SentPacket records: arg = (seq << 36) | (pathId << 3) | kind
    private static final int C_NEW_CID = 1;
    private static final int C_STATUS = 2;
    private static final int C_ABANDON = 3;
    private static final int C_RETIRE = 4;
    private static final int C_MAX_PATH_ID = 5;

    /** One connection ID we issued for a path ID. */
    private record LocalCid(long pathId, long seq, ConnectionId cid, byte[] token) {
    }

    private final QuicConnection conn;
    private final boolean isClient;
    private final TransportConfig config;
    private final ConnectionIdRegistry registry;
    private final long localMaxPathId;
    private long peerMaxPathId;

    private final TreeMap<Long, MultipathPath> paths = new TreeMap<>();
    private final Map<Long, LocalCid> localCids = new HashMap<>();
    private final Map<Long, Frame.PathNewConnectionId> remoteCids = new HashMap<>();
    private final ArrayDeque<Long> newCidPending = new ArrayDeque<>();
    /** (pathId, seq) pairs of the peer's IDs to retire. */
    private final ArrayDeque<long[]> retirePending = new ArrayDeque<>();
    private boolean maxPathIdPending;
    private long nextPathId = 1;

    private Predicate<InetSocketAddress> isRelay = a -> false;
    /** The path the data goes on (0 = the handshake path). */
    private long selected;
    /** Path 0 as the multipath frames see it. */
    private boolean path0Abandoned;
    private boolean path0PeerAvailable = true;
    private long path0PeerStatusSeq = -1;
    private boolean path0LocalAvailable = true;
    private long path0LocalStatusSeq;
    private boolean path0StatusPending;
    private boolean path0AbandonPending;
    private long path0AbandonCode;
    /** Path 0's keep-alive (KEEP_ALIVE); path 0 has no idle timer of its own: the connection's covers it. */
    private final TimerTable path0Timers = new TimerTable();

    final NatTraversal nat;

    Multipath(QuicConnection conn, boolean isClient, TransportConfig config, ConnectionIdRegistry registry,
              long peerMaxPathId, int peerNatAddresses) {
        this.conn = conn;
        this.isClient = isClient;
        this.config = config;
        this.registry = registry;
        this.localMaxPathId = config.maxPathId();
        this.peerMaxPathId = peerMaxPathId;
        this.nat = config.natTraversalAddresses() > 0 && peerNatAddresses > 0
                ? new NatTraversal(conn, this, isClient, config.natTraversalAddresses(), peerNatAddresses, registry)
                : null;
    }

    void relayAddresses(Predicate<InetSocketAddress> relay) {
        this.isRelay = relay;
    }

    boolean isRelay(InetSocketAddress remote) {
        return isRelay.test(remote);
    }

    // ------------------------------------------------------------------------------------------------ IDs

    /** Once the handshake is complete: one connection ID for every path ID both sides allow (path 0 has its own). */
    void issueConnectionIds() {
        long upTo = Math.min(localMaxPathId, peerMaxPathId);
        for (long id = 1; id <= upTo; id++) {
            if (!localCids.containsKey(id)) {
                issue(id, 0);
            }
        }
    }

    private void issue(long pathId, long seq) {
        ConnectionId cid = registry.newConnectionId();
        localCids.put(pathId, new LocalCid(pathId, seq, cid, registry.resetToken(cid)));
        registry.register(cid, conn);
        newCidPending.add(pathId);
    }

    /** The path ID a 1-RTT packet's destination ID belongs to, or -1 if it is not one of our path IDs above 0. */
    long pathIdOf(byte[] b, int off, int len) {
        for (LocalCid c : localCids.values()) {
            if (c.cid().matches(b, off, len)) {
                return c.pathId();
            }
        }
        return -1;
    }

    /** Unregisters the IDs of paths above 0 from the endpoint (the connection drained). */
    void unregisterAll() {
        for (LocalCid c : localCids.values()) {
            registry.unregister(c.cid());
        }
    }

    // ------------------------------------------------------------------------------------------------ paths

    /**
     * The path a packet to one of our path IDs arrived on: an open one, or (a server seeing the peer open it) a new
     * one to {@code from}, unvalidated until our PATH_CHALLENGE is answered. Null for an abandoned path.
     */
    MultipathPath receivingPath(long id, InetSocketAddress from, long now) {
        MultipathPath p = paths.get(id);
        if (p != null) {
            return p.abandoned ? null : p;
        }
        if (isClient) {
            return null; // only clients open paths (noq: ServerSideNotAllowed); we never opened this one
        }
        p = newPath(id, from, false, now);
        LOG.debug("{} peer opened {}", conn, p);
        startValidation(p, now);
        return p;
    }

    private MultipathPath newPath(long id, InetSocketAddress remote, boolean opener, long now) {
        MultipathPath p = new MultipathPath(id, remote, opener, config);
        p.data.mtud.setPeerMaxUdpPayload(conn.peerTransportParameters().maxUdpPayloadSize);
        Frame.PathNewConnectionId rc = remoteCids.get(id);
        p.remoteCid = rc == null ? null : rc.id();
        p.recovery = conn.newPathRecovery(p);
        p.localAvailable = false;
        p.timers.set(ConnectionTimer.IDLE, now + config.pathIdleTimeout().toNanos());
        paths.put(id, p);
        if (id >= nextPathId) {
            nextPathId = id + 1;
        }
        return p;
    }

    private void startValidation(MultipathPath p, long now) {
        p.challenge = registry.random().nextLong();
        p.challengePending = true;
        long pto = p.data.rtt.ptoBase();
        // noq abandons a path whose challenge is not answered within 3 PTOs (PathTimer::AbandonFromValidation);
        // at least six initial RTTs, as for migration (RFC 9000 §8.2.4)
        p.timers.set(ConnectionTimer.PATH_VALIDATION, now + Math.max(3 * pto, 6 * config.initialRtt().toNanos()));
        p.timers.set(ConnectionTimer.PATH_CHALLENGE, now + 2 * pto);
    }

    /**
     * Client: opens a path to {@code remote} (draft §3.1): the next free path ID the peer allows and has given us a
     * connection ID for, validated with PATH_CHALLENGE in a 1200-byte datagram. Returns the path ID, or -1 if no
     * path ID or connection ID is available now (retry after the peer issued more).
     */
    long openPath(long now, InetSocketAddress remote) {
        if (!isClient) {
            throw new IllegalStateException("only the client opens paths (draft-ietf-quic-multipath, as noq)");
        }
        MultipathPath existing = pathTo(remote);
        if (existing != null) {
            return existing.id;
        }
        for (long id = nextPathId; id <= Math.min(peerMaxPathId, localMaxPathId); id++) {
            if (paths.containsKey(id) || !remoteCids.containsKey(id) || !localCids.containsKey(id)) {
                continue;
            }
            MultipathPath p = newPath(id, remote, true, now);
            p.statusPending = true; // our first packet says backup (iroh opens paths as backup, then selects)
            startValidation(p, now);
            LOG.debug("{} opening {}", conn, p);
            return id;
        }
        return -1;
    }

    /** An open (not abandoned) path to {@code remote}, or null. */
    MultipathPath pathTo(InetSocketAddress remote) {
        for (MultipathPath p : paths.values()) {
            if (!p.abandoned && p.data.remote.equals(remote)) {
                return p;
            }
        }
        return null;
    }

    /** Abandons a path (draft §3.3): PATH_ABANDON goes out, what was in flight on it is sent again elsewhere. */
    void abandon(long now, long id, long code) {
        if (id == 0) {
            // path 0 stays the path of probes and of our ACKs of its packets; it only stops carrying data
            if (!path0Abandoned && anyOtherUsable(0)) {
                path0Abandoned = true;
                path0AbandonPending = true;
                path0AbandonCode = code;
                path0StatusPending = false;
                select(now);
            }
            return;
        }
        MultipathPath p = paths.get(id);
        if (p == null || p.abandoned) {
            return;
        }
        LOG.debug("{} abandoning {} (0x{})", conn, p, Long.toHexString(code));
        p.abandoned = true;
        p.abandonPending = true;
        p.abandonCode = code;
        p.challengePending = false;
        p.responsePending = false;
        p.pingPending = false;
        p.statusPending = false;
        p.timers.stopAll();
        // RFC 9002 has no rule for this; noq sends the frames of a dead path's packets again on the others
        for (SentPacket sp : p.space.sent.drain()) {
            conn.requeueLost(p.space, sp);
            p.space.sent.recycle(sp);
        }
        select(now);
    }

    private boolean anyOtherUsable(long except) {
        if (except != 0 && !path0Abandoned && conn.path.validated) {
            return true;
        }
        for (MultipathPath p : paths.values()) {
            if (p.id != except && p.usable()) {
                return true;
            }
        }
        return false;
    }

    /** Whether a validated path is there to carry NAT traversal probes ({@link #probePath}). */
    boolean canProbe() {
        return !path0Abandoned && conn.path.validated || probePath() != null;
    }

    /**
     * The validated path NAT traversal probes go on (their packets use its space and connection ID): path 0 (null)
     * while it is usable, else the lowest usable one (null too if none is: see {@link #canProbe}).
     */
    MultipathPath probePath() {
        if (!path0Abandoned && conn.path.validated) {
            return null;
        }
        for (MultipathPath p : paths.values()) {
            if (p.usable() && p.remoteCid != null) {
                return p;
            }
        }
        return null;
    }

    /** The path that carries data now. */
    long selected() {
        return selected;
    }

    MultipathPath path(long id) {
        return paths.get(id);
    }

    Iterable<MultipathPath> paths() {
        return paths.values();
    }

    boolean path0Abandoned() {
        return path0Abandoned;
    }

    /** Picks the data path again (after validation, abandonment, a status change, an RTT sample). */
    void select(long now) {
        long best = -1;
        long bestScore = Long.MAX_VALUE;
        long currentScore = Long.MAX_VALUE;
        int bestTier = Integer.MAX_VALUE;
        int currentTier = Integer.MAX_VALUE;
        for (long id = 0; id < nextPathId; id++) {
            InetSocketAddress remote;
            long rtt;
            boolean peerAvailable;
            if (id == 0) {
                if (path0Abandoned || !conn.path.validated) {
                    continue;
                }
                remote = conn.path.remote;
                rtt = conn.path.rtt.smoothed();
                peerAvailable = path0PeerAvailable;
            } else {
                MultipathPath p = paths.get(id);
                if (p == null || !p.usable()) {
                    continue;
                }
                remote = p.data.remote;
                rtt = p.data.rtt.smoothed();
                peerAvailable = p.peerAvailable;
            }
            int tier;
            if (isClient) {
                tier = isRelay.test(remote) ? 1 : 0; // direct beats relay
            } else {
                tier = peerAvailable ? 0 : 1; // the server follows the client's statuses
            }
            long score = rtt - (remote.getAddress() instanceof Inet6Address ? IPV6_BIAS_NANOS : 0);
            if (id == selected) {
                currentScore = score;
                currentTier = tier;
            }
            if (tier < bestTier || tier == bestTier && score < bestScore) {
                best = id;
                bestScore = score;
                bestTier = tier;
            }
        }
        if (best < 0 || best == selected) {
            return;
        }
        boolean currentUsable = currentTier != Integer.MAX_VALUE;
        if (currentUsable && bestTier == currentTier && currentScore - bestScore < SWITCH_IMPROVEMENT_NANOS) {
            return;
        }
        LOG.debug("{} data path {} -> {}", conn, selected, best);
        selected = best;
        if (isClient) {
            announceStatuses();
        }
    }

    /** Client: the selected path available, every other backup (iroh's apply_selected_path). */
    private void announceStatuses() {
        boolean avail0 = selected == 0;
        if (avail0 != path0LocalAvailable && !path0Abandoned) {
            path0LocalAvailable = avail0;
            path0LocalStatusSeq++;
            path0StatusPending = true;
        }
        for (MultipathPath p : paths.values()) {
            boolean avail = p.id == selected;
            if (!p.abandoned && (avail != p.localAvailable || p.localStatusSeq == 0)) {
                p.localAvailable = avail;
                p.localStatusSeq++;
                p.statusPending = true;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ frames in

    /**
     * A multipath frame, received in a packet of path {@code rx} (null: path 0). Frames naming a path ID above
     * both sides' maximum are a PROTOCOL_VIOLATION (draft §4).
     */
    void onFrame(long now, Frame f, MultipathPath rx, InetSocketAddress from) throws TransportException {
        if (f instanceof Frame.PathAck a) {
            checkPathId(a.pathId(), a.type());
            if (a.pathId() == 0) {
                conn.onPath0Ack(now, a.ack());
            } else {
                MultipathPath p = paths.get(a.pathId());
                if (p != null && !p.abandoned) {
                    if (a.ack().largest() >= p.space.nextPn) {
                        throw new TransportException(TransportError.PROTOCOL_VIOLATION, a.type(),
                                "PATH_ACK of packet " + a.ack().largest() + " on path " + p.id + ", we sent only up to "
                                        + (p.space.nextPn - 1));
                    }
                    p.recovery.onAck(now, p.space, a.ack());
                    if (p.space.keyGeneration == conn.oneRtt.generation()
                            && a.ack().largest() >= p.space.firstPnInKeyGeneration) {
                        conn.oneRtt.onCurrentPhaseAcked();
                    }
                }
            }
        } else if (f instanceof Frame.PathNewConnectionId n) {
            checkPathId(n.pathId(), n.type());
            if (n.pathId() == 0) {
                conn.connectionIds().onNewConnectionId(new Frame.NewConnectionId(n.sequence(), n.retirePriorTo(),
                        n.id(), n.resetToken()));
                return;
            }
            Frame.PathNewConnectionId old = remoteCids.get(n.pathId());
            if (old == null || n.sequence() > old.sequence()) {
                remoteCids.put(n.pathId(), n);
                MultipathPath p = paths.get(n.pathId());
                boolean oldRetired = old != null && n.retirePriorTo() > old.sequence();
                if (p != null && (p.remoteCid == null || oldRetired)) {
                    p.remoteCid = n.id();
                }
                if (oldRetired) {
                    retirePending.add(new long[] {n.pathId(), old.sequence()});
                    if (retirePending.size() > MAX_RETIRE_PENDING) {
                        // a peer churning IDs faster than we can retire them (RFC 9000 §5.1.2)
                        throw new TransportException(TransportError.CONNECTION_ID_LIMIT_ERROR, n.type(),
                                retirePending.size() + " path connection ID retirements outstanding");
                    }
                }
                if (nat != null) {
                    nat.onPathIdsAvailable(now);
                }
            }
        } else if (f instanceof Frame.PathRetireConnectionId r) {
            checkPathId(r.pathId(), r.type());
            if (r.pathId() == 0) {
                conn.connectionIds().onRetire(r.sequence(), new byte[0], 0, 0, !conn.isClosed());
                return;
            }
            LocalCid c = localCids.get(r.pathId());
            if (c != null && c.seq() == r.sequence()) {
                registry.unregister(c.cid());
                localCids.remove(r.pathId());
                MultipathPath p = paths.get(r.pathId());
                if (p == null || !p.abandoned) {
                    issue(r.pathId(), r.sequence() + 1);
                }
            }
        } else if (f instanceof Frame.PathAbandon a) {
            checkPathId(a.pathId(), a.type());
            LOG.debug("{} peer abandoned path {} (0x{})", conn, a.pathId(), Long.toHexString(a.errorCode()));
            abandon(now, a.pathId(), APPLICATION_ABANDON_PATH);
        } else if (f instanceof Frame.PathStatus s) {
            checkPathId(s.pathId(), s.type());
            if (s.pathId() == 0) {
                if (s.sequence() > path0PeerStatusSeq) {
                    path0PeerStatusSeq = s.sequence();
                    path0PeerAvailable = s.available();
                }
            } else {
                MultipathPath p = paths.get(s.pathId());
                if (p != null && s.sequence() > p.peerStatusSeq) {
                    p.peerStatusSeq = s.sequence();
                    p.peerAvailable = s.available();
                }
            }
            select(now);
        } else if (f instanceof Frame.MaxPathId m) {
            if (m.pathId() > peerMaxPathId) {
                peerMaxPathId = m.pathId();
                issueConnectionIds();
            }
        }
        // PATHS_BLOCKED and PATH_CIDS_BLOCKED only inform: we raise nothing on demand
    }

    /**
     * Every path ID a frame may name is one we allowed (draft §4: a path ID above our maximum is a
     * PROTOCOL_VIOLATION); this also bounds what the peer can make us keep per path.
     */
    private void checkPathId(long id, long frameType) throws TransportException {
        if (id > localMaxPathId) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, frameType,
                    "path ID " + id + " above our maximum " + localMaxPathId);
        }
    }

    /** A PATH_CHALLENGE on path {@code p}: the PATH_RESPONSE goes back on that path. */
    void onPathChallenge(MultipathPath p, long data) {
        p.responseData = data;
        p.responsePending = true;
    }

    /** A PATH_RESPONSE on path {@code p}: the path is validated if it answers our challenge. */
    void onPathResponse(long now, MultipathPath p, long data) {
        if (!p.data.validated && data == p.challenge) {
            p.data.validated = true;
            p.everValidated = true;
            p.challengePending = false;
            p.timers.stop(ConnectionTimer.PATH_VALIDATION);
            p.timers.stop(ConnectionTimer.PATH_CHALLENGE);
            LOG.debug("{} validated {}", conn, p);
            select(now);
        }
    }

    /** A packet authenticated on path {@code p}: its idle timer starts again. */
    void onPacketReceived(long now, MultipathPath p, int datagramLength) {
        p.data.bytesReceived += datagramLength;
        p.timers.set(ConnectionTimer.IDLE, now + config.pathIdleTimeout().toNanos());
    }

    // ------------------------------------------------------------------------------------------------ frames out

    boolean hasFrames() {
        if (!newCidPending.isEmpty() || !retirePending.isEmpty() || maxPathIdPending || path0StatusPending
                || path0AbandonPending) {
            return true;
        }
        for (MultipathPath p : paths.values()) {
            if (p.statusPending || p.abandonPending) {
                return true;
            }
        }
        return nat != null && nat.hasFrames();
    }

    /** Writes pending multipath (and NAT traversal) control frames; each is recorded for resending if lost. */
    int writeFrames(byte[] b, int p, int limit, SentPacket sp) {
        while (!newCidPending.isEmpty()) {
            LocalCid c = localCids.get(newCidPending.peek());
            if (c == null) {
                newCidPending.poll();
                continue;
            }
            if (limit - p < FrameWriter.pathNewConnectionIdSize(c.pathId(), c.seq(), c.seq(), c.cid())) {
                return p;
            }
            newCidPending.poll();
            p = FrameWriter.pathNewConnectionId(b, p, c.pathId(), c.seq(), c.seq(), c.cid(), c.token());
            sp.addControl(SentPacket.K_PATH_FRAME, arg(c.pathId(), c.seq(), C_NEW_CID));
        }
        int room = FrameWriter.MAX_PATH_CONTROL_SIZE;
        while (!retirePending.isEmpty() && limit - p >= room) {
            long[] r = retirePending.poll();
            p = FrameWriter.pathRetireConnectionId(b, p, r[0], r[1]);
            sp.addControl(SentPacket.K_PATH_FRAME, arg(r[0], r[1], C_RETIRE));
        }
        if (path0AbandonPending && limit - p >= room) {
            p = FrameWriter.pathAbandon(b, p, 0, path0AbandonCode);
            path0AbandonPending = false;
            sp.addControl(SentPacket.K_PATH_FRAME, arg(0, 0, C_ABANDON));
        }
        if (path0StatusPending && limit - p >= room) {
            p = FrameWriter.pathStatus(b, p, 0, path0LocalStatusSeq, path0LocalAvailable);
            path0StatusPending = false;
            sp.addControl(SentPacket.K_PATH_FRAME, arg(0, path0LocalStatusSeq, C_STATUS));
        }
        for (MultipathPath path : paths.values()) {
            if (path.abandonPending && limit - p >= room) {
                p = FrameWriter.pathAbandon(b, p, path.id, path.abandonCode);
                path.abandonPending = false;
                sp.addControl(SentPacket.K_PATH_FRAME, arg(path.id, 0, C_ABANDON));
            }
            if (path.statusPending && limit - p >= room) {
                if (path.localStatusSeq == 0) {
                    path.localStatusSeq = 1;
                }
                p = FrameWriter.pathStatus(b, p, path.id, path.localStatusSeq, path.localAvailable);
                path.statusPending = false;
                sp.addControl(SentPacket.K_PATH_FRAME, arg(path.id, path.localStatusSeq, C_STATUS));
            }
        }
        if (maxPathIdPending && limit - p >= room) {
            p = FrameWriter.maxPathId(b, p, localMaxPathId);
            maxPathIdPending = false;
            sp.addControl(SentPacket.K_PATH_FRAME, arg(0, 0, C_MAX_PATH_ID));
        }
        if (nat != null) {
            p = nat.writeFrames(b, p, limit, sp);
        }
        return p;
    }

    private static long arg(long pathId, long seq, int kind) {
        return (seq << 36) | (pathId << 3) | kind;
    }

    /** A packet with one of our multipath frames was lost: queue the frame again if it still says something. */
    void onControlLost(long arg) {
        int kind = (int) (arg & 7);
        long pathId = (arg >>> 3) & 0xffff_ffffL;
        long seq = arg >>> 36;
        MultipathPath p = paths.get(pathId);
        switch (kind) {
            case C_NEW_CID -> {
                LocalCid c = localCids.get(pathId);
                if (c != null && c.seq() == seq && !newCidPending.contains(pathId)) {
                    newCidPending.add(pathId);
                }
            }
            case C_STATUS -> {
                if (pathId == 0) {
                    path0StatusPending |= seq == path0LocalStatusSeq;
                } else if (p != null && !p.abandoned && seq == p.localStatusSeq) {
                    p.statusPending = true;
                }
            }
            case C_ABANDON -> {
                if (pathId == 0) {
                    path0AbandonPending = true;
                } else if (p != null) {
                    p.abandonPending = true;
                }
            }
            case C_RETIRE -> retirePending.add(new long[] {pathId, seq});
            case C_MAX_PATH_ID -> maxPathIdPending = true;
            default -> {
                if (nat != null) {
                    nat.onControlLost(arg);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ timers

    long nextTimeout() {
        long t = Math.min(path0Timers.next(), nat == null ? Long.MAX_VALUE : nat.nextTimeout());
        for (MultipathPath p : paths.values()) {
            t = Math.min(t, p.timers.next());
        }
        return t;
    }

    void onTimeout(long now) {
        if (path0Timers.isExpired(ConnectionTimer.KEEP_ALIVE, now)) {
            path0Timers.stop(ConnectionTimer.KEEP_ALIVE);
            conn.ping();
        }
        for (MultipathPath p : new ArrayList<>(paths.values())) {
            if (p.abandoned) {
                continue;
            }
            TimerTable t = p.timers;
            if (t.isExpired(ConnectionTimer.LOSS_DETECTION, now)) {
                t.stop(ConnectionTimer.LOSS_DETECTION);
                p.recovery.onTimeout(now);
            }
            if (t.isExpired(ConnectionTimer.PATH_VALIDATION, now)) {
                LOG.debug("{} validation of {} failed", conn, p);
                abandon(now, p.id, PATH_UNSTABLE_OR_POOR);
                continue;
            }
            if (t.isExpired(ConnectionTimer.PATH_CHALLENGE, now)) {
                p.challengePending = true;
                t.set(ConnectionTimer.PATH_CHALLENGE, now + 2 * p.data.rtt.ptoBase());
            }
            if (t.isExpired(ConnectionTimer.KEEP_ALIVE, now)) {
                t.stop(ConnectionTimer.KEEP_ALIVE);
                p.pingPending = true;
            }
            if (t.isExpired(ConnectionTimer.IDLE, now)) {
                // iroh abandons a path idle for 15 s (its per-path max_idle_timeout)
                LOG.debug("{} {} idle", conn, p);
                abandon(now, p.id, PATH_UNSTABLE_OR_POOR);
            }
        }
        if (nat != null) {
            nat.onTimeout(now);
        }
    }

    /**
     * An ack-eliciting packet went out on {@code p} (null: path 0): the next keep-alive of that path is due an
     * interval later. Every path is kept alive, the relay path too, so it is there to fall back to (iroh's peer
     * abandons a relay path idle for 30 s).
     */
    void onAckElicitingSent(long now, MultipathPath p) {
        (p == null ? path0Timers : p.timers).set(ConnectionTimer.KEEP_ALIVE,
                now + config.pathKeepAliveInterval().toNanos());
    }

    /** The connection closed: no path timer may wake it again. */
    void stopTimers() {
        for (MultipathPath p : paths.values()) {
            p.timers.stopAll();
        }
        path0Timers.stopAll();
        if (nat != null) {
            nat.stopTimers();
        }
    }

    /** What the driver may show of each path (path 0 first). */
    List<PathInfo> snapshot() {
        List<PathInfo> out = new ArrayList<>();
        PathData p0 = conn.path;
        out.add(new PathInfo(0, p0.remote, isRelay.test(p0.remote), p0.validated, path0Abandoned, selected == 0,
                p0.rtt.smoothed(), p0.cc.window(), conn.bytesInFlight()));
        for (MultipathPath p : paths.values()) {
            out.add(new PathInfo(p.id, p.data.remote, isRelay.test(p.data.remote), p.data.validated, p.abandoned,
                    selected == p.id, p.data.rtt.smoothed(), p.data.cc.window(), p.recovery.bytesInFlight()));
        }
        return out;
    }
}
