package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.packet.PacketNumber;
import com.kafkaconnectiroh.p2p.quic.protection.OneRttKeys;
import com.kafkaconnectiroh.p2p.quic.protection.PacketKey;
import com.kafkaconnectiroh.p2p.quic.protection.PacketSealer;
import com.kafkaconnectiroh.p2p.quic.recovery.MtuDiscovery;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPacket;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.VarInt;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending half of a {@link QuicConnection}, as quinn-proto's {@code packet_builder.rs} is of its connection:
 * assembles datagrams from what the connection has to send (ACKs, CRYPTO, control and stream frames, DATAGRAMs,
 * path probes, MTU probes, CONNECTION_CLOSE): per packet number space a packet planned within the room left,
 * coalesced, padded where RFC 9000 §14.1 and §8.2 want it, protected (RFC 9001 §5) and recorded as sent for loss
 * recovery. Works in the endpoint's shared scratch buffers; allocates nothing per packet. The connection decides
 * when it may send ({@link QuicConnection#pollTransmit}); this decides what goes into the bytes.
 */
final class PacketBuilder {
    /** Logs under the connection's name: a packet trace reads as one stream with the receive side. */
    private static final Logger LOG = LoggerFactory.getLogger(QuicConnection.class);
    private static final byte[] EMPTY = new byte[0];
    /** After this many ACK-only packets in a row, the next one carries a PING. */
    private static final int ACK_ONLY_PING_INTERVAL = 20;
    private static final int MIN_INITIAL_SIZE = QuicConnection.MIN_INITIAL_SIZE;

    private final QuicConnection conn;
    private final boolean isClient;
    private final TransportConfig config;
    private final Scratch scratch;
    private final PacketSpace[] spaces;
    private final ConnectionIds cids;
    private final StreamManager streams;
    private final ArrayDeque<byte[]> datagramsOut;
    private final TimerTable timers;
    private final HandshakeState hs;
    private final FrameCounts frameTx;
    private final PacketSealer sealer = new PacketSealer();
    private final PacketPlan[] plans = {new PacketPlan(), new PacketPlan(), new PacketPlan()};

    /** A packet being assembled for the current datagram. */
    private static final class PacketPlan {
        PacketSpace space;
        long pn;
        int pnLen;
        byte[] payload;
        int payloadLen;
        SentPacket sent;
        boolean ackEliciting;
        boolean hasPadding;
    }

    PacketBuilder(QuicConnection conn, boolean isClient, TransportConfig config, Scratch scratch, PacketSpace[] spaces,
                  ConnectionIds cids, StreamManager streams, ArrayDeque<byte[]> datagramsOut, TimerTable timers,
                  HandshakeState hs, FrameCounts frameTx) {
        this.conn = conn;
        this.isClient = isClient;
        this.config = config;
        this.scratch = scratch;
        this.spaces = spaces;
        this.cids = cids;
        this.streams = streams;
        this.datagramsOut = datagramsOut;
        this.timers = timers;
        this.hs = hs;
        this.frameTx = frameTx;
    }

    /**
     * The multipath path the datagram being built goes on; null for path 0 (the connection's own path and spaces,
     * all there is without multipath).
     */
    private MultipathPath onPath;
    /** Stream, flow-control and DATAGRAM frames may go into the datagram being built (its path carries data). */
    private boolean dataHere = true;

    /** The next datagrams of an open connection (see {@link QuicConnection#pollTransmit}), or null. */
    Transmit transmit(long now, ByteBuffer out, int maxDatagrams) {
        dataHere = conn.dataOnPath0();
        int start = out.position();
        int segment = 0;
        int count = 0;
        InetSocketAddress dest = conn.path.remote;
        while (count < maxDatagrams) {
            int mtu = conn.path.mtud.current();
            int limit = count == 0 ? Math.max(mtu, MIN_INITIAL_SIZE) : segment;
            if (out.remaining() < limit) {
                break;
            }
            // an MTU probe travels alone: it is bigger than the segments of a batch
            if (count == 0 && hs.confirmed && conn.path.validated) {
                int probe = mtuProbeSize(now);
                if (probe > 0) {
                    int n = buildMtuProbe(now, probe, spaces[PacketSpace.APPLICATION], cids.activeRemote(),
                            conn.path.mtud);
                    if (n > 0) {
                        out.put(scratch.dgram, 0, n);
                        onDatagramSent(n);
                        return new Transmit(dest, n, n, 1);
                    }
                }
            }
            if (conn.pathResponsePending && !conn.pathResponseTo.equals(conn.path.remote)) {
                if (count > 0) {
                    break;
                }
                conn.pathResponsePending = false;
                int n = conn.oneRtt == null || !hs.complete ? 0
                        : offPathPacket(now, null, true, conn.pathResponseData, null, true);
                if (n > 0) {
                    out.put(scratch.dgram, 0, n);
                    onDatagramSent(n);
                    return new Transmit(conn.pathResponseTo, n, n, 1);
                }
            }
            int n = buildDatagram(now, limit, count == 0);
            if (n == 0) {
                break;
            }
            out.put(scratch.dgram, 0, n);
            onDatagramSent(n);
            if (count == 0) {
                segment = n;
            }
            count++;
            if (n < segment) {
                break;
            }
        }
        if (count == 0) {
            return null;
        }
        return new Transmit(dest, out.position() - start, segment, count);
    }

    private void onDatagramSent(int n) {
        onDatagramSent(conn.path, n);
    }

    /** Counts a datagram of {@code n} bytes sent on {@code path} (path 0's, or a multipath path's). */
    private void onDatagramSent(PathData path, int n) {
        conn.datagramsSent++;
        conn.bytesSent += n;
        path.bytesSent += n;
    }

    /** Whether an MTU probe of {@code probe} bytes (0: none due) may go now: within the window and the scratch. */
    private boolean probeFits(int probe, long bytesInFlight, long window) {
        return probe > 0 && bytesInFlight + probe <= window && probe <= scratch.dgram.length;
    }

    private int mtuProbeSize(long now) {
        PathData path = conn.path;
        if (conn.oneRtt == null || config.pacing()
                && path.pacer.delayUntil(now, path.mtud.current(), path.cc.window(), path.rtt.smoothed()) > 0) {
            return 0;
        }
        int probe = path.mtud.probeToSend(now);
        conn.armMtuTimer();
        return probeFits(probe, conn.bytesInFlight(), path.cc.window()) ? probe : 0;
    }

    /** One 1-RTT packet of PING + PADDING filling {@code size} bytes, in {@code app}, to {@code dcid}. */
    private int buildMtuProbe(long now, int size, PacketSpace app, ConnectionId dcid, MtuDiscovery mtud) {
        PacketPlan plan = plans[0];
        plan.space = app;
        plan.pn = app.nextPn;
        plan.pnLen = PacketNumber.encodedLength(plan.pn, app.largestAcked);
        int header = 1 + dcid.length() + plan.pnLen;
        int payloadMax = size - header - PacketKey.TAG_LENGTH;
        byte[] b = scratch.txPlain[0];
        int p = FrameWriter.ping(b, 0);
        p = FrameWriter.padding(b, p, payloadMax - p);
        SentPacket sp = app.sent.obtain();
        sp.mtuProbe = true;
        sp.flags |= SentPacket.F_PING;
        plan.payload = b;
        plan.payloadLen = p;
        plan.sent = sp;
        plan.ackEliciting = true;
        plan.hasPadding = true;
        int n = serialize(now, plans, 1, size);
        mtud.onProbeSent(plan.pn);
        return n;
    }

    /**
     * A 1-RTT packet of path 0 holding one PATH_RESPONSE or PATH_CHALLENGE for an address other than path 0's: a
     * response to a peer probing from elsewhere (RFC 9000 §8.2.2; padded to 1200 bytes to show the path carries
     * them), or a NAT traversal probe (not padded). {@code recorded}: counted in flight on path 0 (responses to a
     * migrating peer, as before) or not (NAT traversal, whose packets say nothing of path 0). Returns the length.
     */
    private int offPathPacket(long now, MultipathPath on, boolean response, long data, Long challenge,
                              boolean recorded) {
        onPath = on;
        try {
            return offPathPacketIn(now, on == null ? spaces[PacketSpace.APPLICATION] : on.space, response, data,
                    challenge, recorded);
        } finally {
            onPath = null;
        }
    }

    /** {@code challenge}: a PATH_CHALLENGE of our own after the PATH_RESPONSE, or null. */
    private int offPathPacketIn(long now, PacketSpace app, boolean response, long data, Long challenge,
                                boolean recorded) {
        PacketPlan plan = plans[0];
        plan.space = app;
        plan.pn = app.nextPn;
        plan.pnLen = PacketNumber.encodedLength(plan.pn, app.largestAcked);
        byte[] b = scratch.txPlain[0];
        int p = response ? FrameWriter.pathResponse(b, 0, data) : FrameWriter.pathChallenge(b, 0, data);
        frameTx.count(response ? FrameType.PATH_RESPONSE : FrameType.PATH_CHALLENGE);
        if (challenge != null) {
            p = FrameWriter.pathChallenge(b, p, challenge);
            frameTx.count(FrameType.PATH_CHALLENGE);
        }
        if (response) {
            int header = headerSize(app, plan.pnLen);
            p = FrameWriter.padding(b, p, MIN_INITIAL_SIZE - header - PacketKey.TAG_LENGTH - p);
        }
        plan.payload = b;
        plan.payloadLen = p;
        plan.sent = app.sent.obtain();
        plan.ackEliciting = recorded;
        plan.hasPadding = recorded;
        return serialize(now, plans, 1, response ? MIN_INITIAL_SIZE : 0);
    }

    /**
     * Assembles one datagram of at most {@code maxSize} bytes: packets of each space with keys and something to
     * send, coalesced (Initial, Handshake, then 1-RTT). Returns its length, 0 if there is nothing to send.
     */
    private int buildDatagram(long now, int maxSize, boolean firstInBatch) {
        long budget = conn.path.amplificationBudget();
        if (budget < maxSize) {
            if (budget < MIN_INITIAL_SIZE) {
                return 0;
            }
            maxSize = (int) Math.min(maxSize, budget);
        }
        boolean probing = spaces[0].probesPending > 0 || spaces[1].probesPending > 0 || spaces[2].probesPending > 0;
        boolean congestionOk = probing || conn.bytesInFlight() + maxSize <= conn.path.cc.window();
        boolean paced = false;
        if (congestionOk && !probing && config.pacing() && hs.complete) {
            long at = conn.path.pacer.delayUntil(now, maxSize, conn.path.cc.window(), conn.path.rtt.smoothed());
            if (at > 0) {
                timers.set(ConnectionTimer.PACING, at);
                paced = true;
            }
        }
        boolean mayElicit = congestionOk && !paced;
        roomForPathProbe = maxSize >= MIN_INITIAL_SIZE;
        wrotePathFrame = false;
        int used = 0;
        int n = 0;
        boolean containsInitial = false;
        boolean ackElicitingInitial = false;
        boolean sentHandshake = false;
        for (PacketSpace s : spaces) {
            if (s.id == PacketSpace.APPLICATION) {
                if (conn.oneRtt == null || !hs.complete) {
                    continue;
                }
            } else if (!s.hasKeysToSend()) {
                continue;
            }
            PacketPlan plan = plans[n];
            int room = maxSize - used;
            if (!planPacket(now, s, plan, scratch.txPlain[n], room, mayElicit)) {
                continue;
            }
            used += packetSize(plan);
            if (s.id == PacketSpace.INITIAL) {
                containsInitial = true;
                ackElicitingInitial |= plan.ackEliciting;
            }
            if (s.id == PacketSpace.HANDSHAKE) {
                sentHandshake = true;
            }
            n++;
        }
        if (n == 0) {
            return 0;
        }
        // RFC 9000 §14.1: datagrams with Initial packets are padded to 1200 bytes (clients always, servers
        // when ack-eliciting); so are those probing a path (§8.2)
        int target = 0;
        if (containsInitial && (isClient || ackElicitingInitial) || wrotePathFrame) {
            target = MIN_INITIAL_SIZE;
        }
        wrotePathFrame = false;
        int len = serialize(now, plans, n, target);
        if (isClient && sentHandshake) {
            // RFC 9001 §4.9.1: a client drops Initial keys once it sends a Handshake packet
            conn.discardSpace(PacketSpace.INITIAL, now);
        }
        return len;
    }

    private int headerSize(PacketSpace s, int pnLen) {
        int dcid = onPath != null ? onPath.remoteCid.length() : cids.activeRemote().length();
        if (s.id == PacketSpace.APPLICATION) {
            return PacketSealer.shortHeaderSize(dcid, pnLen);
        }
        return PacketSealer.longHeaderSize(dcid, cids.initialLocalCid().length(), isClient ? conn.retryToken.length : 0,
                s.id == PacketSpace.INITIAL, pnLen);
    }

    private int packetSize(PacketPlan plan) {
        return headerSize(plan.space, plan.pnLen) + plan.payloadLen + PacketKey.TAG_LENGTH;
    }

    /**
     * Fills {@code plan} with the frames space {@code s} has to send, within {@code room} bytes of datagram.
     * Returns false if there is nothing.
     */
    private boolean planPacket(long now, PacketSpace s, PacketPlan plan, byte[] b, int room, boolean mayElicit) {
        long pn = s.nextPn;
        int pnLen = PacketNumber.encodedLength(pn, s.largestAcked);
        int limit = room - headerSize(s, pnLen) - PacketKey.TAG_LENGTH;
        if (limit < 8) {
            return false;
        }
        boolean probe = s.probesPending > 0;
        boolean elicit = mayElicit || probe;
        boolean isApp = s.id == PacketSpace.APPLICATION;
        boolean ackDue = s.ackPending
                && (!isApp || s.ackImmediately || timers.isExpired(ConnectionTimer.ACK_DELAY, now));
        boolean hasData = elicit && hasAckElicitingWork(s, now);
        if (!ackDue && !hasData && !probe) {
            return false;
        }
        SentPacket sp = s.sent.obtain();
        int p = 0;
        if (s.ackPending) {
            long delay = Math.max(0, now - s.largestReceivedTime) / 1000 >> config.ackDelayExponent();
            if (!isApp) {
                delay = 0;
            }
            int q = s.pathId != 0
                    ? FrameWriter.pathAck(b, p, s.pathId, s.ackRanges, delay, limit - p, PacketSpace.MAX_ACK_RANGES)
                    : FrameWriter.ack(b, p, s.ackRanges, delay, limit - p, PacketSpace.MAX_ACK_RANGES, -1, -1, -1);
            if (q > 0) {
                p = q;
                sp.largestAckSent = s.ackRanges.max();
                s.ackPending = false;
                s.ackImmediately = false;
                s.ackElicitingSinceAck = 0;
                if (isApp) {
                    if (s.pathId == 0) {
                        timers.stop(ConnectionTimer.ACK_DELAY);
                    }
                    conn.oneRtt.onAckSent(s.pathId, sp.largestAckSent);
                }
            }
        }
        if (elicit) {
            if (isApp) {
                p = writeAppFrames(now, s, b, p, limit, sp);
            } else {
                p = writeCryptoFrames(s, b, p, limit, sp);
            }
            boolean ackEliciting = sp.flags != 0 || sp.streamCount > 0 || sp.cryptoCount > 0 || sp.controlCount > 0
                    || wroteUnrecordedElicitingFrame;
            if (probe && !ackEliciting && limit - p >= 1) {
                p = FrameWriter.ping(b, p);
                sp.flags |= SentPacket.F_PING;
                ackEliciting = true;
            }
            if (ackEliciting && probe) {
                s.probesPending--;
            }
            wroteUnrecordedElicitingFrame = false;
            if (!ackEliciting && isApp && p > 0 && s.ackOnlyStreak >= ACK_ONLY_PING_INTERVAL
                    && !s.sent.hasAckElicitingInFlight() && limit - p >= 1) {
                // RFC 9000 §13.2.4: a pure receiver makes a packet ack-eliciting now and then, so the peer's ACKs
                // let us stop repeating old ACK ranges
                p = FrameWriter.ping(b, p);
                sp.flags |= SentPacket.F_PING;
                ackEliciting = true;
            }
            plan.ackEliciting = ackEliciting;
        } else {
            plan.ackEliciting = false;
        }
        s.ackOnlyStreak = plan.ackEliciting ? 0 : s.ackOnlyStreak + 1;
        if (p == 0) {
            s.sent.recycle(sp);
            return false;
        }
        // header protection samples 16 bytes starting 4 after the packet number (RFC 9001 §5.4.2)
        plan.hasPadding = false;
        if (pnLen + p < 4) {
            p = FrameWriter.padding(b, p, 4 - pnLen - p);
            plan.hasPadding = true;
        }
        plan.space = s;
        plan.pn = pn;
        plan.pnLen = pnLen;
        plan.payload = b;
        plan.payloadLen = p;
        plan.sent = sp;
        return true;
    }

    /** Set while writing app frames when a frame we do not track for retransmission (PING etc.) went in. */
    private boolean wroteUnrecordedElicitingFrame;
    /** The datagram being built may grow to 1200 bytes (for path probing frames). */
    private boolean roomForPathProbe;
    /** A PATH_CHALLENGE or PATH_RESPONSE went into the datagram being built. */
    private boolean wrotePathFrame;

    private boolean hasAckElicitingWork(PacketSpace s, long now) {
        if (s.id != PacketSpace.APPLICATION) {
            return s.cryptoSend.hasPendingData(Long.MAX_VALUE) || s.pingPending;
        }
        boolean mp = conn.multipath != null && conn.multipath.hasFrames();
        if (onPath != null) {
            return onPath.responsePending || onPath.challengePending || onPath.pingPending || s.pingPending || mp
                    || dataHere && hasDataWork();
        }
        return hs.donePending || conn.pathResponsePending || conn.path.challengePending || conn.keepAlivePending
                || conn.observedAddr.pending || s.pingPending || mp || dataHere && hasDataWork();
    }

    /** What only the path carrying data sends. */
    private boolean hasDataWork() {
        return streams.hasControlFrames() || cids.hasNewCidFrames() || cids.hasRetireFrames()
                || !datagramsOut.isEmpty() || streams.hasStreamData();
    }

    private int writeCryptoFrames(PacketSpace s, byte[] b, int p, int limit, SentPacket sp) {
        long[] chunk = cryptoChunk;
        while (limit - p > 8) {
            int maxHeader = 1 + 8 + 2;
            if (!s.cryptoSend.nextChunk(limit - p - maxHeader, Long.MAX_VALUE, chunk)) {
                break;
            }
            long offset = chunk[0];
            int len = (int) chunk[1];
            if (len == 0) {
                break;
            }
            p = FrameWriter.cryptoHeader(b, p, offset, len);
            s.cryptoSend.copy(offset, b, p, len);
            p += len;
            s.cryptoSend.onSent(offset, len, false);
            sp.addCrypto(offset, len);
        }
        if (s.pingPending && limit - p >= 1) {
            p = FrameWriter.ping(b, p);
            sp.flags |= SentPacket.F_PING;
            s.pingPending = false;
        }
        return p;
    }

    private final long[] cryptoChunk = new long[4];

    private int writeAppFrames(long now, PacketSpace s, byte[] b, int p, int limit, SentPacket sp) {
        if (hs.donePending && limit - p >= 1) {
            p = FrameWriter.handshakeDone(b, p);
            sp.flags |= SentPacket.F_HANDSHAKE_DONE;
            hs.donePending = false;
        }
        // RFC 9000 §8.2.1/§8.2.2: datagrams with PATH_CHALLENGE or PATH_RESPONSE are expanded to 1200 bytes (noq
        // only answers on-path challenges in such datagrams, and so do we)
        if (onPath != null) {
            return writePathFrames(onPath, s, b, p, limit, sp);
        }
        if (conn.pathResponsePending && conn.pathResponseTo.equals(conn.path.remote) && fitsPathFrame(p, limit)) {
            p = pathFrame(b, p, true, conn.pathResponseData);
            conn.pathResponsePending = false;
        }
        if (conn.path.challengePending && fitsPathFrame(p, limit)) {
            p = pathFrame(b, p, false, conn.path.challenge);
            conn.path.challengePending = false;
        }
        int before = p;
        p = conn.observedAddr.write(b, p, limit, conn.path.remote);
        if (p != before) {
            sp.flags |= SentPacket.F_OBSERVED_ADDR;
        }
        if (conn.multipath != null) {
            p = conn.multipath.writeFrames(b, p, limit, sp);
        }
        if ((conn.keepAlivePending || s.pingPending) && limit - p >= 1) {
            p = FrameWriter.ping(b, p);
            sp.flags |= SentPacket.F_PING;
            conn.keepAlivePending = false;
            s.pingPending = false;
        }
        return dataHere ? writeDataFrames(b, p, limit, sp) : p;
    }

    /** The frames of a multipath path other than 0: its challenge and response, keep-alive, then shared work. */
    private int writePathFrames(MultipathPath path, PacketSpace s, byte[] b, int p, int limit, SentPacket sp) {
        if (path.responsePending && fitsPathFrame(p, limit)) {
            p = pathFrame(b, p, true, path.responseData);
            path.responsePending = false;
        }
        if (path.challengePending && fitsPathFrame(p, limit)) {
            p = pathFrame(b, p, false, path.challenge);
            path.challengePending = false;
        }
        p = conn.multipath.writeFrames(b, p, limit, sp);
        if ((path.pingPending || s.pingPending) && limit - p >= 1) {
            p = FrameWriter.ping(b, p);
            sp.flags |= SentPacket.F_PING;
            path.pingPending = false;
            s.pingPending = false;
        }
        return dataHere ? writeDataFrames(b, p, limit, sp) : p;
    }

    private boolean fitsPathFrame(int p, int limit) {
        return limit - p >= 9 && roomForPathProbe;
    }

    /** A PATH_RESPONSE or PATH_CHALLENGE; the datagram becomes 1200 bytes. */
    private int pathFrame(byte[] b, int p, boolean response, long data) {
        frameTx.count(response ? FrameType.PATH_RESPONSE : FrameType.PATH_CHALLENGE);
        wroteUnrecordedElicitingFrame = true;
        wrotePathFrame = true;
        return response ? FrameWriter.pathResponse(b, p, data) : FrameWriter.pathChallenge(b, p, data);
    }

    /** Stream control, connection IDs, DATAGRAMs and stream data: what goes on the path that carries data. */
    private int writeDataFrames(byte[] b, int p, int limit, SentPacket sp) {
        p = streams.writeControlFrames(b, p, limit, sp);
        p = cids.writeNewCidFrames(b, p, limit, sp);
        p = cids.writeRetireFrames(b, p, limit, sp);
        while (!datagramsOut.isEmpty()) {
            byte[] d = datagramsOut.peek();
            int need = 1 + VarInt.size(d.length) + d.length;
            if (limit - p < need) {
                break;
            }
            datagramsOut.poll();
            p = FrameWriter.datagram(b, p, d, 0, d.length, true);
            frameTx.count(FrameType.DATAGRAM);
            wroteUnrecordedElicitingFrame = true;
        }
        p = streams.writeStreamFrames(b, p, limit, sp);
        return p;
    }

    /**
     * Writes the planned packets into the scratch datagram: headers, payloads (padded so the datagram reaches
     * {@code minSize}), AEAD, header protection; records them as sent. Returns the datagram length.
     */
    private int serialize(long now, PacketPlan[] ps, int n, int minSize) {
        int total = 0;
        for (int i = 0; i < n; i++) {
            total += packetSize(ps[i]);
        }
        if (total < minSize) {
            PacketPlan last = ps[n - 1];
            int extra = minSize - total;
            FrameWriter.padding(last.payload, last.payloadLen, extra);
            last.payloadLen += extra;
            last.hasPadding = true;
        }
        int pos = 0;
        for (int i = 0; i < n; i++) {
            pos = writePacket(now, ps[i], pos);
        }
        return pos;
    }

    private int writePacket(long now, PacketPlan plan, int pos) {
        PacketSpace s = plan.space;
        int start = pos;
        if (s.id == PacketSpace.APPLICATION) {
            conn.maybeInitiateKeyUpdate(now);
            OneRttKeys keys = conn.oneRtt;
            if (s.pathId != 0 && s.keyGeneration != keys.generation()) {
                s.keyGeneration = keys.generation();
                s.firstPnInKeyGeneration = plan.pn;
            }
            pos = sealer.sealShort(scratch.dgram, pos, s.pathId, onPath != null ? onPath.remoteCid : cids.activeRemote(),
                    keys.phase(), plan.pn, plan.pnLen, plan.payload, plan.payloadLen, keys.write(), keys.writeHeader());
            conn.oneRtt.onPacketSealed();
        } else {
            int kind = s.id == PacketSpace.INITIAL ? PacketSealer.INITIAL : PacketSealer.HANDSHAKE;
            pos = sealer.sealLong(scratch.dgram, pos, kind, cids.activeRemote(), cids.initialLocalCid(),
                    isClient ? conn.retryToken : EMPTY, plan.pn, plan.pnLen, plan.payload, plan.payloadLen,
                    s.writeKeys);
        }
        if (LOG.isTraceEnabled()) {
            LOG.trace("{} t={} tx space={} pn={} size={} eliciting={} streams={} crypto={} flags={} ctl={} ack={}",
                    conn, now / 1_000_000, s.id, plan.pn, pos - start, plan.ackEliciting, plan.sent.streamCount,
                    plan.sent.cryptoCount, plan.sent.flags, plan.sent.controlCount, plan.sent.largestAckSent);
        }
        // record
        s.nextPn = plan.pn + 1;
        conn.packetsSent++;
        SentPacket sp = plan.sent;
        frameTx.countSent(sp);
        sp.pn = plan.pn;
        sp.timeSent = now;
        sp.size = pos - start;
        sp.ackEliciting = plan.ackEliciting;
        sp.inFlight = plan.ackEliciting || plan.hasPadding;
        if (sp.ackEliciting || sp.inFlight) {
            s.sent.add(sp);
            if (config.pacing() && hs.complete && onPath == null) {
                conn.path.pacer.onSent(sp.size);
            }
        } else {
            s.sent.recycle(sp);
        }
        if (plan.ackEliciting && onPath != null) {
            s.lastAckElicitingSent = now;
            conn.multipath.onAckElicitingSent(now, onPath);
            onPath.recovery.setTimer(now);
        } else if (plan.ackEliciting) {
            if (conn.multipath != null && s.id == PacketSpace.APPLICATION) {
                conn.multipath.onAckElicitingSent(now, null);
            }
            s.lastAckElicitingSent = now;
            conn.lastAckElicitingSent = now;
            conn.armKeepAlive();
            if (!conn.ackElicitingSentSinceReceive) {
                conn.ackElicitingSentSinceReceive = true;
                conn.resetIdleTimer(now);
            }
            conn.setLossDetectionTimer(now);
        }
        return pos;
    }

    /**
     * Datagrams on multipath path {@code path} (see {@link QuicConnection}'s multipath transmit): its PATH_ACK,
     * PATH_CHALLENGE / PATH_RESPONSE (padded to 1200 bytes), keep-alive, pending multipath frames, and with {@code
     * carriesData} the stream data too. Limited by the path's own window and, until the peer proved the address,
     * its anti-amplification budget; no pacing. Full-size datagrams go out up to {@code maxDatagrams} at a time,
     * all of the first one's size (one GSO send), as on path 0: one 1200-byte datagram per send made the kernel's
     * per-datagram cost the ceiling of a transfer once the data moved to such a path. Null if there is nothing to
     * send on it now.
     */
    Transmit transmitOnPath(long now, ByteBuffer out, MultipathPath path, boolean carriesData, int maxDatagrams) {
        int size = Math.max(path.data.mtud.current(), MIN_INITIAL_SIZE);
        if (out.remaining() < size) {
            return null;
        }
        onPath = path;
        dataHere = carriesData && path.data.validated;
        int start = out.position();
        int segment = 0;
        int count = 0;
        try {
            PacketSpace s = path.space;
            int probe = mtuProbeSizeOn(now, path);
            if (probe > 0 && out.remaining() >= probe) {
                // alone, as on path 0: it is bigger than the datagrams of a batch
                int n = buildMtuProbe(now, probe, s, path.remoteCid, path.data.mtud);
                out.put(scratch.dgram, 0, n);
                onDatagramSent(path.data, n);
                return new Transmit(path.data.remote, n, n, 1);
            }
            while (count < maxDatagrams) {
                int limit = count == 0 ? size : segment;
                long budget = path.amplificationBudget();
                if (out.remaining() < limit || budget < (count == 0 ? MIN_INITIAL_SIZE : segment)) {
                    break;
                }
                limit = (int) Math.min(limit, budget);
                boolean probing = s.probesPending > 0;
                boolean congestionOk = probing || path.recovery.bytesInFlight() + limit <= path.data.cc.window();
                roomForPathProbe = true;
                wrotePathFrame = false;
                if (!planPacket(now, s, plans[0], scratch.txPlain[0], limit, congestionOk)) {
                    break;
                }
                int target = wrotePathFrame ? MIN_INITIAL_SIZE : 0;
                wrotePathFrame = false;
                int n = serialize(now, plans, 1, target);
                out.put(scratch.dgram, 0, n);
                onDatagramSent(path.data, n);
                if (count == 0) {
                    segment = n;
                }
                count++;
                // a short datagram ends the batch (GSO: only the last may be shorter); so does a first one below
                // 1200 bytes, since a later one carrying a path frame would be padded past it
                if (n < segment || segment < MIN_INITIAL_SIZE) {
                    break;
                }
            }
        } finally {
            onPath = null;
            dataHere = true;
        }
        return count == 0 ? null : new Transmit(path.data.remote, out.position() - start, segment, count);
    }

    /**
     * The size of an MTU probe to send on multipath path {@code path} now, else 0. Each path searches its own MTU
     * (a direct path may carry 1452 bytes where the relay path carries 1200) once it is validated; its re-search
     * is checked here rather than by a timer, since only a path that sends needs a larger datagram.
     */
    private int mtuProbeSizeOn(long now, MultipathPath path) {
        MtuDiscovery mtud = path.data.mtud;
        if (!hs.confirmed || !path.data.validated || path.remoteCid == null) {
            return 0;
        }
        if (!path.mtuSearchStarted) {
            path.mtuSearchStarted = true;
            mtud.start(now);
        }
        mtud.onTimeout(now);
        int probe = mtud.probeToSend(now);
        return probeFits(probe, path.recovery.bytesInFlight(), path.data.cc.window()) ? probe : 0;
    }

    /**
     * A NAT traversal probe (n0, noq {@code send_nat_traversal_path_challenge}): a 1-RTT packet of path 0, to
     * path 0's connection ID, holding only a PATH_CHALLENGE, not padded, sent off-path to {@code target}. Not
     * counted in flight: the answer comes from elsewhere and says nothing of path 0's congestion.
     */
    Transmit natProbe(long now, ByteBuffer out, MultipathPath on, InetSocketAddress target, long token) {
        return offPath(now, out, on, target, false, token, null);
    }

    /** A NAT traversal probe's answer: PATH_RESPONSE padded to 1200 bytes, to where the probe came from. */
    Transmit natProbeResponse(long now, ByteBuffer out, NatTraversal.Response r) {
        return offPath(now, out, r.on(), r.to(), true, r.data(), r.challenge());
    }

    /** {@code on}: the path whose space and connection ID the packet uses, null for path 0. */
    private Transmit offPath(long now, ByteBuffer out, MultipathPath on, InetSocketAddress to, boolean response,
                             long data, Long challenge) {
        if (out.remaining() < MIN_INITIAL_SIZE) {
            return null;
        }
        int n = offPathPacket(now, on, response, data, challenge, false);
        out.put(scratch.dgram, 0, n);
        conn.datagramsSent++;
        conn.bytesSent += n;
        return new Transmit(to, n, n, 1);
    }

    /** The CONNECTION_CLOSE datagram for the closing state, in every space the peer may be able to read. */
    Transmit closeDatagram(long now, ByteBuffer out) {
        conn.closing.sendPending = false;
        int n = 0;
        int acks = 0;
        boolean useApp = conn.oneRtt != null && hs.complete;
        for (PacketSpace s : spaces) {
            if (s.id == PacketSpace.APPLICATION ? !useApp : !s.hasKeysToSend()) {
                continue;
            }
            if (s.id == PacketSpace.INITIAL && conn.hasHandshakeKeys() && !isClient) {
                continue; // the client has handshake keys by the time we do
            }
            PacketPlan plan = plans[n];
            byte[] b = scratch.txPlain[n];
            boolean app = conn.closing.application && s.id == PacketSpace.APPLICATION;
            // RFC 9000 §10.2.3: an application close before 1-RTT becomes APPLICATION_ERROR without a reason
            long code = conn.closing.application && !app ? TransportError.APPLICATION_ERROR.code() : conn.closing.code;
            byte[] reason = conn.closing.application && !app ? EMPTY : conn.closing.reason;
            // What we received goes first, as quinn does: a peer whose last data we got just before closing
            // (ACK delay not yet passed) learns that it arrived. 16 ranges keep the datagram small.
            int p = 0;
            if (s.ackRanges.size() > 0) {
                long delay = s.id == PacketSpace.APPLICATION
                        ? Math.max(0, now - s.largestReceivedTime) / 1000 >> config.ackDelayExponent() : 0;
                p = Math.max(0, FrameWriter.ack(b, 0, s.ackRanges, delay, 256, 16, -1, -1, -1));
                acks += p > 0 ? 1 : 0;
            }
            p = FrameWriter.connectionClose(b, p, app, code, app ? 0 : conn.closing.frameType, reason,
                    Math.min(reason.length, 256));
            long pn = s.nextPn;
            plan.space = s;
            plan.pn = pn;
            plan.pnLen = PacketNumber.encodedLength(pn, s.largestAcked);
            if (plan.pnLen + p < 4) {
                p = FrameWriter.padding(b, p, 4 - plan.pnLen - p);
            }
            plan.payload = b;
            plan.payloadLen = p;
            plan.sent = s.sent.obtain();
            plan.ackEliciting = false;
            plan.hasPadding = false;
            n++;
        }
        if (n == 0) {
            return null;
        }
        int minSize = isClient && plans[0].space.id == PacketSpace.INITIAL ? MIN_INITIAL_SIZE : 0;
        int total = 0;
        for (int i = 0; i < n; i++) {
            total += packetSize(plans[i]);
        }
        long budget = conn.path.amplificationBudget();
        if (Math.max(total, minSize) > budget || Math.max(total, minSize) > out.remaining()) {
            return null;
        }
        int len = serialize(now, plans, n, minSize);
        frameTx.count(FrameType.ACK, acks);
        frameTx.count(FrameType.CONNECTION_CLOSE, n);
        out.put(scratch.dgram, 0, len);
        onDatagramSent(len);
        return new Transmit(conn.path.remote, len, len, 1);
    }

    /** Protects {@code payload} as one packet of space {@code spaceId}; see {@link QuicConnection#sealRawPacket}. */
    byte[] sealRaw(long now, int spaceId, byte[] payload) {
        PacketSpace s = spaces[spaceId];
        if (spaceId == PacketSpace.APPLICATION ? conn.oneRtt == null : !s.hasKeysToSend()) {
            return null;
        }
        PacketPlan plan = plans[0];
        plan.space = s;
        plan.pn = s.nextPn;
        plan.pnLen = 4;
        byte[] b = scratch.txPlain[0];
        System.arraycopy(payload, 0, b, 0, payload.length);
        plan.payload = b;
        plan.payloadLen = payload.length;
        plan.sent = s.sent.obtain();
        plan.ackEliciting = false;
        plan.hasPadding = false;
        int n = serialize(now, plans, 1, spaceId == PacketSpace.INITIAL && isClient ? MIN_INITIAL_SIZE : 0);
        return java.util.Arrays.copyOf(scratch.dgram, n);
    }
}
