package com.kafkaconnectiroh.p2p.endpoint;

/**
 * An endpoint's traffic by path type: how many open connections send directly or through a relay now, and the
 * QUIC datagram bytes (headers included) that went each way on direct and relay paths since the endpoint started,
 * closed connections included. What a connector reports as metrics; per connection see {@link Connection#paths()}.
 */
public record PathTotals(int directConnections, int relayConnections,
                         long directBytesSent, long directBytesReceived,
                         long relayBytesSent, long relayBytesReceived) {

    static final PathTotals NONE = new PathTotals(0, 0, 0, 0, 0, 0);
}
