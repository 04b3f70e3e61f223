package com.kafkaconnectiroh.p2p.quic;

/** A snapshot of a connection's path and traffic figures. Times in nanoseconds, sizes in bytes. */
public record ConnectionStats(
        long smoothedRtt,
        long latestRtt,
        long minRtt,
        long rttVariance,
        long congestionWindow,
        long bytesInFlight,
        int pathMtu,
        long datagramsSent,
        long datagramsReceived,
        long bytesSent,
        long bytesReceived,
        long packetsSent,
        long packetsReceived,
        long packetsLost,
        long bytesLost,
        long congestionEvents,
        long ptoCount,
        int keyUpdates,
        long streamBytesSent,
        long streamBytesReceived,
        long undecryptablePackets) {
}
