package com.kafkaconnectiroh.p2p.quic.params;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import java.net.InetSocketAddress;

/**
 * The server's preferred_address transport parameter (RFC 9000 §18.2). Parsed and validated; we never migrate to
 * it (iroh does not send one), but its CID is sequence number 1 of the server's connection IDs.
 */
public record PreferredAddress(InetSocketAddress ipv4, InetSocketAddress ipv6, ConnectionId connectionId,
                               byte[] statelessResetToken) {
}
