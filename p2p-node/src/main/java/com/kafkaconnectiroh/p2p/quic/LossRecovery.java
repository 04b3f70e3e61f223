package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.Frame;
import com.kafkaconnectiroh.p2p.quic.recovery.CongestionController;
import com.kafkaconnectiroh.p2p.quic.recovery.RttEstimator;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPacket;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.util.ArrayList;
import java.util.List;

/**
 * Loss detection and the congestion response across the three packet number spaces, as RFC 9002 Appendix A
 * describes it: ACK processing with RTT samples, packet- and time-threshold loss, the PTO timer with backoff and
 * the client's anti-deadlock probe, persistent congestion. What the frames in acknowledged or lost packets mean
 * is the connection's business ({@link Host}).
 */
final class LossRecovery {
    /** RFC 9002 kPacketThreshold. */
    static final int PACKET_THRESHOLD = 3;

    /** The connection, as loss recovery sees it. */
    interface Host {
        boolean isClient();

        boolean handshakeConfirmed();

        /** RFC 9002 PeerCompletedAddressValidation. */
        boolean peerCompletedAddressValidation();

        /** A server that may send nothing more until the client sends (anti-amplification). */
        boolean amplificationBlocked();

        boolean hasHandshakeKeys();

        /** Nothing waits to be sent: the window is not what limits us (RFC 9002 §7.8). */
        boolean nothingToSend();

        /** A packet was acknowledged: its frames are delivered. */
        void onAcked(long now, PacketSpace space, SentPacket p);

        /** A packet was declared lost: queue its frames again. */
        void onLost(PacketSpace space, SentPacket p);
    }

    /** The current path's estimators ({@link #usePath}). */
    private RttEstimator rtt;
    private CongestionController cc;
    private final PacketSpace[] spaces;
    private final Host host;
    long peerMaxAckDelayNanos = 25_000_000L;
    int peerAckDelayExponent = 3;
    private int ptoCount;
    /** The connection's timers; loss recovery owns {@link ConnectionTimer#LOSS_DETECTION}. */
    private final TimerTable timers;
    private final ArrayList<SentPacket> ackedScratch = new ArrayList<>();
    private final ArrayList<SentPacket> lostScratch = new ArrayList<>();

    long ptoTotal;
    long packetsLost;
    long bytesLost;
    long congestionEvents;

    LossRecovery(PacketSpace[] spaces, Host host, TimerTable timers, RttEstimator rtt, CongestionController cc) {
        this.spaces = spaces;
        this.host = host;
        this.timers = timers;
        this.rtt = rtt;
        this.cc = cc;
    }

    /** The connection moved to another path: samples and window changes go to that path's estimators. */
    void usePath(RttEstimator rtt, CongestionController cc) {
        this.rtt = rtt;
        this.cc = cc;
    }

    long bytesInFlight() {
        return spaces[0].sent.bytesInFlight() + spaces[1].sent.bytesInFlight() + spaces[2].sent.bytesInFlight();
    }

    /** The PTO period without backoff (RFC 9002 §6.2.1). */
    long ptoPeriod(boolean includeAckDelay) {
        return rtt.ptoBase() + (includeAckDelay ? peerMaxAckDelayNanos : 0);
    }

    /** When {@link #onTimeout} must run, or {@code Long.MAX_VALUE}. */
    long timer() {
        return timers.get(ConnectionTimer.LOSS_DETECTION);
    }

    void stop() {
        timers.stop(ConnectionTimer.LOSS_DETECTION);
    }

    /** A space's keys were discarded: its packets no longer count (RFC 9002 §6.4). */
    void onSpaceDiscarded(long now) {
        ptoCount = 0;
        setTimer(now);
    }

    /** An ACK frame for {@code space} (RFC 9002 §A.7). Returns true if it acknowledged anything new. */
    boolean onAck(long now, PacketSpace space, Frame.Ack ack) throws TransportException {
        if (ack.largest() >= space.nextPn) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, ack.type(),
                    "ACK of packet " + ack.largest() + ", we sent only up to " + (space.nextPn - 1));
        }
        long[] ranges = ack.ranges();
        SentPacket largestNewlyAcked = null;
        boolean anyAckElicitingAcked = false;
        ArrayList<SentPacket> acked = ackedScratch;
        acked.clear();
        for (int i = 0; i < ranges.length && !space.sent.isEmpty(); i += 2) {
            long from = Math.max(ranges[i + 1], space.sent.lowest());
            long to = Math.min(ranges[i], space.sent.end() - 1);
            for (long pn = to; pn >= from; pn--) {
                SentPacket p = space.sent.remove(pn);
                if (p == null) {
                    continue;
                }
                acked.add(p);
                if (largestNewlyAcked == null || p.pn > largestNewlyAcked.pn) {
                    largestNewlyAcked = p;
                }
                anyAckElicitingAcked |= p.ackEliciting;
            }
        }
        space.largestAcked = Math.max(space.largestAcked, ack.largest());
        if (acked.isEmpty()) {
            return false;
        }
        if (largestNewlyAcked.pn == ack.largest() && anyAckElicitingAcked) {
            long ackDelay = 0;
            if (space.id == PacketSpace.APPLICATION) {
                ackDelay = (ack.ackDelay() << peerAckDelayExponent) * 1000L;
                if (host.handshakeConfirmed()) {
                    ackDelay = Math.min(ackDelay, peerMaxAckDelayNanos);
                }
            }
            rtt.update(now - largestNewlyAcked.timeSent, ackDelay);
        }
        boolean appLimited = host.nothingToSend() && bytesInFlight() < cc.window() / 2;
        for (SentPacket p : acked) {
            if (p.inFlight && !p.mtuProbe) {
                cc.onAck(now, p.timeSent, p.size, rtt, appLimited);
            }
            host.onAcked(now, space, p);
        }
        detectLostPackets(now, space);
        if (host.peerCompletedAddressValidation()) {
            ptoCount = 0;
        }
        setTimer(now);
        for (SentPacket p : acked) {
            space.sent.recycle(p);
        }
        acked.clear();
        return true;
    }

    /** RFC 9002 §6.1: packet threshold 3, time threshold 9/8 RTT. */
    void detectLostPackets(long now, PacketSpace space) {
        space.lossTime = Long.MAX_VALUE;
        if (space.largestAcked < 0 || space.sent.isEmpty()) {
            return;
        }
        long lossDelay = rtt.lossDelay();
        long lostSendTime = now - lossDelay;
        ArrayList<SentPacket> lost = lostScratch;
        lost.clear();
        long end = Math.min(space.largestAcked, space.sent.end() - 1);
        for (long pn = space.sent.lowest(); pn <= end; pn++) {
            SentPacket p = space.sent.get(pn);
            if (p == null) {
                continue;
            }
            if (p.timeSent <= lostSendTime || space.largestAcked >= pn + PACKET_THRESHOLD) {
                lost.add(p);
            } else {
                space.lossTime = Math.min(space.lossTime, p.timeSent + lossDelay);
            }
        }
        if (lost.isEmpty()) {
            return;
        }
        long newestLostTime = Long.MIN_VALUE;
        long oldestAckElicitingLost = Long.MAX_VALUE;
        long newestAckElicitingLost = Long.MIN_VALUE;
        boolean congestionSignal = false;
        for (SentPacket p : lost) {
            space.sent.remove(p.pn);
            packetsLost++;
            bytesLost += p.size;
            host.onLost(space, p);
            // lost MTU probes say nothing about congestion (RFC 9000 §14.4)
            if (p.inFlight && !p.mtuProbe) {
                congestionSignal = true;
                newestLostTime = Math.max(newestLostTime, p.timeSent);
                if (p.ackEliciting) {
                    oldestAckElicitingLost = Math.min(oldestAckElicitingLost, p.timeSent);
                    newestAckElicitingLost = Math.max(newestAckElicitingLost, p.timeSent);
                }
            }
        }
        if (congestionSignal) {
            // RFC 9002 §7.6: persistent congestion when losses span the PC duration with no ack in between
            boolean persistent = false;
            if (rtt.hasSample() && newestAckElicitingLost != Long.MIN_VALUE) {
                long pcDuration = (rtt.smoothed() + Math.max(4 * rtt.variance(), RttEstimator.GRANULARITY)
                        + peerMaxAckDelayNanos) * 3;
                persistent = newestAckElicitingLost - oldestAckElicitingLost > pcDuration && contiguousLoss(lost);
            }
            congestionEvents++;
            cc.onCongestionEvent(now, newestLostTime, persistent);
            if (persistent) {
                rtt.reset();
            }
        }
        for (SentPacket p : lost) {
            space.sent.recycle(p);
        }
        lost.clear();
    }

    /** No packet between the first and last lost one was acknowledged (approximated by pn contiguity). */
    private static boolean contiguousLoss(List<SentPacket> lost) {
        int ackEliciting = 0;
        for (SentPacket p : lost) {
            if (p.ackEliciting) {
                ackEliciting++;
            }
        }
        return ackEliciting >= 2 && lost.get(lost.size() - 1).pn - lost.get(0).pn + 1 == lost.size();
    }

    private boolean anyAckElicitingInFlight() {
        for (PacketSpace s : spaces) {
            if (s.sent.hasAckElicitingInFlight()) {
                return true;
            }
        }
        return false;
    }

    /** RFC 9002 SetLossDetectionTimer. */
    void setTimer(long now) {
        long lossTime = Long.MAX_VALUE;
        for (PacketSpace s : spaces) {
            lossTime = Math.min(lossTime, s.lossTime);
        }
        if (lossTime != Long.MAX_VALUE) {
            timers.set(ConnectionTimer.LOSS_DETECTION, lossTime);
            return;
        }
        if (host.amplificationBlocked()) {
            timers.stop(ConnectionTimer.LOSS_DETECTION);
            return;
        }
        if (!anyAckElicitingInFlight() && host.peerCompletedAddressValidation()) {
            timers.stop(ConnectionTimer.LOSS_DETECTION);
            return;
        }
        timers.set(ConnectionTimer.LOSS_DETECTION, ptoTime(now));
    }

    private int ptoSpace;

    /** RFC 9002 GetPtoTimeAndSpace; the space goes to {@link #ptoSpace}. */
    private long ptoTime(long now) {
        long duration = rtt.ptoBase() << Math.min(ptoCount, 20);
        if (!anyAckElicitingInFlight()) {
            ptoSpace = host.hasHandshakeKeys() ? PacketSpace.HANDSHAKE : PacketSpace.INITIAL;
            return now + duration;
        }
        long timeout = Long.MAX_VALUE;
        ptoSpace = PacketSpace.INITIAL;
        for (PacketSpace s : spaces) {
            if (!s.sent.hasAckElicitingInFlight()) {
                continue;
            }
            long d = duration;
            if (s.id == PacketSpace.APPLICATION) {
                if (!host.handshakeConfirmed()) {
                    break;
                }
                d += peerMaxAckDelayNanos << Math.min(ptoCount, 20);
            }
            long t = s.lastAckElicitingSent + d;
            if (t < timeout) {
                timeout = t;
                ptoSpace = s.id;
            }
        }
        return timeout;
    }

    /** The timer fired: declare time-threshold losses, or arm probes (RFC 9002 OnLossDetectionTimeout). */
    void onTimeout(long now) {
        PacketSpace lossSpace = null;
        for (PacketSpace s : spaces) {
            if (s.lossTime != Long.MAX_VALUE && (lossSpace == null || s.lossTime < lossSpace.lossTime)) {
                lossSpace = s;
            }
        }
        if (lossSpace != null) {
            detectLostPackets(now, lossSpace);
            setTimer(now);
            return;
        }
        if (!anyAckElicitingInFlight()) {
            // the client's anti-deadlock probe (RFC 9002 §6.2.2.1)
            PacketSpace s = spaces[host.hasHandshakeKeys() ? PacketSpace.HANDSHAKE : PacketSpace.INITIAL];
            if (!s.discarded && s.writeKeys != null) {
                s.probesPending = 1;
                requeueCrypto(s);
            }
        } else {
            ptoTime(now);
            PacketSpace s = spaces[ptoSpace];
            s.probesPending = 2;
            if (s.id != PacketSpace.APPLICATION) {
                requeueCrypto(s);
            }
        }
        ptoCount++;
        ptoTotal++;
        setTimer(now);
    }

    /** Handshake-space probes carry the unacknowledged CRYPTO data again (RFC 9002 §6.2.4). */
    static void requeueCrypto(PacketSpace s) {
        long end = s.sent.end();
        for (long pn = s.sent.isEmpty() ? end : s.sent.lowest(); pn < end; pn++) {
            SentPacket p = s.sent.get(pn);
            if (p == null) {
                continue;
            }
            for (int i = 0; i < p.cryptoCount; i++) {
                s.cryptoSend.onLost(p.cryptoOffsets[i], p.cryptoLens[i], false);
            }
        }
    }
}
