package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.Frame;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPacket;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * n0's QUIC NAT traversal as noq-proto 1.0.1 implements it ({@code n0_nat_traversal.rs}, IROH-WIRE-MAP-RELAY.md
 * §4), once both sides offered it and multipath. The server advertises its candidate addresses (ADD_ADDRESS,
 * REMOVE_ADDRESS); the client runs rounds: REACH_OUT with each of its own candidates, and probes to each of the
 * server's. A probe is a 1-RTT packet of path 0 (already validated, in practice the relay path) holding only a
 * PATH_CHALLENGE, sent off-path to the candidate: no congestion accounting, not padded. The answer, a PATH_RESPONSE
 * padded to 1200 bytes from that very address, proves the 4-tuple works; the client then opens a multipath path
 * there. Each probe is sent up to {@link #MAX_PROBE_ATTEMPTS} times per round, at growing intervals.
 *
 * <p>Not done: mapping v4 candidates to v4-mapped v6 for dual-stack sockets (the driver passes addresses in the
 * family it sends with).
 */
final class NatTraversal {
    private static final Logger LOG = LoggerFactory.getLogger(NatTraversal.class);
    /** noq's MAX_NAT_PROBE_ATTEMPTS. */
    static final int MAX_PROBE_ATTEMPTS = 9;
    private static final long MAX_RETRY_DELAY_NANOS = 2_000_000_000L;
    /** Probes from elsewhere answered per flush at most; older ones beyond this are dropped (the peer retries). */
    private static final int MAX_QUEUED_RESPONSES = 8;
    /** Probes kept per round at most (our own candidates' and the peer's are bounded by the limits already). */
    private static final int MAX_PROBES = 64;

    private static final int C_ADD = 6;
    private static final int C_REMOVE = 7;
    // REACH_OUT is not resent on loss: the next round carries the candidates again (noq does the same)

    /**
     * A PATH_RESPONSE owed to an off-path probe that came in a packet of path {@code on} (null: path 0), with a
     * client's own PATH_CHALLENGE to that address ({@code challenge}, or null).
     */
    record Response(MultipathPath on, InetSocketAddress to, long data, Long challenge) {
    }

    /** A candidate being probed this round. */
    static final class Probe {
        final InetSocketAddress target;
        final long token;
        int attempts;
        long dueAt;

        Probe(InetSocketAddress target, long token, long dueAt) {
            this.target = target;
            this.token = token;
            this.dueAt = dueAt;
        }
    }

    private final QuicConnection conn;
    private final Multipath multipath;
    private final boolean isClient;
    /** Addresses we accept from the peer, and the peer from us. */
    private final int localLimit;
    private final int peerLimit;
    private final ConnectionIdRegistry registry;
    private final long baseDelay;

    /** Our candidates; a server's numbered for ADD_ADDRESS / REMOVE_ADDRESS. */
    private final Map<Long, InetSocketAddress> local = new LinkedHashMap<>();
    private long nextSeq;
    private final ArrayDeque<Long> addPending = new ArrayDeque<>();
    private final ArrayDeque<Long> removePending = new ArrayDeque<>();
    /** Client: the server's candidates by sequence number. */
    private final TreeMap<Long, InetSocketAddress> remote = new TreeMap<>();
    /** Client: the round we run; server: the newest round the client reached out in. */
    private long round;
    private final ArrayDeque<InetSocketAddress> reachOutPending = new ArrayDeque<>();
    /** Server: the client's candidates of the current round. */
    private final Set<InetSocketAddress> roundAddresses = new LinkedHashSet<>();
    private final List<Probe> probes = new ArrayList<>();
    /** Candidates a probe reached this round (the answer came from the probed address). */
    private final Set<InetSocketAddress> reached = new LinkedHashSet<>();
    /** Client: reached candidates still waiting for a free path ID to open a path on. */
    private final ArrayDeque<InetSocketAddress> toOpen = new ArrayDeque<>();
    private final TimerTable timers = new TimerTable();
    private final ArrayDeque<Response> responses = new ArrayDeque<>();

    NatTraversal(QuicConnection conn, Multipath multipath, boolean isClient, int localLimit, int peerLimit,
                 ConnectionIdRegistry registry) {
        this.conn = conn;
        this.multipath = multipath;
        this.isClient = isClient;
        this.localLimit = localLimit;
        this.peerLimit = peerLimit;
        this.registry = registry;
        this.baseDelay = Math.max(1, conn.initialRttNanos() / 10);
    }

    // ------------------------------------------------------------------------------------------------ API

    /**
     * One of our candidate addresses. Server: advertised with ADD_ADDRESS. Returns false if the peer accepts no
     * more (noq: TooManyAddresses, nothing sent) or it is already known.
     */
    boolean addCandidate(InetSocketAddress address) {
        if (local.containsValue(address)) {
            return false;
        }
        if (!isClient && local.size() >= peerLimit) {
            return false;
        }
        long seq = nextSeq++;
        local.put(seq, address);
        if (!isClient) {
            addPending.add(seq);
        }
        return true;
    }

    /** Withdraws a candidate (server: REMOVE_ADDRESS). Returns whether it was one. */
    boolean removeCandidate(InetSocketAddress address) {
        for (Map.Entry<Long, InetSocketAddress> e : local.entrySet()) {
            if (e.getValue().equals(address)) {
                local.remove(e.getKey());
                addPending.remove(e.getKey());
                if (!isClient) {
                    removePending.add(e.getKey());
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Client: starts a round (noq {@code initiate_nat_traversal_round}): REACH_OUT for each of our candidates and
     * probes to each of the server's. Returns false if we have no candidates (noq: NotEnoughAddresses).
     */
    boolean startRound(long now) {
        if (!isClient) {
            throw new IllegalStateException("only the client starts NAT traversal rounds");
        }
        if (local.isEmpty()) {
            return false;
        }
        round++;
        reachOutPending.clear();
        reachOutPending.addAll(local.values());
        probes.clear();
        reached.clear();
        for (InetSocketAddress a : remote.values()) {
            addProbe(a, now);
        }
        armTimer();
        LOG.debug("{} NAT traversal round {}: reaching out with {}, probing {}", conn, round, local.values(),
                remote.values());
        return true;
    }

    List<InetSocketAddress> remoteCandidates() {
        return new ArrayList<>(remote.values());
    }

    /** Candidates a probe of the current round reached. */
    Set<InetSocketAddress> reached() {
        return reached;
    }

    long round() {
        return round;
    }

    // ------------------------------------------------------------------------------------------------ frames in

    void onFrame(long now, Frame f) throws TransportException {
        if (f instanceof Frame.AddAddress a) {
            clientOnly(f);
            InetSocketAddress old = remote.get(a.sequence());
            if (old == null && remote.size() >= localLimit) {
                LOG.debug("{} ignoring ADD_ADDRESS {}: already {} candidates", conn, a.address(), localLimit);
                return;
            }
            remote.put(a.sequence(), a.address());
        } else if (f instanceof Frame.RemoveAddress r) {
            clientOnly(f);
            remote.remove(r.sequence());
        } else if (f instanceof Frame.ReachOut r) {
            if (isClient) {
                throw new TransportException(TransportError.PROTOCOL_VIOLATION, f.type(), "a server sent REACH_OUT");
            }
            if (r.round() < round) {
                return;
            }
            if (r.round() > round) {
                round = r.round();
                roundAddresses.clear();
                probes.clear();
                reached.clear();
            }
            if (roundAddresses.add(r.address())) {
                if (roundAddresses.size() > localLimit) {
                    throw new TransportException(TransportError.PROTOCOL_VIOLATION, f.type(), "REACH_OUT with "
                            + roundAddresses.size() + " addresses in round " + round + ", we accept " + localLimit);
                }
                addProbe(r.address(), now);
                armTimer();
            }
        }
    }

    private void clientOnly(Frame f) throws TransportException {
        if (!isClient) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, f.type(),
                    "a client sent frame type 0x" + Long.toHexString(f.type()));
        }
    }

    /**
     * A PATH_RESPONSE arrived (on any path) from {@code from}: if it answers one of our probes from the probed
     * address, that candidate is reached; a client opens a path there. Returns whether it was a probe's answer.
     */
    boolean onPathResponse(long now, InetSocketAddress from, long data) {
        for (Probe p : probes) {
            if (p.token == data && p.target.equals(from)) {
                probes.remove(p);
                armTimer();
                if (reached.add(from)) {
                    LOG.debug("{} NAT traversal reached {}", conn, from);
                    if (isClient) {
                        toOpen.add(from);
                        openReached(now);
                    }
                }
                return true;
            }
        }
        return false;
    }

    /** The peer issued connection IDs for more path IDs: paths that waited for one may open now. */
    void onPathIdsAvailable(long now) {
        openReached(now);
    }

    private void openReached(long now) {
        while (!toOpen.isEmpty()) {
            if (multipath.openPath(now, toOpen.peek()) < 0) {
                return; // out of path IDs or connection IDs: retried when the peer issues more
            }
            toOpen.poll();
        }
    }

    /**
     * A PATH_CHALLENGE in a packet of some path from an address that is not that path's: a probe of the peer's
     * NAT traversal (noq probes on whichever validated path it is sending), answered off-path in the same path's
     * space (noq {@code send_off_path_path_response}). Several may arrive at once (one per
     * candidate of ours the peer reached), so they queue; each gets its own answer.
     */
    void onOffPathChallenge(MultipathPath on, InetSocketAddress from, long data) {
        if (responses.size() >= MAX_QUEUED_RESPONSES) {
            responses.poll();
        }
        Long challenge = null;
        MultipathPath existing = multipath.pathTo(from);
        if (isClient && (existing == null || !existing.data.validated) && !reached.contains(from)) {
            // noq's client probes back in its answer: the server's probe just opened the server's NAT towards
            // us, so our challenge gets through even if our own probes to it did not (or we never knew the address)
            Probe p = null;
            for (Probe q : probes) {
                if (q.target.equals(from)) {
                    p = q; // one token per address: answers to the peer's retries repeat it
                }
            }
            if (p == null && probes.size() < MAX_PROBES) {
                p = new Probe(from, registry.random().nextLong(), Long.MAX_VALUE);
                p.attempts = MAX_PROBE_ATTEMPTS; // sent with the answers only, never on a timer
                probes.add(p);
            }
            challenge = p == null ? null : p.token;
        }
        responses.add(new Response(on, from, data, challenge));
    }

    Response pollResponse() {
        return responses.poll();
    }

    // ------------------------------------------------------------------------------------------------ probes

    private void addProbe(InetSocketAddress target, long now) {
        probes.add(new Probe(target, registry.random().nextLong(), now));
    }

    /** A probe due now, or null. */
    Probe dueProbe(long now) {
        for (Probe p : probes) {
            if (p.dueAt <= now && p.attempts < MAX_PROBE_ATTEMPTS) {
                return p;
            }
        }
        return null;
    }

    /** The probe went out: the next attempt follows base, base, 2 base, 4 base, ... up to 2 s (noq retry_delay). */
    void onProbeSent(long now, Probe p) {
        p.attempts++;
        long delay = p.attempts <= 1 ? baseDelay : baseDelay << Math.min(p.attempts - 1, 20);
        p.dueAt = now + Math.min(delay, MAX_RETRY_DELAY_NANOS);
        if (p.attempts >= MAX_PROBE_ATTEMPTS) {
            p.dueAt = Long.MAX_VALUE;
        }
        armTimer();
    }

    private void armTimer() {
        long next = Long.MAX_VALUE;
        for (Probe p : probes) {
            if (p.attempts < MAX_PROBE_ATTEMPTS) {
                next = Math.min(next, p.dueAt);
            }
        }
        timers.set(ConnectionTimer.PATH_CHALLENGE, next);
    }

    long nextTimeout() {
        return timers.next();
    }

    void onTimeout(long now) {
        if (timers.isExpired(ConnectionTimer.PATH_CHALLENGE, now)) {
            // nothing to do here: pollTransmit sends the due probes; the timer only wakes the driver
            timers.stop(ConnectionTimer.PATH_CHALLENGE);
        }
    }

    void stopTimers() {
        timers.stopAll();
        responses.clear();
    }

    // ------------------------------------------------------------------------------------------------ frames out

    boolean hasFrames() {
        return !addPending.isEmpty() || !removePending.isEmpty() || !reachOutPending.isEmpty();
    }

    int writeFrames(byte[] b, int p, int limit, SentPacket sp) {
        while (!addPending.isEmpty()) {
            long seq = addPending.peek();
            InetSocketAddress a = local.get(seq);
            if (a == null) {
                addPending.poll();
                continue;
            }
            if (limit - p < FrameWriter.addressFrameSize(seq, a)) {
                return p;
            }
            addPending.poll();
            p = FrameWriter.addAddress(b, p, seq, a);
            sp.addControl(SentPacket.K_PATH_FRAME, (seq << 36) | C_ADD);
        }
        while (!removePending.isEmpty() && limit - p >= 4 + 8) {
            long seq = removePending.poll();
            p = FrameWriter.removeAddress(b, p, seq);
            sp.addControl(SentPacket.K_PATH_FRAME, (seq << 36) | C_REMOVE);
        }
        while (!reachOutPending.isEmpty() && limit - p >= FrameWriter.addressFrameSize(round, reachOutPending.peek())) {
            p = FrameWriter.reachOut(b, p, round, reachOutPending.poll());
            sp.flags |= SentPacket.F_PING; // ack-eliciting, nothing to resend: the next round repeats it
        }
        return p;
    }

    void onControlLost(long arg) {
        long seq = arg >>> 36;
        switch ((int) (arg & 7)) {
            case C_ADD -> {
                if (local.containsKey(seq) && !addPending.contains(seq)) {
                    addPending.add(seq);
                }
            }
            case C_REMOVE -> removePending.add(seq);
            default -> {
            }
        }
    }

}
