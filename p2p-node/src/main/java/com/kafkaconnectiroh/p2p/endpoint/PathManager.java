package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.quic.PathInfo;
import com.kafkaconnectiroh.p2p.quic.QuicConnection;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Moves one connection between its relay and direct paths once QUIC multipath and n0's NAT traversal are
 * negotiated (docs/relay.md, "QUIC multipath and NAT traversal"); the core ranks the validated paths and sends on
 * the best, this class only gives it paths to rank. It does what iroh's per-remote state does
 * (iroh {@code magicsock/remote_map/remote_state.rs}, v1.0.2), re-implemented for our sans-IO core:
 *
 * <ul>
 *   <li>both sides keep the core's NAT candidates equal to our direct addresses (local and QAD public ones), so the
 *       server advertises them (ADD_ADDRESS) and the client reaches out with them (REACH_OUT);</li>
 *   <li>the client opens a path to every other transport it knows for the peer: the peer's direct addresses when the
 *       handshake went through the relay, the peer's relay when it went direct (the fallback);</li>
 *   <li>the client starts NAT traversal rounds: at once, when the server's candidates or ours change (at most one
 *       round per {@value #ROUND_SECONDS} s), and every {@value #SLOW_ROUND_SECONDS} s while no direct path has an
 *       RTT of {@value #GOOD_RTT_MILLIS} ms or less; a round that cannot start yet is retried after 100 ms.</li>
 * </ul>
 *
 * A path that stops answering is abandoned by the core after its idle timeout and its data goes on the others, so a
 * cut direct path falls back to the relay path without losing stream data. Loop-confined; does nothing (and costs
 * one branch per round) on a connection without multipath.
 */
final class PathManager {
    static final int ROUND_SECONDS = 5;
    static final int SLOW_ROUND_SECONDS = 60;
    static final int GOOD_RTT_MILLIS = 10;
    private static final long ROUND_INTERVAL = TimeUnit.SECONDS.toNanos(ROUND_SECONDS);
    private static final long SLOW_ROUND_INTERVAL = TimeUnit.SECONDS.toNanos(SLOW_ROUND_SECONDS);
    private static final long GOOD_RTT = TimeUnit.MILLISECONDS.toNanos(GOOD_RTT_MILLIS);
    /** How often the state is looked at while the connection is busy, and the retry delay of a round or path. */
    private static final long CHECK_INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);

    private final Driver driver;
    private final QuicConnection quic;
    /** Client: what we dialed (the peer's direct addresses and relays); null on the server side. */
    private EndpointAddr dialed;
    private final Set<InetSocketAddress> candidates = new HashSet<>();
    /** Targets a path was opened to once; each gets one path, a dead one is not retried. */
    private final Set<InetSocketAddress> opened = new HashSet<>();
    private List<InetSocketAddress> remoteCandidates = List.of();
    private boolean roundWanted = true;
    private long lastRound;
    private boolean roundDone;
    private long nextCheck;
    private long wakeAt = Long.MAX_VALUE;

    PathManager(Driver driver, QuicConnection quic) {
        this.driver = driver;
        this.quic = quic;
        quic.relayAddresses(RelayAddresses::isRelayAddress);
        this.nextCheck = driver.now(); // nanoTime values: compared by difference only
    }

    /** Client: the address the dial used, for the paths to open besides the handshake's. */
    void dialed(EndpointAddr addr) {
        this.dialed = addr;
    }

    /** When {@link #poll} wants to run again without other input, or {@link Long#MAX_VALUE}. */
    long wakeAt() {
        return wakeAt;
    }

    /** Runs on every processing round of the connection (before its datagrams are polled). */
    void poll(long now) {
        if (!quic.isMultipath() || quic.isClosed()) {
            wakeAt = Long.MAX_VALUE;
            return;
        }
        if (now - nextCheck < 0) {
            wakeAt = nextCheck; // busy: look again shortly, not on every datagram
            return;
        }
        nextCheck = now + CHECK_INTERVAL;
        wakeAt = Long.MAX_VALUE;
        if (quic.isNatTraversal()) {
            syncCandidates(now);
        }
        if (!quic.isClient() || !quic.isHandshakeConfirmed()) {
            if (quic.isClient()) {
                wakeAt = nextCheck;
            }
            return;
        }
        List<PathInfo> paths = quic.paths();
        openOtherPaths(now, paths);
        if (quic.isNatTraversal()) {
            rounds(now, paths);
        }
    }

    private void syncCandidates(long now) {
        List<InetSocketAddress> local = driver.localCandidates(now);
        boolean changed = false;
        for (InetSocketAddress a : local) {
            if (!candidates.contains(a) && quic.addNatCandidate(a)) {
                candidates.add(a);
                changed = true;
            }
        }
        for (InetSocketAddress a : new ArrayList<>(candidates)) {
            if (!local.contains(a)) {
                quic.removeNatCandidate(a);
                candidates.remove(a);
                changed = true;
            }
        }
        if (changed) {
            roundWanted = true;
        }
    }

    private void openOtherPaths(long now, List<PathInfo> paths) {
        if (dialed == null || paths.isEmpty()) {
            return;
        }
        boolean overRelay = RelayAddresses.isRelayAddress(paths.get(0).remote());
        List<InetSocketAddress> targets = new ArrayList<>();
        if (overRelay) {
            if (driver.relayMode != RelayMode.RELAY_ONLY) {
                targets.addAll(Dialer.directOrder(driver.localAddress(), dialed.ipAddrs()));
            }
        } else if (driver.relay() != null) {
            for (RelayUrl url : dialed.relayUrls()) {
                targets.add(driver.relay().addressOf(url, dialed.id()));
            }
        }
        for (InetSocketAddress t : targets) {
            if (opened.contains(t) || hasPath(paths, t)) {
                continue;
            }
            if (quic.openPath(now, t) >= 0) {
                opened.add(t);
            } else {
                wakeAt = Math.min(wakeAt, nextCheck); // no path ID with connection IDs yet: the next check retries
            }
        }
    }

    private static boolean hasPath(List<PathInfo> paths, InetSocketAddress remote) {
        for (PathInfo p : paths) {
            if (!p.abandoned() && p.remote().equals(remote)) {
                return true;
            }
        }
        return false;
    }

    private void rounds(long now, List<PathInfo> paths) {
        List<InetSocketAddress> remote = quic.natRemoteCandidates();
        if (!remote.equals(remoteCandidates)) {
            remoteCandidates = List.copyOf(remote);
            roundWanted = true;
        }
        long due;
        if (!roundDone) {
            due = now;
        } else if (roundWanted) {
            due = lastRound + ROUND_INTERVAL;
        } else if (!goodDirectPath(paths)) {
            due = lastRound + SLOW_ROUND_INTERVAL;
        } else {
            return;
        }
        if (now - due < 0) {
            wakeAt = Math.min(wakeAt, due);
            return;
        }
        if (quic.startNatTraversalRound(now)) {
            roundDone = true;
            roundWanted = false;
            lastRound = now;
            long next = now + (goodDirectPath(paths) ? ROUND_INTERVAL : SLOW_ROUND_INTERVAL);
            wakeAt = Math.min(wakeAt, next);
        } else {
            wakeAt = Math.min(wakeAt, now + CHECK_INTERVAL); // no candidates yet, or not confirmed: retry
        }
    }

    /** The remote address of the path {@code qc} sends on now (path 0's without multipath). */
    static InetSocketAddress selectedRemote(QuicConnection qc) {
        if (qc.isMultipath()) {
            for (PathInfo p : qc.paths()) {
                if (p.selected() && !p.abandoned()) {
                    return p.remote();
                }
            }
        }
        return qc.remoteAddress();
    }

    private static boolean goodDirectPath(List<PathInfo> paths) {
        for (PathInfo p : paths) {
            if (!p.relay() && p.validated() && !p.abandoned() && p.smoothedRtt() <= GOOD_RTT) {
                return true;
            }
        }
        return false;
    }
}
