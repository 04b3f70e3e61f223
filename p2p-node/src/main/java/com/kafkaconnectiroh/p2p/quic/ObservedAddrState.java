package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.Frame;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.params.ObservedAddrRole;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.net.InetSocketAddress;

/**
 * QUIC address discovery on one connection (draft-ietf-quic-address-discovery as noq-proto 1.x does it,
 * IROH-WIRE-MAP-RELAY §2.2): what each side's observed_addr role allows, the reports we owe the peer and the last
 * report the peer sent us.
 *
 * <p>Sending: a report of the peer's address on the current path once the handshake completes and again whenever
 * the peer's address changes; sequence numbers count per connection from 0, and a lost report is sent again
 * (with a new number) if it still matters. Receiving: a report whose sequence number is not above the last one is
 * ignored (reordered); one that changes the address is an event. A report we did not negotiate is a
 * PROTOCOL_VIOLATION.
 */
final class ObservedAddrState {
    private final ObservedAddrRole local;
    private ObservedAddrRole peer;
    private long nextSeq;
    /** A report of the current path's remote address is owed. */
    boolean pending;
    private long lastSeqReceived = -1;
    private InetSocketAddress observed;

    ObservedAddrState(ObservedAddrRole local) {
        this.local = local;
    }

    void onPeerParameters(ObservedAddrRole peerRole) {
        peer = peerRole;
    }

    private boolean weSend() {
        return ObservedAddrRole.reports(local, peer);
    }

    /** The handshake completed (peer parameters known): the first report goes out. */
    void onHandshakeComplete() {
        pending = weSend();
    }

    /** We now send to another peer address: tell the peer what we see. */
    void onPathChanged() {
        pending = weSend();
    }

    /** A packet carrying a report was lost: send a fresh one. */
    void onLost() {
        pending = weSend();
    }

    /** Writes the owed report of {@code remote} if it fits; returns the new position (unchanged if not). */
    int write(byte[] b, int p, int limit, InetSocketAddress remote) {
        if (!pending || limit - p < FrameWriter.observedAddrSize(nextSeq, remote)) {
            return p;
        }
        pending = false;
        return FrameWriter.observedAddr(b, p, nextSeq++, remote);
    }

    /** A report from the peer; true if it changed the address it sees us at. */
    boolean onReport(Frame.ObservedAddr f) throws TransportException {
        if (!ObservedAddrRole.reports(peer, local)) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, f.type(),
                    "OBSERVED_ADDR frame without negotiation (our observed_addr role " + local + ", peer's " + peer + ")");
        }
        if (f.sequence() <= lastSeqReceived) {
            return false;
        }
        lastSeqReceived = f.sequence();
        if (f.address().equals(observed)) {
            return false;
        }
        observed = f.address();
        return true;
    }

    /** The address the peer last reported seeing us at, or null. */
    InetSocketAddress observed() {
        return observed;
    }
}
