package com.kafkaconnectiroh.p2p.quic;

/**
 * A snapshot of a connection's figures, grouped as quinn-proto's {@code ConnectionStats}: datagrams each way
 * ({@link UdpStats}), frames each way ({@link FrameStats}), and the path in use ({@link PathStats}). Times in
 * nanoseconds, sizes in bytes. The flat accessors below it ({@link #smoothedRtt()}, {@link #bytesSent()}, ...)
 * read the same figures from their group.
 */
public record ConnectionStats(
        UdpStats udpTx,
        UdpStats udpRx,
        FrameStats frameTx,
        FrameStats frameRx,
        PathStats path,
        long packetsSent,
        long packetsReceived,
        long undecryptablePackets,
        int keyUpdates,
        long streamBytesSent,
        long streamBytesReceived) {

    /** Datagrams and their bytes, one direction. */
    public record UdpStats(long datagrams, long bytes) {
    }

    /**
     * What is known of the path in use: the RTT estimate (RFC 9002 §5), the congestion window and what is in
     * flight under it, the path MTU, and the losses, congestion events and PTOs seen on the connection so far.
     */
    public record PathStats(
            long smoothedRtt,
            long latestRtt,
            long minRtt,
            long rttVariance,
            long congestionWindow,
            long bytesInFlight,
            int mtu,
            long lostPackets,
            long lostBytes,
            long congestionEvents,
            long ptoCount) {
    }

    /** Frames of each type (RFC 9000 §19, RFC 9221 for DATAGRAM), one direction; PADDING is not counted. */
    public record FrameStats(
            long ack,
            long crypto,
            long stream,
            long ping,
            long resetStream,
            long stopSending,
            long newToken,
            long maxData,
            long maxStreamData,
            long maxStreams,
            long dataBlocked,
            long streamDataBlocked,
            long streamsBlocked,
            long newConnectionId,
            long retireConnectionId,
            long pathChallenge,
            long pathResponse,
            long connectionClose,
            long handshakeDone,
            long datagram) {
    }

    public long smoothedRtt() {
        return path.smoothedRtt();
    }

    public long latestRtt() {
        return path.latestRtt();
    }

    public long minRtt() {
        return path.minRtt();
    }

    public long rttVariance() {
        return path.rttVariance();
    }

    public long congestionWindow() {
        return path.congestionWindow();
    }

    public long bytesInFlight() {
        return path.bytesInFlight();
    }

    public int pathMtu() {
        return path.mtu();
    }

    public long datagramsSent() {
        return udpTx.datagrams();
    }

    public long datagramsReceived() {
        return udpRx.datagrams();
    }

    public long bytesSent() {
        return udpTx.bytes();
    }

    public long bytesReceived() {
        return udpRx.bytes();
    }

    public long packetsLost() {
        return path.lostPackets();
    }

    public long bytesLost() {
        return path.lostBytes();
    }

    public long congestionEvents() {
        return path.congestionEvents();
    }

    public long ptoCount() {
        return path.ptoCount();
    }
}
