package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.params.ObservedAddrRole;
import com.kafkaconnectiroh.p2p.quic.recovery.CongestionController;
import java.time.Duration;

/**
 * Per-connection transport settings. Defaults follow iroh (0.35 and 1.x, see IROH-WIRE-MAP §2): 30 s idle
 * timeout, 1.25 MB stream receive window, 100 bidirectional and 100 unidirectional streams, CUBIC with a 333 ms
 * initial RTT, 1200-byte initial MTU probed up to 1452, max_udp_payload_size 1472. Times are {@link Duration}s
 * (those sent as transport parameters in whole milliseconds). Fluent setters; not thread-safe; a connection copies
 * what it needs when created.
 */
public final class TransportConfig {
    private Duration maxIdleTimeout = Duration.ofSeconds(30);
    private Duration keepAliveInterval = Duration.ZERO;
    private long streamReceiveWindow = 1_250_000;
    private long connectionReceiveWindow = 16L << 20;
    private int streamSendBufferSize = 4 << 20;
    private long connectionSendBufferSize = 10_000_000;
    private long maxConcurrentBidiStreams = 100;
    private long maxConcurrentUniStreams = 100;
    private Duration maxAckDelay = Duration.ofMillis(25);
    private int ackDelayExponent = 3;
    private int activeConnectionIdLimit = 8;
    private int maxLocalConnectionIds = 8;
    private Duration initialRtt = Duration.ofMillis(333);
    private CongestionController.Kind congestionController = CongestionController.Kind.CUBIC;
    private boolean pacing = true;
    private int initialMtu = 1200;
    private int maxMtu = 1452;
    private boolean mtuDiscovery = true;
    private Duration mtuReprobeInterval = Duration.ofMinutes(10);
    private int maxUdpPayloadSize = 1472;
    private long keyUpdatePacketLimit = 1L << 23;
    private int maxDatagramFrameSize = 0;
    private int datagramReceiveBufferSize = 1 << 20;
    private boolean disableActiveMigration = false;
    private int ackElicitingThreshold = 2;
    private ObservedAddrRole observedAddrRole;
    private int maxPathId = -1;
    private int natTraversalAddresses = 0;
    private Duration pathKeepAliveInterval = Duration.ofSeconds(5);
    private Duration pathIdleTimeout = Duration.ofSeconds(15);

    public TransportConfig copy() {
        TransportConfig c = new TransportConfig();
        c.maxIdleTimeout = maxIdleTimeout;
        c.keepAliveInterval = keepAliveInterval;
        c.streamReceiveWindow = streamReceiveWindow;
        c.connectionReceiveWindow = connectionReceiveWindow;
        c.streamSendBufferSize = streamSendBufferSize;
        c.connectionSendBufferSize = connectionSendBufferSize;
        c.maxConcurrentBidiStreams = maxConcurrentBidiStreams;
        c.maxConcurrentUniStreams = maxConcurrentUniStreams;
        c.maxAckDelay = maxAckDelay;
        c.ackDelayExponent = ackDelayExponent;
        c.activeConnectionIdLimit = activeConnectionIdLimit;
        c.maxLocalConnectionIds = maxLocalConnectionIds;
        c.initialRtt = initialRtt;
        c.congestionController = congestionController;
        c.pacing = pacing;
        c.initialMtu = initialMtu;
        c.maxMtu = maxMtu;
        c.mtuDiscovery = mtuDiscovery;
        c.mtuReprobeInterval = mtuReprobeInterval;
        c.maxUdpPayloadSize = maxUdpPayloadSize;
        c.keyUpdatePacketLimit = keyUpdatePacketLimit;
        c.maxDatagramFrameSize = maxDatagramFrameSize;
        c.datagramReceiveBufferSize = datagramReceiveBufferSize;
        c.disableActiveMigration = disableActiveMigration;
        c.ackElicitingThreshold = ackElicitingThreshold;
        c.observedAddrRole = observedAddrRole;
        c.maxPathId = maxPathId;
        c.natTraversalAddresses = natTraversalAddresses;
        c.pathKeepAliveInterval = pathKeepAliveInterval;
        c.pathIdleTimeout = pathIdleTimeout;
        return c;
    }

    /**
     * Our max_idle_timeout, whole milliseconds (zero: none). The effective timeout is the smaller of both sides'.
     */
    public TransportConfig maxIdleTimeout(Duration v) {
        maxIdleTimeout = wholeMillis(v, "maxIdleTimeout");
        return this;
    }

    /** Send a PING when nothing ack-eliciting went out this long (zero: never). iroh: 1 s (0.35), 5 s (1.x). */
    public TransportConfig keepAliveInterval(Duration v) {
        keepAliveInterval = nanos(v, "keepAliveInterval");
        return this;
    }

    /** Per-stream receive window (initial_max_stream_data_*), and how far ahead of reading we let peers send. */
    public TransportConfig streamReceiveWindow(long v) {
        streamReceiveWindow = positive(v, "streamReceiveWindow");
        return this;
    }

    /** Connection receive window (initial_max_data), across all streams. */
    public TransportConfig connectionReceiveWindow(long v) {
        connectionReceiveWindow = positive(v, "connectionReceiveWindow");
        return this;
    }

    /** Bytes written to one stream and not yet acknowledged that we buffer; {@code write} takes no more. */
    public TransportConfig streamSendBufferSize(int v) {
        streamSendBufferSize = (int) positive(v, "streamSendBufferSize");
        return this;
    }

    /** Like {@link #streamSendBufferSize} across all streams of the connection (iroh's send_window). */
    public TransportConfig connectionSendBufferSize(long v) {
        connectionSendBufferSize = positive(v, "connectionSendBufferSize");
        return this;
    }

    /** Peer-initiated bidirectional streams open at once (initial_max_streams_bidi, renewed as streams close). */
    public TransportConfig maxConcurrentBidiStreams(long v) {
        maxConcurrentBidiStreams = nonNegative(v, "maxConcurrentBidiStreams");
        return this;
    }

    public TransportConfig maxConcurrentUniStreams(long v) {
        maxConcurrentUniStreams = nonNegative(v, "maxConcurrentUniStreams");
        return this;
    }

    /** Our max_ack_delay: how long we may hold back an ACK, whole milliseconds from 1 to 16383 ms. */
    public TransportConfig maxAckDelay(Duration v) {
        long ms = wholeMillis(v, "maxAckDelay").toMillis();
        if (ms < 1 || ms >= (1 << 14)) {
            throw new IllegalArgumentException("maxAckDelay must be 1..16383 ms, got " + v);
        }
        maxAckDelay = v;
        return this;
    }

    public TransportConfig ackDelayExponent(int v) {
        if (v < 0 || v > 20) {
            throw new IllegalArgumentException("ackDelayExponent must be 0..20, got " + v);
        }
        ackDelayExponent = v;
        return this;
    }

    /** How many of the peer's connection IDs we store (active_connection_id_limit, at least 2). */
    public TransportConfig activeConnectionIdLimit(int v) {
        if (v < 2) {
            throw new IllegalArgumentException("activeConnectionIdLimit must be at least 2, got " + v);
        }
        activeConnectionIdLimit = v;
        return this;
    }

    /** Upper bound on connection IDs we issue (also capped by the peer's active_connection_id_limit). */
    public TransportConfig maxLocalConnectionIds(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("maxLocalConnectionIds must be positive, got " + v);
        }
        maxLocalConnectionIds = v;
        return this;
    }

    /** The RTT assumed before the first sample (RFC 9002 §6.2.2); iroh's 333 ms. */
    public TransportConfig initialRtt(Duration v) {
        initialRtt = positive(v, "initialRtt");
        return this;
    }

    public TransportConfig congestionController(CongestionController.Kind v) {
        congestionController = v;
        return this;
    }

    public TransportConfig pacing(boolean v) {
        pacing = v;
        return this;
    }

    /** Ceiling for MTU probing (and for any datagram we send). Default 1452 as iroh. */
    public TransportConfig maxMtu(int v) {
        if (v < 1200 || v > 65527) {
            throw new IllegalArgumentException("maxMtu must be 1200..65527, got " + v);
        }
        maxMtu = v;
        return this;
    }

    public TransportConfig mtuDiscovery(boolean v) {
        mtuDiscovery = v;
        return this;
    }

    /** How long after a finished MTU search the path is probed again for a larger MTU. */
    public TransportConfig mtuReprobeInterval(Duration v) {
        mtuReprobeInterval = positive(v, "mtuReprobeInterval");
        return this;
    }

    /** Our max_udp_payload_size transport parameter (at least 1452 so iroh can probe up to its ceiling). */
    public TransportConfig maxUdpPayloadSize(int v) {
        if (v < 1200 || v > 65527) {
            throw new IllegalArgumentException("maxUdpPayloadSize must be 1200..65527, got " + v);
        }
        maxUdpPayloadSize = v;
        return this;
    }

    /**
     * Packets sent with one 1-RTT key before we update keys (RFC 9001 §6.6). Default 2^23, the AES-GCM
     * confidentiality limit; tests lower it to force many updates.
     */
    public TransportConfig keyUpdatePacketLimit(long v) {
        keyUpdatePacketLimit = positive(v, "keyUpdatePacketLimit");
        return this;
    }

    /** Advertise DATAGRAM support (RFC 9221) with this max frame size; 0 (default) does not. */
    public TransportConfig maxDatagramFrameSize(int v) {
        maxDatagramFrameSize = (int) nonNegative(v, "maxDatagramFrameSize");
        return this;
    }

    /** Bytes of received DATAGRAM payloads buffered until read; older ones are dropped beyond this. */
    public TransportConfig datagramReceiveBufferSize(int v) {
        datagramReceiveBufferSize = (int) positive(v, "datagramReceiveBufferSize");
        return this;
    }

    public TransportConfig disableActiveMigration(boolean v) {
        disableActiveMigration = v;
        return this;
    }

    /** ACK after this many ack-eliciting packets (RFC 9000 §13.2.2 recommends 2). */
    public TransportConfig ackElicitingThreshold(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("ackElicitingThreshold must be positive, got " + v);
        }
        ackElicitingThreshold = v;
        return this;
    }

    /**
     * Our observed_addr transport parameter (QUIC address discovery): null (the default) leaves it out, so no
     * reports flow either way; a QAD server sends, a QAD client receives (IROH-WIRE-MAP-RELAY §2.1).
     */
    public TransportConfig observedAddrRole(ObservedAddrRole v) {
        observedAddrRole = v;
        return this;
    }

    /**
     * Offer QUIC multipath (draft-ietf-quic-multipath as noq-proto 1.0.1 speaks it) with paths 0..{@code v}
     * (initial_max_path_id); -1, the default, offers none and the connection behaves as plain RFC 9000. iroh 1.x
     * offers 7 (8 paths). Needs non-zero-length connection IDs on both sides.
     */
    public TransportConfig maxPathId(int v) {
        if (v < -1) {
            throw new IllegalArgumentException("maxPathId must be -1 (off) or a path ID, got " + v);
        }
        maxPathId = v;
        return this;
    }

    /**
     * Offer n0's QUIC NAT traversal, accepting up to {@code v} candidate addresses from the peer (1..255; 0, the
     * default, offers none). Takes effect only with multipath. iroh 1.x offers 32.
     */
    public TransportConfig natTraversalAddresses(int v) {
        if (v < 0 || v > 255) {
            throw new IllegalArgumentException("natTraversalAddresses must be 0..255, got " + v);
        }
        natTraversalAddresses = v;
        return this;
    }

    /** Multipath: PING a path when nothing ack-eliciting went out on it this long. iroh 1.x: 5 s. */
    public TransportConfig pathKeepAliveInterval(Duration v) {
        pathKeepAliveInterval = positive(v, "pathKeepAliveInterval");
        return this;
    }

    /** Multipath: abandon a path (other than the last one) that received nothing this long. iroh 1.x: 15 s. */
    public TransportConfig pathIdleTimeout(Duration v) {
        pathIdleTimeout = positive(v, "pathIdleTimeout");
        return this;
    }

    private static long positive(long v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
        return v;
    }

    /** A duration of zero or more that fits in a {@code long} of nanoseconds. */
    private static Duration nanos(Duration v, String name) {
        if (v == null || v.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + v);
        }
        try {
            v.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + " must be at most 292 years, got " + v);
        }
        return v;
    }

    private static Duration positive(Duration v, String name) {
        if (nanos(v, name).isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
        return v;
    }

    /** Durations that go on the wire as transport parameters in milliseconds (RFC 9000 §18.2). */
    private static Duration wholeMillis(Duration v, String name) {
        if (nanos(v, name).toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException(name + " must be whole milliseconds, got " + v);
        }
        return v;
    }

    private static long nonNegative(long v, String name) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + v);
        }
        return v;
    }

    public Duration maxIdleTimeout() {
        return maxIdleTimeout;
    }

    public Duration keepAliveInterval() {
        return keepAliveInterval;
    }

    public long streamReceiveWindow() {
        return streamReceiveWindow;
    }

    public long connectionReceiveWindow() {
        return connectionReceiveWindow;
    }

    public int streamSendBufferSize() {
        return streamSendBufferSize;
    }

    public long connectionSendBufferSize() {
        return connectionSendBufferSize;
    }

    public long maxConcurrentBidiStreams() {
        return maxConcurrentBidiStreams;
    }

    public long maxConcurrentUniStreams() {
        return maxConcurrentUniStreams;
    }

    public Duration maxAckDelay() {
        return maxAckDelay;
    }

    public int ackDelayExponent() {
        return ackDelayExponent;
    }

    public int activeConnectionIdLimit() {
        return activeConnectionIdLimit;
    }

    public int maxLocalConnectionIds() {
        return maxLocalConnectionIds;
    }

    public Duration initialRtt() {
        return initialRtt;
    }

    public CongestionController.Kind congestionController() {
        return congestionController;
    }

    public boolean pacing() {
        return pacing;
    }

    public int initialMtu() {
        return initialMtu;
    }

    public int maxMtu() {
        return maxMtu;
    }

    public boolean mtuDiscovery() {
        return mtuDiscovery;
    }

    public Duration mtuReprobeInterval() {
        return mtuReprobeInterval;
    }

    public int maxUdpPayloadSize() {
        return maxUdpPayloadSize;
    }

    public long keyUpdatePacketLimit() {
        return keyUpdatePacketLimit;
    }

    public int maxDatagramFrameSize() {
        return maxDatagramFrameSize;
    }

    public int datagramReceiveBufferSize() {
        return datagramReceiveBufferSize;
    }

    public boolean disableActiveMigration() {
        return disableActiveMigration;
    }

    public int ackElicitingThreshold() {
        return ackElicitingThreshold;
    }

    public ObservedAddrRole observedAddrRole() {
        return observedAddrRole;
    }

    public int maxPathId() {
        return maxPathId;
    }

    public int natTraversalAddresses() {
        return natTraversalAddresses;
    }

    public Duration pathKeepAliveInterval() {
        return pathKeepAliveInterval;
    }

    public Duration pathIdleTimeout() {
        return pathIdleTimeout;
    }
}
