package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One path a connection has used: {@link PathType#DIRECT} to a socket address or {@link PathType#RELAY} through a
 * relay, with the bytes and datagrams that went each way on it (QUIC datagrams as sent and received, headers
 * included).
 *
 * @param address  the peer's socket address on a direct path; null on a relay path
 * @param relayUrl the relay on a relay path; null on a direct path
 * @param active   whether the connection sends on this path now
 * @param rtt      the smoothed round-trip time measured on this path while QUIC has it open and validated (with
 *                 multipath every path has its own); null on the others
 */
public record PathInfo(PathType type, InetSocketAddress address, RelayUrl relayUrl, boolean active, Duration rtt,
                       long bytesSent, long bytesReceived, long datagramsSent, long datagramsReceived) {

    /** {@code direct 192.0.2.1:4433} or {@code relay https://relay.example/}. */
    public String where() {
        return type == PathType.DIRECT ? "direct " + SocketAddrs.format(address) : "relay " + relayUrl;
    }

    @Override
    public String toString() {
        return where() + (active ? " (active, rtt " + (rtt == null ? "?" : rtt.toNanos() / 1e6 + " ms") + ")" : "")
                + " sent " + bytesSent + " B, received " + bytesReceived + " B";
    }
}
