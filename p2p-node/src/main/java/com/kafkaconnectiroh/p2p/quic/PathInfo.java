package com.kafkaconnectiroh.p2p.quic;

import java.net.InetSocketAddress;

/**
 * One multipath path as the driver may show it (iroh's {@code PathSnapshot}): its ID, remote address, whether the
 * driver called it a relay path, whether it is validated, abandoned or the one carrying data now, and its RTT
 * estimate (nanoseconds), congestion window and bytes in flight.
 */
public record PathInfo(long id, InetSocketAddress remote, boolean relay, boolean validated, boolean abandoned,
                       boolean selected, long smoothedRtt, long congestionWindow, long bytesInFlight) {
}
