package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.quic.frame.Frame;
import com.kafkaconnectiroh.p2p.quic.frame.FrameParser;
import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.packet.PacketHeader;
import com.kafkaconnectiroh.p2p.quic.packet.PacketNumber;
import com.kafkaconnectiroh.p2p.quic.packet.PacketType;
import com.kafkaconnectiroh.p2p.quic.packet.VersionNegotiation;
import com.kafkaconnectiroh.p2p.quic.params.TransportParameters;
import com.kafkaconnectiroh.p2p.quic.protection.DirectionalKeys;
import com.kafkaconnectiroh.p2p.quic.protection.HeaderProtection;
import com.kafkaconnectiroh.p2p.quic.protection.InitialSecrets;
import com.kafkaconnectiroh.p2p.quic.protection.OneRttKeys;
import com.kafkaconnectiroh.p2p.quic.protection.PacketKey;
import com.kafkaconnectiroh.p2p.quic.protection.RetryIntegrity;
import com.kafkaconnectiroh.p2p.quic.recovery.MtuDiscovery;
import com.kafkaconnectiroh.p2p.quic.recovery.SentPacket;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import com.kafkaconnectiroh.p2p.tls.CipherSuite;
import com.kafkaconnectiroh.p2p.tls.EncryptionLevel;
import com.kafkaconnectiroh.p2p.tls.QuicTlsSession;
import com.kafkaconnectiroh.p2p.tls.TlsEvent;
import com.kafkaconnectiroh.p2p.tls.TlsException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QUIC v1 connection (RFC 9000, 9001, 9002), client or server, as a sans-IO state machine. Nothing here
 * touches a socket, a thread or a clock: the driver feeds datagrams and timer expiries in and pulls datagrams,
 * deadlines and events out. See the package documentation for the driving loop.
 *
 * <p>Inputs: {@link #handleDatagram}, {@link #handleTimeout}, and the application calls ({@link #openBi},
 * {@link #write}, {@link #read}, {@link #close}, ...). Outputs: {@link #pollTransmit}, {@link #pollTimeout},
 * {@link #pollEvent}. After any input, call {@code pollTransmit} until it returns null, then re-arm the timer
 * from {@code pollTimeout} and drain {@code pollEvent}.
 *
 * <p>Not thread-safe: one thread (the endpoint's) drives a connection and its endpoint.
 *
 * <p>Parts: the {@link TimerTable} holds every deadline, {@link PathData} what is known of the path in use (and the
 * previous one), {@link Closing} and {@link HandshakeState} the lifecycle, {@link LossRecovery} RFC 9002, {@link
 * StreamManager} the streams, and {@link PacketBuilder} assembles what goes out. Fields and methods without
 * {@code private} are the ones the packet builder reads or updates as it records what it sent.
 */
public final class QuicConnection {
    private static final Logger LOG = LoggerFactory.getLogger(QuicConnection.class);
    private static final byte[] EMPTY = new byte[0];
    /** Datagrams a client sends to open a connection must be at least this large (RFC 9000 §14.1). */
    static final int MIN_INITIAL_SIZE = 1200;
    private static final int MAX_DATAGRAM = 65527;
    /** Bound on queued outgoing DATAGRAM frames. */
    private static final int MAX_QUEUED_DATAGRAMS = 64;
    /**
     * The heap a server connection holds from its first Initial on, besides its CRYPTO and TLS message buffers and
     * sent-packet records: this object and its packet spaces, stream and ID managers, loss recovery, TLS session
     * and packet keys, and the endpoint's wrapper and routing entries. Measured (heap after GC per half-open
     * connection of a flooded {@code Endpoint}, less the parts counted separately): about 17 KiB with JDK 17 (23.5 KiB
     * before ciphers were made on first use), rounded up; {@code HandshakeFootprintTest} keeps it honest.
     */
    static final int HANDSHAKE_BASE_BYTES = 19 * 1024;
    /** A {@link SentPacket} record with its frame arrays as first allocated. */
    private static final int SENT_PACKET_BYTES = 400;

    enum State { HANDSHAKE, ESTABLISHED, CLOSING, DRAINING, DRAINED }

    private final boolean isClient;
    private final String name;
    private final TransportConfig config;
    private final ConnectionIdRegistry registry;
    private final int localCidLength;
    private final ConnectionIds cids;
    private final TlsSessionFactory tlsFactory;
    private QuicTlsSession tls;

    /** Client: DCID of our first Initial. Server: the client's first DCID (before any Retry). */
    private ConnectionId originalDcid;
    /** Client: SCID of the Retry we followed. Server: the SCID of the Retry we sent (from its token). */
    private ConnectionId retrySourceCid;
    /** Server: the DCID of the client's Initials that reach this connection (Initial keys derive from it). */
    private ConnectionId serverInitialDcid;
    byte[] retryToken = EMPTY;
    /** SCID of the peer's first long-header packet, checked against its initial_source_connection_id. */
    private ConnectionId peerInitialScid;

    private final PacketSpace[] spaces = {
        new PacketSpace(PacketSpace.INITIAL), new PacketSpace(PacketSpace.HANDSHAKE),
        new PacketSpace(PacketSpace.APPLICATION)
    };
    OneRttKeys oneRtt;

    private State state = State.HANDSHAKE;
    private final HandshakeState hs = new HandshakeState();
    private TransportParameters peerParams;
    private long peerMaxDatagramFrameSize;

    /** Every deadline of this connection; {@link #pollTimeout} is its minimum. */
    private final TimerTable timers = new TimerTable();

    /** Why the connection ended, for the application; null while open. */
    private CloseReason closeReason;
    /** The closing or draining period; null before it. */
    Closing closing;

    /** The path we send on; every per-packet use of RTT, window, pacer and MTU reads it from here. */
    PathData path;
    /** The last validated path we left, restored if the peer comes back to it (RFC 9000 §9.3.2). */
    private PathData previousPath;
    long pathResponseData;
    InetSocketAddress pathResponseTo;
    boolean pathResponsePending;

    private final LossRecovery recovery;
    /** Multipath and NAT traversal once both sides offered them; null: a plain RFC 9000 connection. */
    Multipath multipath;
    /** The multipath path the packet being processed arrived on; null for path 0. */
    private MultipathPath rxPath;

    private long idleTimeoutNanos;
    /** From the config, read per packet. */
    private final long maxAckDelayNanos;
    private final long keepAliveNanos;
    /** Server: the endpoint's bookkeeping while the handshake is not complete; null otherwise. */
    HalfOpenLimits.Entry halfOpen;
    boolean ackElicitingSentSinceReceive;
    long lastAckElicitingSent = Long.MIN_VALUE;
    boolean keepAlivePending;
    /** QUIC address discovery: reports we owe the peer, and what it reported about us. */
    final ObservedAddrState observedAddr;

    private final ArrayDeque<ConnectionEvent> events = new ArrayDeque<>();
    private final StreamManager streams;
    private final ArrayDeque<byte[]> datagramsOut = new ArrayDeque<>();
    private long datagramsInBytes;

    // the endpoint's work buffers (shared by its connections) and our own tiny ones
    private final Scratch scratch;
    private final PacketHeader hdr = new PacketHeader();
    private final FrameParser parser = new FrameParser();
    private final PacketBuilder builder;
    private final byte[] mask = new byte[5];

    // stats
    long datagramsSent;
    private long datagramsReceived;
    long bytesSent;
    private long bytesReceived;
    long packetsSent;
    private long packetsReceived;
    private long undecryptable;
    private long decryptFailures;
    private long pathChallengesReceived;
    private final FrameCounts frameTx = new FrameCounts();
    private final FrameCounts frameRx = new FrameCounts();

    QuicConnection(boolean isClient, TransportConfig config, ConnectionIdRegistry registry, int localCidLength,
                   InetSocketAddress remote, ConnectionId localCid, ConnectionId remoteCid, ConnectionId originalDcid,
                   ConnectionId retrySourceCid, TlsSessionFactory tlsFactory, Scratch scratch, long now) {
        this.isClient = isClient;
        this.scratch = scratch;
        this.config = config.copy();
        this.registry = registry;
        this.localCidLength = localCidLength;
        this.tlsFactory = tlsFactory;
        this.cids = new ConnectionIds(registry, this, this.config.activeConnectionIdLimit(),
                this.config.maxLocalConnectionIds());
        // a client trusts the server's address; a server trusts the client's once a Retry token proved it
        this.path = PathData.fresh(remote, isClient || retrySourceCid != null, this.config);
        this.recovery = new LossRecovery(spaces, new RecoveryHost(null), timers, path.rtt, path.cc);
        this.streams = new StreamManager(isClient, this.config, events);
        this.observedAddr = new ObservedAddrState(this.config.observedAddrRole());
        scratch.ensureDatagram(Math.max(this.config.maxMtu(), MIN_INITIAL_SIZE));
        this.originalDcid = originalDcid;
        this.retrySourceCid = isClient ? null : retrySourceCid;
        this.serverInitialDcid = retrySourceCid != null ? retrySourceCid : originalDcid;
        this.idleTimeoutNanos = this.config.maxIdleTimeout().toNanos();
        this.maxAckDelayNanos = this.config.maxAckDelay().toNanos();
        this.keepAliveNanos = this.config.keepAliveInterval().toNanos();

        cids.initialLocal(localCid);
        cids.initialRemote(remoteCid, null);
        this.name = (isClient ? "client[" : "server[") + localCid + "]";
        byte[] initialDcid = (isClient ? originalDcid : serverInitialDcid).toBytes();
        DirectionalKeys client = InitialSecrets.clientKeys(initialDcid);
        DirectionalKeys server = InitialSecrets.serverKeys(initialDcid);
        spaces[PacketSpace.INITIAL].writeKeys = isClient ? client : server;
        spaces[PacketSpace.INITIAL].readKeys = isClient ? server : client;
        this.builder = new PacketBuilder(this, isClient, this.config, scratch, spaces, cids, streams, datagramsOut,
                timers, hs, frameTx);
        resetIdleTimer(now);
    }

    /** Creates the TLS session once our transport parameters are known, and starts the handshake. */
    void start(long now) {
        tls = tlsFactory.create(localTransportParameters().encode());
        try {
            tls.start();
        } catch (TlsException e) {
            closeWithError(now, e);
            return;
        }
        driveTls(now);
    }

    private TransportParameters localTransportParameters() {
        TransportParameters tp = new TransportParameters();
        tp.maxIdleTimeout = config.maxIdleTimeout().toMillis();
        tp.maxUdpPayloadSize = config.maxUdpPayloadSize();
        tp.initialMaxData = config.connectionReceiveWindow();
        tp.initialMaxStreamDataBidiLocal = config.streamReceiveWindow();
        tp.initialMaxStreamDataBidiRemote = config.streamReceiveWindow();
        tp.initialMaxStreamDataUni = config.streamReceiveWindow();
        tp.initialMaxStreamsBidi = config.maxConcurrentBidiStreams();
        tp.initialMaxStreamsUni = config.maxConcurrentUniStreams();
        tp.ackDelayExponent = config.ackDelayExponent();
        tp.maxAckDelay = config.maxAckDelay().toMillis();
        tp.activeConnectionIdLimit = config.activeConnectionIdLimit();
        tp.initialSourceConnectionId = cids.initialLocalCid();
        tp.disableActiveMigration = config.disableActiveMigration();
        tp.maxDatagramFrameSize = config.maxDatagramFrameSize();
        tp.observedAddr = config.observedAddrRole();
        if (config.maxPathId() >= 0) {
            tp.initialMaxPathId = config.maxPathId();
            tp.natTraversalMaxAddresses = config.natTraversalAddresses();
        }
        if (!isClient) {
            tp.originalDestinationConnectionId = originalDcid;
            tp.retrySourceConnectionId = retrySourceCid;
            tp.statelessResetToken = registry.resetToken(cids.initialLocalCid());
        }
        return tp;
    }

    // =====================================================================================================
    // Application API
    // =====================================================================================================

    public boolean isClient() {
        return isClient;
    }

    /** The TLS handshake completed (the {@link ConnectionEvent.Connected} event was queued). */
    public boolean isHandshakeComplete() {
        return hs.complete;
    }

    public boolean isHandshakeConfirmed() {
        return hs.confirmed;
    }

    /** Closing, draining or drained: no more application data moves. */
    public boolean isClosed() {
        return state == State.CLOSING || state == State.DRAINING || state == State.DRAINED;
    }

    /** Nothing more will happen; the endpoint has forgotten this connection. */
    public boolean isDrained() {
        return state == State.DRAINED;
    }

    /** Why the connection ended, or null while it is open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** The authenticated peer, once the handshake got that far; else null. */
    public EndpointId peerId() {
        return tls == null ? null : tls.peerId();
    }

    /** The negotiated ALPN, once known; else null. */
    public byte[] alpn() {
        return tls == null ? null : tls.alpn();
    }

    /** The negotiated TLS cipher suite, once known; else null. */
    public CipherSuite cipherSuite() {
        return tls == null ? null : tls.cipherSuite();
    }

    public InetSocketAddress remoteAddress() {
        return path.remote;
    }

    /**
     * Our address as the peer last reported seeing it (QUIC address discovery, OBSERVED_ADDR), or null before a
     * report (or without negotiation); each change is also a {@link ConnectionEvent.ObservedAddress}.
     */
    public InetSocketAddress observedAddress() {
        return observedAddr.observed();
    }

    /** The peer's transport parameters, once received; else null. */
    public TransportParameters peerTransportParameters() {
        return peerParams;
    }

    /**
     * Opens a bidirectional stream; returns its ID, or -1 if the peer's stream limit (or a handshake not yet
     * complete) does not allow one now. A STREAMS_BLOCKED frame tells the peer; {@link
     * ConnectionEvent.StreamOpened} does not fire for our own streams, so retry after events arrive.
     */
    public long openBi() {
        return hs.complete && !isClosed() ? streams.open(true) : -1;
    }

    /** Like {@link #openBi()} for a unidirectional stream. */
    public long openUni() {
        return hs.complete && !isClosed() ? streams.open(false) : -1;
    }

    /** The next stream the peer opened, or -1. */
    public long acceptBi() {
        return streams.accept(true);
    }

    public long acceptUni() {
        return streams.accept(false);
    }

    /**
     * Buffers bytes from {@code src} for sending; returns how many were taken (advancing {@code src}). Takes only
     * what the stream and connection send buffers allow; after a short write a {@link
     * ConnectionEvent.StreamWritable} follows when space returns. Throws {@link StreamException} if the peer
     * stopped the stream, or it is unknown, receive-only or finished.
     */
    public int write(long streamId, ByteBuffer src) {
        checkOpen(streamId);
        return streams.write(streamId, src);
    }

    /** How many bytes {@link #write} would take now. */
    public long writable(long streamId) {
        return isClosed() ? 0 : streams.writable(streamId);
    }

    /**
     * How far the peer acknowledged our data on a stream: every byte below the result was in a packet it
     * acknowledged (its QUIC stack has it; whether its application read it is another matter). -1 if the stream is
     * not held (never opened, or done in both directions and forgotten). Still answers once the connection closed:
     * what was acknowledged before stays acknowledged.
     */
    public long ackedOffset(long streamId) {
        return streams.ackedOffset(streamId);
    }

    /**
     * Asks for one {@link ConnectionEvent.StreamAcked} once {@link #ackedOffset} reaches {@code offset} (check
     * {@link #ackedOffset} first: nothing fires for an offset already reached). A later request replaces this one.
     */
    public void notifyAcked(long streamId, long offset) {
        streams.notifyAcked(streamId, offset);
    }

    /** No more writes: a FIN follows the buffered data. */
    public void finish(long streamId) {
        checkOpen(streamId);
        streams.finish(streamId);
    }

    /**
     * Reads in-order bytes into {@code dst}: returns the count, 0 if nothing is available yet (a {@link
     * ConnectionEvent.StreamReadable} follows), or -1 at the end of the stream. Throws {@link StreamException}
     * (kind RESET) if the peer reset the stream.
     */
    public int read(long streamId, ByteBuffer dst) {
        if (state == State.DRAINED && closeReason != null && !streams.isReadable(streamId)) {
            throw new StreamException(StreamException.Kind.CONNECTION_CLOSED, streamId, 0,
                    "connection closed: " + closeReason);
        }
        return streams.read(streamId, dst);
    }

    /** Abandons sending on a stream with RESET_STREAM and this application error code. */
    public void reset(long streamId, long errorCode) {
        checkOpen(streamId);
        streams.reset(streamId, errorCode);
    }

    /** Asks the peer to stop sending (STOP_SENDING with this code); buffered and future data is dropped. */
    public void stop(long streamId, long errorCode) {
        checkOpen(streamId);
        streams.stop(streamId, errorCode);
    }

    private void checkOpen(long streamId) {
        if (isClosed()) {
            throw new StreamException(StreamException.Kind.CONNECTION_CLOSED, streamId, 0,
                    "connection closed: " + closeReason);
        }
    }

    /**
     * Queues an unreliable DATAGRAM (RFC 9221). Returns false if the peer does not accept datagrams, it is too
     * large, or too many are queued.
     */
    public boolean sendDatagram(byte[] data) {
        if (isClosed() || peerMaxDatagramFrameSize == 0 || data.length + 3 > peerMaxDatagramFrameSize
                || data.length + 40 > MtuDiscovery.BASE || datagramsOut.size() >= MAX_QUEUED_DATAGRAMS) {
            return false;
        }
        datagramsOut.add(data.clone());
        return true;
    }

    /**
     * Closes the connection with an application error code and reason (CONNECTION_CLOSE 0x1d; during the
     * handshake a transport APPLICATION_ERROR, RFC 9000 §10.2.3). The connection lingers in the closing state
     * for three PTOs to answer stragglers, then drains.
     */
    public void close(long now, long errorCode, byte[] reason) {
        if (isClosed()) {
            return;
        }
        byte[] r = reason == null ? EMPTY : reason;
        startClosing(now, true, errorCode, 0, r,
                new CloseReason(CloseReason.Source.LOCAL, true, errorCode, 0, new String(r, StandardCharsets.UTF_8)));
    }

    /** The next event, or null. */
    public ConnectionEvent pollEvent() {
        ConnectionEvent e = events.poll();
        if (e instanceof ConnectionEvent.DatagramReceived d) {
            datagramsInBytes = Math.max(0, datagramsInBytes - d.data().length);
        }
        return e;
    }

    public ConnectionStats stats() {
        PathData p = path;
        ConnectionStats.PathStats ps = new ConnectionStats.PathStats(p.rtt.smoothed(), p.rtt.latest(), p.rtt.min(),
                p.rtt.variance(), p.cc.window(), bytesInFlight(), p.mtud.current(), recovery.packetsLost,
                recovery.bytesLost, recovery.congestionEvents, recovery.ptoTotal);
        return new ConnectionStats(new ConnectionStats.UdpStats(datagramsSent, bytesSent),
                new ConnectionStats.UdpStats(datagramsReceived, bytesReceived), frameTx.snapshot(),
                frameRx.snapshot(), ps, packetsSent, packetsReceived, undecryptable,
                oneRtt == null ? 0 : oneRtt.generation(), streams.streamBytesSent, streams.streamBytesReceived);
    }

    // =====================================================================================================
    // Timers
    // =====================================================================================================

    /** The earliest time {@link #handleTimeout} must be called, or {@code Long.MAX_VALUE}. */
    public long pollTimeout() {
        long t = timers.next();
        return multipath == null || isClosed() ? t : Math.min(t, multipath.nextTimeout());
    }

    /** Server: when the endpoint forgets us if the handshake has not completed ({@link HalfOpenLimits}). */
    long handshakeDeadline() {
        return timers.get(ConnectionTimer.HANDSHAKE);
    }

    void handshakeDeadline(long deadline) {
        timers.set(ConnectionTimer.HANDSHAKE, deadline);
    }

    /** Re-arms the keep-alive from the last ack-eliciting packet sent; unarmed until the handshake completes. */
    void armKeepAlive() {
        long interval = keepAliveNanos;
        if (interval == 0 || !hs.complete || lastAckElicitingSent == Long.MIN_VALUE) {
            timers.stop(ConnectionTimer.KEEP_ALIVE);
        } else {
            timers.set(ConnectionTimer.KEEP_ALIVE, lastAckElicitingSent + interval);
        }
    }

    /** MTU discovery keeps its own schedule; its next search round is a timer once the handshake is confirmed. */
    void armMtuTimer() {
        timers.set(ConnectionTimer.MTU_PROBE, hs.confirmed ? path.mtud.nextSearchTime() : Long.MAX_VALUE);
    }

    /** The previous 1-RTT read key's discard time changes with every key update and when it fires. */
    private void armKeyDiscardTimer() {
        timers.set(ConnectionTimer.KEY_DISCARD, oneRtt.prevDiscardDeadline());
    }

    /** Fires whatever timers expired at {@code now}, in {@link ConnectionTimer} order. */
    public void handleTimeout(long now) {
        for (ConnectionTimer t : ConnectionTimer.VALUES) {
            if (state == State.DRAINED) {
                return;
            }
            if (!timers.isExpired(t, now)) {
                continue;
            }
            timers.stop(t);
            if (!onTimer(t, now)) {
                return;
            }
        }
        if (multipath != null && !isClosed()) {
            multipath.onTimeout(now);
        }
    }

    /** One expired timer; returns false when the connection ended and no other timer may fire. */
    private boolean onTimer(ConnectionTimer t, long now) {
        switch (t) {
            case CLOSE -> {
                drain();
                return false;
            }
            case HANDSHAKE -> {
                if (hs.complete) {
                    return true;
                }
                // a server whose client never finished (most likely a spoofed Initial): forget it without a word,
                // there is nobody to tell
                LOG.debug("{} handshake not completed in time", this);
                forget(new CloseReason(CloseReason.Source.IDLE_TIMEOUT, false, TransportError.NO_ERROR, 0,
                        "handshake not completed in time"));
                return false;
            }
            case IDLE -> {
                LOG.debug("{} idle timeout", this);
                lose(new CloseReason(CloseReason.Source.IDLE_TIMEOUT, false, TransportError.NO_ERROR, 0,
                        "no packets for " + effectiveIdleTimeout() / 1_000_000 + " ms"));
                drain();
                return false;
            }
            case PACING -> {
                // nothing to do: the next transmit asks the pacer again
            }
            case ACK_DELAY ->
                // the delayed ACK is due: it goes with the next transmit, whatever else limits sending
                spaces[PacketSpace.APPLICATION].ackImmediately = true;
            case KEEP_ALIVE -> {
                keepAlivePending = true;
                lastAckElicitingSent = now; // re-arm from now; the PING goes out with the next transmit
                armKeepAlive();
            }
            case KEY_DISCARD -> {
                oneRtt.onTimeout(now);
                armKeyDiscardTimer();
            }
            case PATH_VALIDATION -> onPathValidationFailed();
            case PATH_CHALLENGE -> {
                path.challengePending = true;
                timers.set(ConnectionTimer.PATH_CHALLENGE, now + 2 * path.rtt.ptoBase());
            }
            case MTU_PROBE -> {
                path.mtud.onTimeout(now);
                armMtuTimer();
            }
            case LOSS_DETECTION -> recovery.onTimeout(now);
        }
        return true;
    }

    private long effectiveIdleTimeout() {
        return idleTimeoutNanos == 0 ? 0 : Math.max(idleTimeoutNanos, 3 * ptoPeriod(false));
    }

    void resetIdleTimer(long now) {
        long t = effectiveIdleTimeout();
        timers.set(ConnectionTimer.IDLE, t == 0 ? Long.MAX_VALUE : now + t);
    }

    // =====================================================================================================
    // Receiving
    // =====================================================================================================

    /**
     * A datagram from {@code from} routed to this connection. The buffer is read from its position to its limit
     * and not retained.
     */
    public void handleDatagram(long now, InetSocketAddress from, ByteBuffer datagram) {
        int len = datagram.remaining();
        if (len > scratch.rx.length) {
            if (len > MAX_DATAGRAM) {
                return;
            }
            scratch.rx = new byte[Math.min(MAX_DATAGRAM + 1, Integer.highestOneBit(len) << 1)];
        }
        byte[] rx = scratch.rx;
        datagram.get(rx, 0, len);
        handleDatagram(now, from, rx, 0, len);
    }

    /** Like {@link #handleDatagram(long, InetSocketAddress, ByteBuffer)} from an array; the bytes may be changed. */
    void handleDatagram(long now, InetSocketAddress from, byte[] buf, int off, int len) {
        if (state == State.DRAINED) {
            return;
        }
        datagramsReceived++;
        bytesReceived += len;
        if (from.equals(path.remote)) {
            path.bytesReceived += len;
        }
        if (state == State.DRAINING) {
            return;
        }
        if (state == State.CLOSING) {
            closing.onStraggler(now);
            return;
        }
        boolean anyAuthenticated = false;
        int p = off;
        int end = off + len;
        int firstDcidOff = -1;
        int firstDcidLen = 0;
        try {
            while (p < end) {
                if (!hdr.parse(buf, p, end, localCidLength)) {
                    break;
                }
                int next = hdr.end;
                if (firstDcidOff < 0) {
                    firstDcidOff = hdr.dcidOff;
                    firstDcidLen = hdr.dcidLen;
                } else if (!java.util.Arrays.equals(buf, firstDcidOff, firstDcidOff + firstDcidLen, buf, hdr.dcidOff,
                        hdr.dcidOff + hdr.dcidLen)) {
                    // RFC 9000 §12.2: coalesced packets with another DCID are dropped
                    p = next;
                    continue;
                }
                int r = handlePacket(now, from, buf, off, len);
                if (r > 0) {
                    anyAuthenticated = true;
                    if (hdr.isLong()) {
                        // keys for the next coalesced packet may come out of this one's CRYPTO data
                        driveTls(now);
                    }
                }
                if (state == State.DRAINED || state == State.DRAINING || state == State.CLOSING) {
                    break;
                }
                if (!hdr.isLong()) {
                    break;
                }
                p = next;
            }
        } catch (TransportException e) {
            closeWithError(now, e.code(), e.frameType(), e.getMessage());
            return;
        }
        if (!anyAuthenticated && cids.isStatelessReset(buf, off, len) && (buf[off] & 0x80) == 0) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} stateless reset datagram {}", this, com.kafkaconnectiroh.p2p.base.Hex.encode(buf, off, len));
            }
            onStatelessReset();
            return;
        }
        if (anyAuthenticated) {
            driveTls(now);
        }
        chargeHalfOpen();
    }

    /** While half-open, tells the endpoint what we hold now (it may drop us if that is over its budget). */
    private void chargeHalfOpen() {
        if (halfOpen != null) {
            registry.halfOpenChanged(this);
        }
    }

    /**
     * What this connection holds on the heap while its handshake runs: {@link #HANDSHAKE_BASE_BYTES}, the
     * CRYPTO buffers as allocated, the TLS session's partial message, sent-packet records and stream buffers.
     */
    long handshakeFootprint() {
        long n = HANDSHAKE_BASE_BYTES;
        for (PacketSpace s : spaces) {
            n += s.cryptoSend.allocatedBytes() + s.cryptoRecv.allocatedBytes() + (long) s.sent.size() * SENT_PACKET_BYTES;
        }
        return n + (tls == null ? 0 : tls.bufferedBytes()) + streams.allocatedBytes();
    }

    /**
     * Processes the packet {@link #hdr} describes. Returns 1 if it authenticated, 0 if it was dropped.
     */
    private int handlePacket(long now, InetSocketAddress from, byte[] buf, int dgramOff, int dgramLen)
            throws TransportException {
        PacketType type = hdr.type;
        if (type == PacketType.VERSION_NEGOTIATION) {
            onVersionNegotiation(buf);
            return 0;
        }
        if (type == null) {
            return 0; // unknown version
        }
        MultipathPath onPath = null;
        if (!isOurDcid(buf, type)) {
            long pathId = type == PacketType.ONE_RTT && multipath != null && hs.complete
                    ? multipath.pathIdOf(buf, hdr.dcidOff, hdr.dcidLen) : -1;
            if (pathId < 0 || (onPath = multipath.receivingPath(pathId, from, now)) == null) {
                return 0;
            }
        }
        if (type == PacketType.RETRY) {
            onRetry(now, buf);
            return 0;
        }
        if (type == PacketType.ZERO_RTT) {
            return 0; // we never accept 0-RTT
        }
        PacketSpace space;
        HeaderProtection hp;
        if (type == PacketType.ONE_RTT) {
            space = onPath != null ? onPath.space : spaces[PacketSpace.APPLICATION];
            if (oneRtt == null || (!isClient && !hs.complete)) {
                undecryptable++;
                return 0;
            }
            hp = oneRtt.readHeader();
        } else {
            space = type == PacketType.INITIAL ? spaces[PacketSpace.INITIAL] : spaces[PacketSpace.HANDSHAKE];
            if (space.discarded || space.readKeys == null) {
                undecryptable++;
                return 0;
            }
            if (type == PacketType.INITIAL && !isClient && dgramLen < MIN_INITIAL_SIZE) {
                return 0; // RFC 9000 §14.1
            }
            hp = space.readKeys.header();
        }
        // remove header protection (RFC 9001 §5.4.2)
        int pnOff = hdr.pnOffset;
        if (pnOff + 4 + HeaderProtection.SAMPLE_LENGTH > hdr.end) {
            return 0;
        }
        hp.mask(buf, pnOff + 4, mask);
        boolean isLong = hdr.isLong();
        int first = (buf[hdr.start] ^ (mask[0] & (isLong ? 0x0f : 0x1f))) & 0xFF;
        int pnLen = (first & 0x03) + 1;
        long truncated = 0;
        for (int i = 0; i < pnLen; i++) {
            truncated = (truncated << 8) | ((buf[pnOff + i] ^ mask[1 + i]) & 0xFF);
        }
        long pn = PacketNumber.decode(space.largestReceived, truncated, pnLen * 8);
        int payloadOff = pnOff + pnLen;
        int payloadLen = hdr.end - payloadOff;
        if (payloadLen < PacketKey.TAG_LENGTH) {
            return 0;
        }
        // unmask in place to build the associated data
        buf[hdr.start] = (byte) first;
        for (int i = 0; i < pnLen; i++) {
            buf[pnOff + i] ^= mask[1 + i];
        }
        if (space.isDuplicate(pn)) {
            return 0;
        }
        PacketKey key;
        OneRttKeys.ReadKey which = null;
        if (type == PacketType.ONE_RTT) {
            int keyPhase = (first >>> 2) & 1;
            which = onPath == null ? oneRtt.select(keyPhase, pn) : oneRtt.selectOnOtherPath(keyPhase);
            key = oneRtt.key(which);
            if (key == null) {
                return 0;
            }
        } else {
            key = space.readKeys.packet();
        }
        if (scratch.plain.length < payloadLen) {
            scratch.plain = new byte[Math.max(payloadLen, scratch.plain.length * 2)];
        }
        byte[] plain = scratch.plain;
        int plainLen = key.open(space.pathId, pn, buf, hdr.start, payloadOff - hdr.start, buf, payloadOff, payloadLen, plain, 0);
        if (plainLen < 0 && which == OneRttKeys.ReadKey.PREVIOUS && onPath != null) {
            // on another path a flipped phase bit may also be the peer's next update (see selectOnOtherPath); noq
            // updates keys after its first 10 to 1000 packets, on whatever path it sends then
            which = OneRttKeys.ReadKey.NEXT;
            key = oneRtt.key(which);
            plainLen = key.open(space.pathId, pn, buf, hdr.start, payloadOff - hdr.start, buf, payloadOff, payloadLen,
                    plain, 0);
        }
        if (plainLen < 0) {
            decryptFailures++;
            undecryptable++;
            if (decryptFailures > key.integrityLimit()) {
                throw new TransportException(TransportError.AEAD_LIMIT_REACHED,
                        decryptFailures + " packets failed authentication");
            }
            return 0;
        }
        // reserved bits must be zero once protection is off (RFC 9000 §17.2, §17.3.1)
        if ((first & (isLong ? 0x0c : 0x18)) != 0) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, "reserved header bits set");
        }
        if (which == OneRttKeys.ReadKey.NEXT) {
            long discard = now + 3 * ptoPeriod(true);
            if (!oneRtt.onPeerUpdate(space.pathId, pn, spaces[PacketSpace.APPLICATION].nextPn, discard)) {
                throw new TransportException(TransportError.KEY_UPDATE_ERROR,
                        "peer updated keys again before we acknowledged its previous update");
            }
            armKeyDiscardTimer();
        } else if (which != null && onPath == null) {
            oneRtt.onPacketOpened(which, pn);
        }
        packetsReceived++;
        boolean newest = pn > space.largestReceived;
        space.markReceived(pn);
        onPacketAuthenticated(now, from, type, buf, newest, dgramLen);
        if (onPath != null) {
            // a probe that reached us from another address earns that path no anti-amplification credit
            multipath.onPacketReceived(now, onPath, from.equals(onPath.data.remote) ? dgramLen : 0);
        }
        rxPath = onPath;
        boolean ackEliciting;
        try {
            ackEliciting = processFrames(now, from, space, type, buf, plainLen);
        } finally {
            rxPath = null;
        }
        if (onPath != null) {
            // paths other than 0 acknowledge at once: no delayed-ACK timer per path (see Multipath)
            space.recordForAck(pn, now);
            space.ackImmediately |= ackEliciting;
            return 1;
        }
        onPacketProcessed(now, space, pn, ackEliciting);
        if (type == PacketType.ONE_RTT && pn == space.largestReceived && !from.equals(path.remote)
                && !lastPacketProbingOnly && !isClosed()) {
            onPeerAddressChanged(now, from);
        }
        return 1;
    }

    private boolean isOurDcid(byte[] buf, PacketType type) {
        if (cids.isLocal(buf, hdr.dcidOff, hdr.dcidLen)) {
            return true;
        }
        // a server still sees the client's original DCID on Initial (and 0-RTT) packets
        return !isClient && (type == PacketType.INITIAL || type == PacketType.ZERO_RTT)
                && serverInitialDcid.matches(buf, hdr.dcidOff, hdr.dcidLen);
    }

    private void onPacketAuthenticated(long now, InetSocketAddress from, PacketType type, byte[] buf, boolean newest,
                                       int dgramLen) {
        resetIdleTimer(now);
        ackElicitingSentSinceReceive = false;
        if (!hs.peerPacketReceived && hdr.isLong()) {
            hs.peerPacketReceived = true;
            peerInitialScid = ConnectionId.of(buf, hdr.scidOff, hdr.scidLen);
            if (isClient) {
                // the server's chosen SCID becomes our DCID (RFC 9000 §7.2)
                cids.initialRemote(peerInitialScid, null);
            }
        }
        if (isClient && !hs.confirmed && !from.equals(path.remote)) {
            // tolerate a server answering from another address during the handshake (iroh 1.x may move the
            // 4-tuple then): follow it
            path.remote = from;
        }
        if (!isClient && newest && !hs.confirmed && type != PacketType.ONE_RTT && !from.equals(path.remote)) {
            // the client's Initial may reach us over several paths (iroh 1.x copies it to all of them), and the
            // first copy's source may not carry replies: during the handshake answer where the client's newest
            // packet came from, with a fresh amplification budget for that address
            path.remote = from;
            path.validated = false;
            path.bytesReceived = dgramLen;
            path.bytesSent = 0;
        }
        if (!isClient && type == PacketType.HANDSHAKE) {
            // RFC 9000 §8.1: a Handshake packet proves the client owns its address; Initial keys go (§4.9.1)
            path.validated = true;
            discardSpace(PacketSpace.INITIAL, now);
        }
    }

    private void onPacketProcessed(long now, PacketSpace space, long pn, boolean ackEliciting) {
        long prevLargest = space.largestReceived;
        space.recordForAck(pn, now);
        if (!ackEliciting) {
            return;
        }
        if (space.id != PacketSpace.APPLICATION) {
            space.ackImmediately = true;
            return;
        }
        space.ackElicitingSinceAck++;
        // RFC 9000 §13.2.1: acknowledge at once when packets arrive out of order or after the threshold
        boolean outOfOrder = pn < prevLargest || (prevLargest >= 0 && pn > prevLargest + 1);
        if (outOfOrder || space.ackElicitingSinceAck >= config.ackElicitingThreshold()) {
            space.ackImmediately = true;
        } else if (timers.get(ConnectionTimer.ACK_DELAY) == Long.MAX_VALUE) {
            timers.set(ConnectionTimer.ACK_DELAY, now + maxAckDelayNanos);
        }
    }

    /** Whether the last packet carried only probing frames (RFC 9000 §9.1); such packets do not migrate. */
    private boolean lastPacketProbingOnly;

    /** Handles the frames of a decrypted payload; returns whether the packet was ack-eliciting. */
    private boolean processFrames(long now, InetSocketAddress from, PacketSpace space, PacketType type, byte[] buf,
                                  int plainLen) throws TransportException {
        parser.reset(scratch.plain, 0, plainLen);
        if (!parser.hasNext()) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, "packet without frames");
        }
        boolean ackEliciting = false;
        boolean probingOnly = true;
        while (parser.hasNext()) {
            Frame f = parser.next();
            long ft = f.type();
            if (ft != FrameType.PADDING) {
                frameRx.count(ft);
            }
            if (type != PacketType.ONE_RTT && !FrameType.allowedInHandshakeSpaces(ft)) {
                throw new TransportException(TransportError.PROTOCOL_VIOLATION, ft,
                        "frame type 0x" + Long.toHexString(ft) + " not allowed in " + type + " packets");
            }
            if (FrameType.isMultipath(ft) && multipath == null) {
                throw new TransportException(TransportError.PROTOCOL_VIOLATION, ft,
                        "multipath frame 0x" + Long.toHexString(ft) + " but multipath was not negotiated");
            }
            if (FrameType.isNatTraversal(ft) && (multipath == null || multipath.nat == null)) {
                throw new TransportException(TransportError.PROTOCOL_VIOLATION, ft,
                        "NAT traversal frame 0x" + Long.toHexString(ft) + " but NAT traversal was not negotiated");
            }
            if (FrameType.isAckEliciting(ft)) {
                ackEliciting = true;
            }
            // OBSERVED_ADDR rides with path probes too (noq-proto counts it as probing, connection/mod.rs)
            if (!(f instanceof Frame.Padding || f instanceof Frame.PathChallenge || f instanceof Frame.PathResponse
                    || f instanceof Frame.NewConnectionId || f instanceof Frame.ObservedAddr)) {
                probingOnly = false;
            }
            handleFrame(now, from, space, f, buf);
            if (state != State.HANDSHAKE && state != State.ESTABLISHED) {
                break;
            }
        }
        lastPacketProbingOnly = probingOnly;
        return ackEliciting;
    }

    private void handleFrame(long now, InetSocketAddress from, PacketSpace space, Frame f, byte[] buf)
            throws TransportException {
        if (LOG.isTraceEnabled() && !(f instanceof Frame.Padding)) {
            LOG.trace("{} t={} rx {} {}", this, now / 1_000_000, space.id, f instanceof Frame.Stream st
                    ? "Stream(" + st.streamId() + "," + st.offset() + "," + st.len() + "," + st.fin() + ")" : f);
        }
        if (f instanceof Frame.Stream st) {
            streams.onStream(st);
        } else if (f instanceof Frame.Ack a) {
            // a plain ACK is of path 0 on whichever path it came (noq accepts it so)
            onAck(now, space.pathId != 0 ? spaces[PacketSpace.APPLICATION] : space, a);
        } else if (f instanceof Frame.Padding || f instanceof Frame.Ping || f instanceof Frame.DataBlocked
                || f instanceof Frame.StreamsBlocked) {
            // nothing to do beyond acknowledging
        } else if (f instanceof Frame.Crypto c) {
            onCrypto(space, c);
        } else if (f instanceof Frame.ResetStream r) {
            streams.onResetStream(r);
        } else if (f instanceof Frame.StopSending st) {
            streams.onStopSending(st);
        } else if (f instanceof Frame.MaxData m) {
            streams.onMaxData(m.max());
        } else if (f instanceof Frame.MaxStreamData m) {
            streams.onMaxStreamData(m);
        } else if (f instanceof Frame.MaxStreams m) {
            streams.onMaxStreams(m.bidi(), m.max());
        } else if (f instanceof Frame.StreamDataBlocked d) {
            streams.onStreamDataBlocked(d);
        } else if (f instanceof Frame.NewToken) {
            if (!isClient) {
                throw new TransportException(TransportError.PROTOCOL_VIOLATION, FrameType.NEW_TOKEN,
                        "a client sent NEW_TOKEN");
            }
            // accepted and ignored: we never use address validation tokens
        } else if (f instanceof Frame.NewConnectionId n) {
            cids.onNewConnectionId(n);
        } else if (f instanceof Frame.RetireConnectionId r) {
            cids.onRetire(r.sequence(), buf, hdr.dcidOff, hdr.dcidLen, !isClosed());
        } else if (f instanceof Frame.PathChallenge c) {
            pathChallengesReceived++;
            if (isNatTraversal() && hs.confirmed && !from.equals(rxPath != null ? rxPath.data.remote : path.remote)) {
                multipath.nat.onOffPathChallenge(rxPath, from, c.data());
                return;
            }
            if (rxPath != null) {
                multipath.onPathChallenge(rxPath, c.data());
                return;
            }
            pathResponseData = c.data();
            pathResponseTo = from;
            pathResponsePending = true;
        } else if (f instanceof Frame.PathResponse r) {
            if (isNatTraversal() && multipath.nat.onPathResponse(now, from, r.data())) {
                return; // a NAT traversal probe was answered
            }
            if (rxPath != null) {
                multipath.onPathResponse(now, rxPath, r.data());
            } else {
                onPathResponse(r.data());
            }
        } else if (FrameType.isNatTraversal(f.type())) {
            multipath.nat.onFrame(now, f);
        } else if (FrameType.isMultipath(f.type())) {
            multipath.onFrame(now, f, rxPath, from);
        } else if (f instanceof Frame.ConnectionClose c) {
            onConnectionClose(now, c);
        } else if (f instanceof Frame.HandshakeDone) {
            if (!isClient) {
                throw new TransportException(TransportError.PROTOCOL_VIOLATION, FrameType.HANDSHAKE_DONE,
                        "a client sent HANDSHAKE_DONE");
            }
            onHandshakeConfirmed(now);
        } else if (f instanceof Frame.Datagram d) {
            onDatagramFrame(d);
        } else if (f instanceof Frame.ObservedAddr o) {
            if (observedAddr.onReport(o)) {
                events.add(new ConnectionEvent.ObservedAddress(o.address()));
            }
        }
    }

    private void onCrypto(PacketSpace space, Frame.Crypto c) throws TransportException {
        long end = c.offset() + c.len();
        if (end > space.cryptoRecv.readOffset() + PacketSpace.CRYPTO_BUFFER_LIMIT) {
            throw new TransportException(TransportError.CRYPTO_BUFFER_EXCEEDED, FrameType.CRYPTO,
                    "CRYPTO data up to " + end + " is more than " + PacketSpace.CRYPTO_BUFFER_LIMIT
                            + " bytes ahead of what the handshake consumed");
        }
        space.cryptoRecv.onData(c.offset(), c.buf(), c.off(), c.len(), false);
    }

    private void onDatagramFrame(Frame.Datagram d) throws TransportException {
        if (config.maxDatagramFrameSize() == 0 || d.len() > config.maxDatagramFrameSize()) {
            throw new TransportException(TransportError.PROTOCOL_VIOLATION, FrameType.DATAGRAM,
                    "DATAGRAM frame of " + d.len() + " bytes; we accept up to " + config.maxDatagramFrameSize());
        }
        if (datagramsInBytes + d.len() > config.datagramReceiveBufferSize()) {
            return; // unreliable by definition: drop when the application is not keeping up
        }
        byte[] data = java.util.Arrays.copyOfRange(d.buf(), d.off(), d.off() + d.len());
        datagramsInBytes += data.length;
        events.add(new ConnectionEvent.DatagramReceived(data));
    }

    private void onConnectionClose(long now, Frame.ConnectionClose c) {
        String reason = new String(c.reason(), StandardCharsets.UTF_8);
        LOG.debug("{} peer closed: {} {}", this, c.application() ? "app 0x" + Long.toHexString(c.errorCode())
                : TransportError.name(c.errorCode()), reason);
        lose(new CloseReason(CloseReason.Source.PEER, c.application(), c.errorCode(), c.frameType(), reason));
        state = State.DRAINING;
        closing = Closing.draining(now + 3 * ptoPeriod(true));
        timers.closeOnly(closing.drainAt);
        stopPathTimers();
    }

    private void onVersionNegotiation(byte[] buf) {
        // RFC 9000 §6.2: only a client, only before any other packet from the server, and only if it does not
        // list our version
        if (!isClient || hs.peerPacketReceived || state != State.HANDSHAKE) {
            return;
        }
        if (!cids.initialLocalCid().matches(buf, hdr.dcidOff, hdr.dcidLen)
                || !originalDcid.matches(buf, hdr.scidOff, hdr.scidLen)) {
            return;
        }
        if (VersionNegotiation.lists(buf, hdr.pnOffset, hdr.end, PacketHeader.VERSION_1)) {
            return;
        }
        lose(new CloseReason(CloseReason.Source.VERSION_MISMATCH, false, TransportError.NO_ERROR, 0,
                "server does not support QUIC v1"));
        drain();
    }

    private void onRetry(long now, byte[] buf) {
        // RFC 9000 §17.2.5.2: a client accepts one Retry, before any other server packet
        if (!isClient || hs.peerPacketReceived || retrySourceCid != null || state != State.HANDSHAKE) {
            return;
        }
        int len = hdr.end - hdr.start;
        if (hdr.tokenLen <= 0 || !RetryIntegrity.verify(originalDcid.toBytes(), buf, hdr.start, len)) {
            return;
        }
        ConnectionId scid = ConnectionId.of(buf, hdr.scidOff, hdr.scidLen);
        if (scid.equals(cids.activeRemote())) {
            return;
        }
        retrySourceCid = scid;
        retryToken = java.util.Arrays.copyOfRange(buf, hdr.tokenOff, hdr.tokenOff + hdr.tokenLen);
        cids.initialRemote(scid, null);
        // new Initial keys from the Retry's SCID (RFC 9001 §5.2); everything sent so far is resent
        byte[] dcid = scid.toBytes();
        PacketSpace initial = spaces[PacketSpace.INITIAL];
        initial.writeKeys = InitialSecrets.clientKeys(dcid);
        initial.readKeys = InitialSecrets.serverKeys(dcid);
        for (SentPacket p : initial.sent.drain()) {
            for (int i = 0; i < p.cryptoCount; i++) {
                initial.cryptoSend.onLost(p.cryptoOffsets[i], p.cryptoLens[i], false);
            }
            initial.sent.recycle(p);
        }
        setLossDetectionTimer(now);
    }

    // =====================================================================================================
    // TLS
    // =====================================================================================================

    private void driveTls(long now) {
        if (tls == null || state == State.DRAINED) {
            return;
        }
        try {
            // feed contiguous CRYPTO bytes of every level
            for (PacketSpace s : spaces) {
                if (s.discarded && s.id != PacketSpace.APPLICATION) {
                    continue;
                }
                feedCrypto(s);
            }
            TlsEvent ev;
            while ((ev = tls.poll()) != null) {
                if (ev instanceof TlsEvent.HandshakeData d) {
                    spaceFor(d.level()).cryptoSend.write(ByteBuffer.wrap(d.data()), Long.MAX_VALUE);
                } else if (ev instanceof TlsEvent.KeysReady k) {
                    installKeys(k);
                } else if (ev instanceof TlsEvent.HandshakeComplete) {
                    onHandshakeComplete(now);
                }
                if (peerParams == null && tls.peerTransportParameters() != null) {
                    applyPeerParameters(now, tls.peerTransportParameters());
                }
                if (isClosed()) {
                    return;
                }
            }
            if (peerParams == null && tls.peerTransportParameters() != null) {
                applyPeerParameters(now, tls.peerTransportParameters());
            }
        } catch (TlsException e) {
            closeWithError(now, e);
        } catch (TransportException e) {
            closeWithError(now, e.code(), e.frameType(), e.getMessage());
        }
    }

    private void feedCrypto(PacketSpace s) throws TlsException {
        ByteBuffer cryptoScratch = scratch.crypto;
        while (s.cryptoRecv.available() > 0) {
            cryptoScratch.clear();
            int n = s.cryptoRecv.read(cryptoScratch);
            if (n <= 0) {
                break;
            }
            tls.onHandshakeData(levelOf(s), cryptoScratch.array(), 0, n);
        }
    }

    private PacketSpace spaceFor(EncryptionLevel level) {
        return switch (level) {
            case INITIAL -> spaces[PacketSpace.INITIAL];
            case HANDSHAKE -> spaces[PacketSpace.HANDSHAKE];
            default -> spaces[PacketSpace.APPLICATION];
        };
    }

    private static EncryptionLevel levelOf(PacketSpace s) {
        return switch (s.id) {
            case PacketSpace.INITIAL -> EncryptionLevel.INITIAL;
            case PacketSpace.HANDSHAKE -> EncryptionLevel.HANDSHAKE;
            default -> EncryptionLevel.APPLICATION;
        };
    }

    private void installKeys(TlsEvent.KeysReady k) {
        CipherSuite suite = k.suite();
        if (k.level() == EncryptionLevel.HANDSHAKE) {
            PacketSpace hs = spaces[PacketSpace.HANDSHAKE];
            hs.readKeys = DirectionalKeys.fromSecret(suite, k.readSecret());
            hs.writeKeys = DirectionalKeys.fromSecret(suite, k.writeSecret());
        } else if (k.level() == EncryptionLevel.APPLICATION) {
            oneRtt = new OneRttKeys(suite, k.readSecret(), k.writeSecret());
        }
    }

    private void applyPeerParameters(long now, byte[] raw) throws TransportException {
        TransportParameters tp = TransportParameters.decode(raw, isClient);
        // RFC 9000 §7.3: authenticate the connection IDs used during the handshake
        if (tp.initialSourceConnectionId == null || !tp.initialSourceConnectionId.equals(peerInitialScid)) {
            throw tpError("initial_source_connection_id " + tp.initialSourceConnectionId
                    + " does not match the peer's source connection ID " + peerInitialScid);
        }
        if (isClient) {
            if (tp.originalDestinationConnectionId == null || !tp.originalDestinationConnectionId.equals(originalDcid)) {
                throw tpError("original_destination_connection_id " + tp.originalDestinationConnectionId
                        + " does not match our first destination ID " + originalDcid);
            }
            if (retrySourceCid != null && !retrySourceCid.equals(tp.retrySourceConnectionId)) {
                throw tpError("retry_source_connection_id " + tp.retrySourceConnectionId + " does not match the Retry's "
                        + retrySourceCid);
            }
            if (retrySourceCid == null && tp.retrySourceConnectionId != null) {
                throw tpError("retry_source_connection_id present without a Retry");
            }
            if (tp.statelessResetToken != null) {
                cids.setInitialRemoteToken(tp.statelessResetToken);
            }
        }
        peerParams = tp;
        if (config.maxPathId() >= 0 && tp.initialMaxPathId >= 0) {
            // draft-ietf-quic-multipath §2: both sides offered it; zero-length IDs cannot tell paths apart (noq
            // closes with this error too)
            if (localCidLength == 0 || cids.activeRemote().length() == 0) {
                throw new TransportException(TransportError.PROTOCOL_VIOLATION,
                        "multipath must not use zero-length connection IDs");
            }
            multipath = new Multipath(this, isClient, config, registry, tp.initialMaxPathId,
                    tp.natTraversalMaxAddresses);
            multipath.relayAddresses(relayPredicate);
        }
        streams.applyPeerParameters(tp);
        cids.setPeerLimit(tp.activeConnectionIdLimit);
        recovery.peerMaxAckDelayNanos = tp.maxAckDelay * 1_000_000L;
        recovery.peerAckDelayExponent = (int) tp.ackDelayExponent;
        peerMaxDatagramFrameSize = tp.maxDatagramFrameSize;
        observedAddr.onPeerParameters(tp.observedAddr);
        path.mtud.setPeerMaxUdpPayload(tp.maxUdpPayloadSize);
        long peerIdle = tp.maxIdleTimeout * 1_000_000L;
        long ours = config.maxIdleTimeout().toNanos();
        idleTimeoutNanos = ours == 0 ? peerIdle : peerIdle == 0 ? ours : Math.min(ours, peerIdle);
        resetIdleTimer(now);
    }

    private static TransportException tpError(String msg) {
        return new TransportException(TransportError.TRANSPORT_PARAMETER_ERROR, msg);
    }

    private void onHandshakeComplete(long now) throws TransportException {
        if (hs.complete) {
            return;
        }
        if (peerParams == null) {
            if (tls.peerTransportParameters() == null) {
                throw new TransportException(TransportError.TRANSPORT_PARAMETER_ERROR,
                        "handshake completed without the peer's transport parameters");
            }
            applyPeerParameters(now, tls.peerTransportParameters());
        }
        hs.complete = true;
        state = State.ESTABLISHED;
        armKeepAlive();
        events.add(new ConnectionEvent.Connected());
        observedAddr.onHandshakeComplete();
        cids.issueUpToLimit();
        if (multipath != null) {
            multipath.issueConnectionIds();
        }
        if (!isClient) {
            // RFC 9001 §4.1.2: the server's handshake is confirmed once complete
            hs.donePending = true;
            onHandshakeConfirmed(now);
        }
    }

    private void onHandshakeConfirmed(long now) {
        if (hs.confirmed) {
            return;
        }
        hs.confirmed = true;
        discardSpace(PacketSpace.INITIAL, now);
        discardSpace(PacketSpace.HANDSHAKE, now);
        events.add(new ConnectionEvent.HandshakeConfirmed());
        path.validated = true;
        path.mtud.start(now);
        armMtuTimer();
        setLossDetectionTimer(now);
    }

    /** Drops a packet number space's keys and in-flight accounting (RFC 9001 §4.9, RFC 9002 §6.4). */
    void discardSpace(int id, long now) {
        PacketSpace s = spaces[id];
        if (s.discarded) {
            return;
        }
        s.discarded = true;
        s.readKeys = null;
        s.writeKeys = null;
        for (SentPacket p : s.sent.drain()) {
            s.sent.recycle(p);
        }
        s.lossTime = Long.MAX_VALUE;
        s.ackPending = false;
        s.ackImmediately = false;
        s.probesPending = 0;
        s.pingPending = false;
        s.cryptoSend.reset(0);
        recovery.onSpaceDiscarded(now);
    }

    // =====================================================================================================
    // Loss recovery (RFC 9002)
    // =====================================================================================================

    long bytesInFlight() {
        return recovery.bytesInFlight();
    }

    private long ptoPeriod(boolean includeAckDelay) {
        return recovery.ptoPeriod(includeAckDelay);
    }

    void setLossDetectionTimer(long now) {
        recovery.setTimer(now);
    }

    private void onAck(long now, PacketSpace space, Frame.Ack ack) throws TransportException {
        recovery.onAck(now, space, ack);
        if (space.id == PacketSpace.HANDSHAKE) {
            hs.handshakeAckReceived = true;
        }
        if (space.id == PacketSpace.APPLICATION && oneRtt != null) {
            oneRtt.onAckReceived(ack.largest());
            if (isClient && !hs.confirmed && hs.complete && space.largestAcked >= 0) {
                // RFC 9001 §4.1.2: an acknowledged 1-RTT packet also confirms the handshake
                onHandshakeConfirmed(now);
            }
        }
    }

    /**
     * The connection's side of loss recovery: what acknowledged and lost packets carried. One for path 0 ({@code
     * on} null) and one per multipath path, whose MTU and anti-amplification it reads.
     */
    private final class RecoveryHost implements LossRecovery.Host {
        private final MultipathPath on;

        RecoveryHost(MultipathPath on) {
            this.on = on;
        }

        @Override
        public boolean isClient() {
            return isClient;
        }

        @Override
        public boolean handshakeConfirmed() {
            return on != null || hs.confirmed; // a multipath path opens after the handshake
        }

        @Override
        public boolean peerCompletedAddressValidation() {
            return on != null || !isClient || hs.handshakeAckReceived || hs.confirmed;
        }

        @Override
        public boolean amplificationBlocked() {
            if (on != null) {
                return on.amplificationBudget() == 0;
            }
            return !isClient && path.amplificationBudget() == 0;
        }

        @Override
        public boolean hasHandshakeKeys() {
            return on == null && QuicConnection.this.hasHandshakeKeys();
        }

        @Override
        public boolean nothingToSend() {
            return !streams.hasStreamData();
        }

        @Override
        public void onAcked(long now, PacketSpace space, SentPacket p) {
            if (on != null) {
                if (p.mtuProbe) {
                    on.data.onMtuProbeAcked(p.pn);
                } else {
                    on.data.mtud.onPacketAcked(p.size);
                }
            } else if (p.mtuProbe) {
                // the probe may have gone out on the path we just left: pn tells whose it was
                path.onMtuProbeAcked(p.pn);
                if (previousPath != null) {
                    previousPath.onMtuProbeAcked(p.pn);
                }
                armMtuTimer();
            } else {
                path.mtud.onPacketAcked(p.size);
            }
            if (p.largestAckSent >= 0) {
                // the peer has our ACK up to here: stop repeating those ranges (RFC 9000 §13.2.4)
                space.ackRanges.removeBelow(p.largestAckSent + 1);
            }
            for (int i = 0; i < p.cryptoCount; i++) {
                space.cryptoSend.onAck(p.cryptoOffsets[i], p.cryptoLens[i], false);
            }
            for (int i = 0; i < p.streamCount; i++) {
                streams.onStreamFrameAcked(p.streamIds[i], p.streamOffsets[i], p.streamLens[i], p.streamFins[i]);
            }
            for (int i = 0; i < p.controlCount; i++) {
                if (p.controlKinds[i] == SentPacket.K_RESET_STREAM) {
                    streams.onControlAcked(p.controlKinds[i], p.controlArgs[i]);
                }
            }
        }

        @Override
        public void onLost(PacketSpace space, SentPacket p) {
            if (on != null) {
                if (p.mtuProbe) {
                    on.data.mtud.onProbeLost(p.pn);
                } else {
                    on.data.mtud.onPacketLost(p.size);
                }
                requeueLost(space, p);
                return;
            }
            if (p.mtuProbe) {
                path.mtud.onProbeLost(p.pn);
                if (previousPath != null) {
                    previousPath.mtud.onProbeLost(p.pn);
                }
            } else {
                path.mtud.onPacketLost(p.size);
                armMtuTimer();
            }
            requeueLost(space, p);
        }
    }

    /** The frames of a lost packet (or one in flight on an abandoned path) are queued to be sent again. */
    void requeueLost(PacketSpace space, SentPacket p) {
        for (int i = 0; i < p.cryptoCount; i++) {
            space.cryptoSend.onLost(p.cryptoOffsets[i], p.cryptoLens[i], false);
        }
        for (int i = 0; i < p.streamCount; i++) {
            streams.onStreamFrameLost(p.streamIds[i], p.streamOffsets[i], p.streamLens[i], p.streamFins[i]);
        }
        for (int i = 0; i < p.controlCount; i++) {
            int kind = p.controlKinds[i];
            long arg = p.controlArgs[i];
            switch (kind) {
                case SentPacket.K_NEW_CONNECTION_ID -> cids.onNewCidLost(arg);
                case SentPacket.K_RETIRE_CONNECTION_ID -> cids.onRetireLost(arg);
                case SentPacket.K_PATH_FRAME -> multipath.onControlLost(arg);
                default -> streams.onControlLost(kind, arg);
            }
        }
        if ((p.flags & SentPacket.F_HANDSHAKE_DONE) != 0) {
            hs.donePending = true;
        }
        if ((p.flags & SentPacket.F_OBSERVED_ADDR) != 0) {
            observedAddr.onLost();
        }
        streams.onFlagsLost(p.flags);
    }

    /**
     * Loss recovery of a multipath path: its own space (the two handshake slots are empty, discarded spaces), its
     * own timer table, its RTT and window; the peer's ACK delay settings as on path 0.
     */
    LossRecovery newPathRecovery(MultipathPath p) {
        PacketSpace none0 = new PacketSpace(PacketSpace.INITIAL);
        PacketSpace none1 = new PacketSpace(PacketSpace.HANDSHAKE);
        none0.discarded = true;
        none1.discarded = true;
        LossRecovery r = new LossRecovery(new PacketSpace[] {none0, none1, p.space}, new RecoveryHost(p), p.timers,
                p.data.rtt, p.data.cc);
        r.peerMaxAckDelayNanos = recovery.peerMaxAckDelayNanos;
        r.peerAckDelayExponent = recovery.peerAckDelayExponent;
        return r;
    }

    /** A PATH_ACK of path 0: what an ACK frame of the application space does. */
    void onPath0Ack(long now, Frame.Ack ack) throws TransportException {
        onAck(now, spaces[PacketSpace.APPLICATION], ack);
    }

    long initialRttNanos() {
        return config.initialRtt().toNanos();
    }

    boolean hasHandshakeKeys() {
        PacketSpace hs = spaces[PacketSpace.HANDSHAKE];
        return !hs.discarded && hs.writeKeys != null;
    }

    // =====================================================================================================
    // Paths
    // =====================================================================================================

    private void onPeerAddressChanged(long now, InetSocketAddress from) {
        if (!hs.confirmed) {
            return; // RFC 9000 §9: no migration before the handshake is confirmed
        }
        LOG.debug("{} peer address changed {} -> {}", this, path.remote, from);
        stopPathValidation();
        if (previousPath != null && from.equals(previousPath.remote)) {
            // the peer came back to the path it left (a migration it abandoned, or one we saw only because of a
            // spoofed or reordered packet): that path was validated, and what we measured on it still holds
            PathData back = previousPath;
            previousPath = path.validated ? path : null;
            usePath(back);
            return;
        }
        boolean sameHost = from.getAddress().equals(path.remote.getAddress());
        // RFC 9000 §9.4: a path to another host starts with fresh RTT and congestion state (and its own MTU)
        PathData np = sameHost ? PathData.rebound(from, path) : newPath(now, from);
        np.challenge = registry.random().nextLong();
        np.challengePending = true;
        long validationTime = Math.max(3 * ptoPeriod(true), 6 * config.initialRtt().toNanos());
        timers.set(ConnectionTimer.PATH_VALIDATION, now + validationTime);
        timers.set(ConnectionTimer.PATH_CHALLENGE, now + 2 * path.rtt.ptoBase());
        if (path.validated) {
            previousPath = path;
        }
        usePath(np);
    }

    /** A path to a new peer address, its MTU search started (migration comes after handshake confirmation). */
    private PathData newPath(long now, InetSocketAddress remote) {
        PathData np = PathData.fresh(remote, false, config);
        np.mtud.setPeerMaxUdpPayload(peerParams.maxUdpPayloadSize);
        np.mtud.start(now);
        return np;
    }

    /** Sends on {@code p} from now on; loss recovery samples RTT into and grows the window of that path. */
    private void usePath(PathData p) {
        path = p;
        recovery.usePath(p.rtt, p.cc);
        armMtuTimer();
        observedAddr.onPathChanged(); // the peer's address changed: tell it what we see now
    }

    private void stopPathValidation() {
        timers.stop(ConnectionTimer.PATH_VALIDATION);
        timers.stop(ConnectionTimer.PATH_CHALLENGE);
        path.challengePending = false;
    }

    private void onPathResponse(long data) {
        if (!path.validated && data == path.challenge) {
            path.validated = true;
            stopPathValidation();
        }
    }

    private void onPathValidationFailed() {
        stopPathValidation();
        if (previousPath != null) {
            LOG.debug("{} path validation to {} failed; back to {}", this, path.remote, previousPath.remote);
            PathData back = previousPath;
            previousPath = null;
            usePath(back);
        }
    }

    private void onStatelessReset() {
        LOG.debug("{} stateless reset", this);
        lose(new CloseReason(CloseReason.Source.STATELESS_RESET, false, TransportError.NO_ERROR, 0,
                "peer sent a stateless reset"));
        drain();
    }

    /** Endpoint path: a datagram ending in one of our peer's reset tokens reached us by its token. */
    void handleStatelessReset() {
        LOG.debug("{} stateless reset routed by token", this);
        if (!isDrained()) {
            onStatelessReset();
        }
    }

    // =====================================================================================================
    // Closing
    // =====================================================================================================

    /** Closes because TLS failed: CRYPTO_ERROR {@code 0x100 + alert} on the CRYPTO frame (RFC 9001 §4.8). */
    private void closeWithError(long now, TlsException e) {
        closeWithError(now, TransportError.cryptoError(e.alert()), FrameType.CRYPTO, e.getMessage(), e.peerMismatch());
    }

    /** Closes because the peer broke the protocol (or TLS failed): a transport CONNECTION_CLOSE. */
    void closeWithError(long now, long code, long frameType, String message) {
        closeWithError(now, code, frameType, message, false);
    }

    private void closeWithError(long now, long code, long frameType, String message, boolean peerMismatch) {
        if (isClosed()) {
            return;
        }
        LOG.debug("{} closing with {}: {}", this, TransportError.name(code), message);
        byte[] reason = message == null ? EMPTY : message.getBytes(StandardCharsets.UTF_8);
        if (reason.length > 200) {
            reason = java.util.Arrays.copyOf(reason, 200);
        }
        startClosing(now, false, code, frameType, reason,
                new CloseReason(CloseReason.Source.LOCAL, false, code, frameType, message, peerMismatch));
    }

    private void startClosing(long now, boolean application, long code, long frameType, byte[] reason,
                              CloseReason why) {
        lose(why);
        state = State.CLOSING;
        closing = Closing.closing(now, application, code, frameType, reason, now + 3 * ptoPeriod(true),
                config.initialRtt().toNanos());
        timers.closeOnly(closing.drainAt);
        stopPathTimers();
    }

    private void stopPathTimers() {
        if (multipath != null) {
            multipath.stopTimers();
        }
    }

    /** The connection is lost for the application: it learns why once. */
    private void lose(CloseReason why) {
        closeReason = why;
        events.add(new ConnectionEvent.ConnectionLost(why));
    }

    private void drain() {
        if (state == State.DRAINED) {
            return;
        }
        state = State.DRAINED;
        if (closing != null) {
            closing.sendPending = false;
        }
        timers.stopAll();
        stopPathTimers();
        if (multipath != null) {
            multipath.unregisterAll();
        }
        registry.drained(this);
    }

    // =====================================================================================================
    // Sending
    // =====================================================================================================

    /**
     * Writes the next datagrams into {@code out} (from its position; it needs room for {@code maxDatagrams}
     * times the path MTU, 1452 bytes by default) and returns what was written, or null if nothing is to be
     * sent now (see {@link #pollTimeout}). With {@code maxDatagrams > 1}, several datagrams of equal size may
     * come back at once for UDP GSO.
     */
    public Transmit pollTransmit(long now, ByteBuffer out, int maxDatagrams) {
        Transmit t = switch (state) {
            case DRAINED, DRAINING -> null;
            case CLOSING -> closing.sendPending ? builder.closeDatagram(now, out) : null;
            case HANDSHAKE, ESTABLISHED -> multipath == null ? builder.transmit(now, out, maxDatagrams)
                    : multipathTransmit(now, out, maxDatagrams);
        };
        if (t != null) {
            chargeHalfOpen(); // the packets it recorded
        }
        return t;
    }

    /**
     * With multipath: NAT traversal probes first (small, off-path), then each path other than 0 (its ACKs,
     * challenges, keep-alives, and the data if it is the selected one), then path 0.
     */
    private Transmit multipathTransmit(long now, ByteBuffer out, int maxDatagrams) {
        if (hs.confirmed && oneRtt != null) {
            multipath.select(now); // RTT estimates move: within a tier the fastest path takes over
            NatTraversal nat = multipath.nat;
            NatTraversal.Response response = nat == null ? null : nat.pollResponse();
            if (response != null) {
                Transmit t = builder.natProbeResponse(now, out, response);
                if (t != null) {
                    return t;
                }
            }
            NatTraversal.Probe probe = nat == null || !multipath.canProbe() ? null : nat.dueProbe(now);
            if (probe != null) {
                Transmit t = builder.natProbe(now, out, multipath.probePath(), probe.target, probe.token);
                nat.onProbeSent(now, probe);
                if (t != null) {
                    return t;
                }
            }
            long selected = multipath.selected();
            for (MultipathPath p : multipath.paths()) {
                if (!p.abandoned && p.remoteCid != null) {
                    Transmit t = builder.transmitOnPath(now, out, p, p.id == selected, maxDatagrams);
                    if (t != null) {
                        return t;
                    }
                }
            }
        }
        return builder.transmit(now, out, maxDatagrams);
    }

    /** Whether path 0 carries the data (always without multipath). */
    boolean dataOnPath0() {
        return multipath == null || multipath.selected() == 0;
    }

    /** RFC 9001 §6: update keys before the confidentiality limit, once the previous update is acknowledged. */
    void maybeInitiateKeyUpdate(long now) {
        if (!hs.confirmed || oneRtt.packetsSealedWithCurrentKey() < config.keyUpdatePacketLimit()
                || !oneRtt.canInitiate()) {
            return;
        }
        initiateKeyUpdate(now);
    }

    /** Starts a key update now (tests: what noq does after its first 10 to 1000 packets, on any path). */
    void initiateKeyUpdate(long now) {
        LOG.debug("{} initiating key update {}", this, oneRtt.generation() + 1);
        oneRtt.initiate(spaces[PacketSpace.APPLICATION].nextPn, now + 3 * ptoPeriod(true));
        armKeyDiscardTimer();
    }

    @Override
    public String toString() {
        return name;
    }

    // =====================================================================================================
    // Introspection for tests and the driver
    // =====================================================================================================

    State state() {
        return state;
    }

    int openStreamCount() {
        return streams.openStreams();
    }

    long streamMemory() {
        return streams.allocatedBytes();
    }

    StreamManager streamManager() {
        return streams;
    }

    ConnectionIds connectionIds() {
        return cids;
    }

    boolean isPathValidated() {
        return path.validated;
    }

    long pathChallengesReceived() {
        return pathChallengesReceived;
    }

    /** Packets that passed authentication so far. */
    long packetsAuthenticated() {
        return packetsReceived;
    }

    /** Forgets the connection without a word (the endpoint found it was never real). */
    void abandon() {
        events.clear();
        drain();
    }

    /**
     * Forgets the connection without a word to the peer: no CONNECTION_CLOSE, no closing period. For a handshake
     * the peer never pursued (a server's half-open connection nobody finished, a client's attempt to an address
     * that never answered), where a close would go nowhere or to someone who never asked. The application sees
     * {@code why}.
     */
    public void forget(CloseReason why) {
        if (state == State.DRAINED) {
            return;
        }
        if (closeReason == null) {
            lose(why);
        }
        drain();
    }

    /**
     * Test hook: protects {@code payload} as the frames of one packet of space {@code spaceId} (0 Initial, 1
     * Handshake, 2 1-RTT) with this side's keys and returns the datagram, so tests can make the peer process
     * arbitrary frames through its real receive path. Null if that space has no keys.
     */
    byte[] sealRawPacket(long now, int spaceId, byte[] payload) {
        return builder.sealRaw(now, spaceId, payload);
    }

    int keyPhaseGeneration() {
        return oneRtt == null ? 0 : oneRtt.generation();
    }

    ConnectionId originalDcid() {
        return originalDcid;
    }

    /**
     * Client, before anything came back from the server: queue the Initial flight again now rather than at the
     * next PTO. For a driver that learned out of band that the path just opened (iroh 0.35 drops QUIC from an
     * address until a disco Ping from it arrives; its Pong tells us the first Initial was probably dropped).
     * Returns whether a resend was queued.
     */
    public boolean resendInitialNow() {
        PacketSpace s = spaces[PacketSpace.INITIAL];
        if (!isClient || hs.peerPacketReceived || isClosed() || s.discarded || s.writeKeys == null) {
            return false;
        }
        s.probesPending = Math.max(s.probesPending, 1);
        LossRecovery.requeueCrypto(s);
        return true;
    }

    // =====================================================================================================
    // Multipath and NAT traversal (see Multipath, NatTraversal)
    // =====================================================================================================

    /** Both sides offered multipath ({@link TransportConfig#maxPathId}); known once the handshake completed. */
    public boolean isMultipath() {
        return multipath != null;
    }

    /** Both sides offered n0's NAT traversal (and multipath). */
    public boolean isNatTraversal() {
        return multipath != null && multipath.nat != null;
    }

    /**
     * Tells which remote addresses are relay paths (the driver's internal addresses for a relay): a client's
     * path selection prefers any direct path to them. May be called before the handshake.
     */
    public void relayAddresses(java.util.function.Predicate<InetSocketAddress> relay) {
        relayPredicate = relay;
        if (multipath != null) {
            multipath.relayAddresses(relay);
        }
    }

    private java.util.function.Predicate<InetSocketAddress> relayPredicate = a -> false;

    /**
     * Client: opens a multipath path to {@code remote} (validated with PATH_CHALLENGE, then selected if it ranks
     * best). Returns its path ID (that of an open path to {@code remote} if there is one), or -1 if multipath is
     * off, the handshake is not confirmed, or the peer has given no free path ID with a connection ID yet.
     */
    public long openPath(long now, InetSocketAddress remote) {
        if (multipath == null || !hs.confirmed || isClosed()) {
            return -1;
        }
        return multipath.openPath(now, remote);
    }

    /** Abandons a path (PATH_ABANDON); its data goes on the others. Path 0 only while another path is usable. */
    public void abandonPath(long now, long pathId) {
        if (multipath != null && !isClosed()) {
            multipath.abandon(now, pathId, Multipath.APPLICATION_ABANDON_PATH);
        }
    }

    /** Every path with its state and estimates, path 0 first; just path 0 without multipath. */
    public java.util.List<PathInfo> paths() {
        if (multipath == null) {
            return java.util.List.of(new PathInfo(0, path.remote, relayPredicate.test(path.remote), path.validated,
                    false, true, path.rtt.smoothed(), path.cc.window(), bytesInFlight()));
        }
        return multipath.snapshot();
    }

    /**
     * NAT traversal: one of our candidate addresses (a server advertises it with ADD_ADDRESS; a client reaches out
     * with it in its rounds). False if NAT traversal is off, the peer accepts no more, or it is known already.
     */
    public boolean addNatCandidate(InetSocketAddress address) {
        return isNatTraversal() && !isClosed() && multipath.nat.addCandidate(address);
    }

    public boolean removeNatCandidate(InetSocketAddress address) {
        return isNatTraversal() && !isClosed() && multipath.nat.removeCandidate(address);
    }

    /**
     * Client: starts a NAT traversal round (REACH_OUT with our candidates, probes to the server's); a probe that
     * is answered opens a path there. False if NAT traversal is off or we have no candidates.
     */
    public boolean startNatTraversalRound(long now) {
        return isNatTraversal() && isClient && hs.confirmed && !isClosed() && multipath.nat.startRound(now);
    }

    /** Client: the candidates the server advertised. */
    public java.util.List<InetSocketAddress> natRemoteCandidates() {
        return isNatTraversal() ? multipath.nat.remoteCandidates() : java.util.List.of();
    }

    /** Sends a PING in the next 1-RTT packet (tests, liveness checks). */
    public void ping() {
        if (!isClosed()) {
            spaces[PacketSpace.APPLICATION].pingPending = true;
        }
    }

    /**
     * Issues fresh connection IDs and asks the peer (retire_prior_to) to retire all it holds of ours, e.g. to
     * break linkability. Only once the handshake is complete.
     */
    public void rotateConnectionIds() {
        if (hs.complete && !isClosed()) {
            cids.rotateLocal();
        }
    }
}
