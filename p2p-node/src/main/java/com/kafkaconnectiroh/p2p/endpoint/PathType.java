package com.kafkaconnectiroh.p2p.endpoint;

/** How a connection's datagrams travel on one path (as iroh's {@code ConnectionType} names the two kinds). */
public enum PathType {
    /** UDP straight to the peer's socket address. */
    DIRECT,
    /** Through a relay server, addressed by the peer's endpoint id. */
    RELAY
}
