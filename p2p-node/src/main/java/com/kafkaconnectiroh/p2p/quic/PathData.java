package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.recovery.CongestionController;
import com.kafkaconnectiroh.p2p.quic.recovery.MtuDiscovery;
import com.kafkaconnectiroh.p2p.quic.recovery.Pacer;
import com.kafkaconnectiroh.p2p.quic.recovery.RttEstimator;
import java.net.InetSocketAddress;

/**
 * What a connection knows about one network path (one peer address), as quinn-proto's {@code PathData}: the RTT
 * estimate, congestion window, pacer and path MTU measured on it, its validation (PATH_CHALLENGE) and, until it is
 * validated, the anti-amplification accounting (RFC 9000 §8). A connection sends on one path and keeps the last
 * validated one it left, so a peer that comes back to that address finds its path as it was (RFC 9000 §9.3.2,
 * §9.4) rather than starting from the initial RTT and window again.
 */
final class PathData {
    InetSocketAddress remote;
    boolean validated;
    /** Bytes received from and sent to {@link #remote}: until validated we send at most three times what came. */
    long bytesReceived;
    long bytesSent;
    /** The PATH_CHALLENGE data we expect back, and whether the challenge is to be (re)sent. */
    long challenge;
    boolean challengePending;

    final RttEstimator rtt;
    final CongestionController cc;
    final Pacer pacer;
    final MtuDiscovery mtud;

    private PathData(InetSocketAddress remote, boolean validated, RttEstimator rtt, CongestionController cc,
                     Pacer pacer, MtuDiscovery mtud) {
        this.remote = remote;
        this.validated = validated;
        this.rtt = rtt;
        this.cc = cc;
        this.pacer = pacer;
        this.mtud = mtud;
    }

    /** A path we know nothing about yet: initial RTT and window, MTU from the 1200-byte floor. */
    static PathData fresh(InetSocketAddress remote, boolean validated, TransportConfig config) {
        return new PathData(remote, validated, new RttEstimator(config.initialRtt().toNanos()),
                CongestionController.create(config.congestionController(), MtuDiscovery.BASE), new Pacer(),
                new MtuDiscovery(config.mtuDiscovery(), config.maxMtu(), config.mtuReprobeInterval().toNanos()));
    }

    /**
     * The same path seen from another port: most likely a NAT rebinding, so the estimators go on as they are
     * (RFC 9000 §9.4: no reset when only the port changed). Validation starts over.
     */
    static PathData rebound(InetSocketAddress remote, PathData previous) {
        return new PathData(remote, false, previous.rtt, previous.cc, previous.pacer, previous.mtud);
    }

    /** What we may still send before the peer proves it owns the address (RFC 9000 §8.1). */
    long amplificationBudget() {
        return validated ? Long.MAX_VALUE : Math.max(0, 3 * bytesReceived - bytesSent);
    }

    /** An MTU probe sent on this path was acknowledged: the datagram size may grow, and the window with it. */
    void onMtuProbeAcked(long pn) {
        int before = mtud.current();
        mtud.onProbeAcked(pn);
        if (mtud.current() != before) {
            cc.onMtuChange(mtud.current());
        }
    }
}
