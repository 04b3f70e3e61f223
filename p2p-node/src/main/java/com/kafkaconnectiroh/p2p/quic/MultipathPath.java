package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import java.net.InetSocketAddress;

/**
 * One multipath path other than path 0 (draft-ietf-quic-multipath, as noq-proto 1.0.1 speaks it): its own packet
 * number space with loss recovery, its {@link PathData} (RTT, window, MTU, anti-amplification), the connection ID
 * the peer issued for it, its validation, the status each side gave it, and its own deadlines (loss detection,
 * challenge resend, validation, keep-alive, idle). Path 0 is the connection's handshake path and keeps living in
 * {@link QuicConnection}'s own fields, so a connection without multipath is exactly what it was.
 */
final class MultipathPath {
    final long id;
    final PathData data;
    /** An APPLICATION space numbered for this path (its packets' AEAD nonce carries the path ID). */
    final PacketSpace space;
    /** LOSS_DETECTION, PATH_CHALLENGE, PATH_VALIDATION, KEEP_ALIVE, IDLE of this path. */
    final TimerTable timers = new TimerTable();
    LossRecovery recovery;
    /** We opened it (only clients open paths): we may send there before the peer proved anything. */
    final boolean opener;

    /** The peer's connection ID for this path that our packets carry. */
    ConnectionId remoteCid;

    /** Its MTU search has started (once the path is validated and the handshake confirmed). */
    boolean mtuSearchStarted;

    boolean abandoned;
    /** A PATH_ABANDON for this path is to be sent (again). */
    boolean abandonPending;
    long abandonCode;

    /** What the peer last said of this path (PATH_STATUS_*); a new path is available until it says otherwise. */
    boolean peerAvailable = true;
    long peerStatusSeq = -1;
    /** What we say of it, and whether that PATH_STATUS is to be sent (again). */
    boolean localAvailable;
    long localStatusSeq;
    boolean statusPending;

    long challenge;
    boolean challengePending;
    long responseData;
    boolean responsePending;
    boolean pingPending;
    /** A PATH_CHALLENGE or PATH_RESPONSE was answered in time: the path is usable for data. */
    boolean everValidated;

    MultipathPath(long id, InetSocketAddress remote, boolean opener, TransportConfig config) {
        this.id = id;
        this.opener = opener;
        this.data = PathData.fresh(remote, false, config);
        this.space = new PacketSpace(PacketSpace.APPLICATION, id);
    }

    /** The bytes we may send now before the peer proves the address: none of it for a path we opened. */
    long amplificationBudget() {
        return opener ? Long.MAX_VALUE : data.amplificationBudget();
    }

    boolean usable() {
        return !abandoned && data.validated;
    }

    @Override
    public String toString() {
        return "path " + id + " to " + data.remote + (abandoned ? " (abandoned)" : data.validated ? "" : " (unvalidated)");
    }
}
