package com.kafkaconnectiroh.p2p.endpoint;

/**
 * Whether and how an endpoint uses relays (see {@code docs/relay.md}, "Relay client").
 */
public enum RelayMode {
    /**
     * Direct paths first, relays beside them: with home relays configured the endpoint keeps a connection to the
     * fastest, advertises it in {@link Endpoint#addr()}, and dials a peer's relay as one more candidate after its
     * direct addresses; without, a peer's relay is dialed only when none of its direct addresses is usable.
     */
    DEFAULT,
    /** Only relays: no direct addresses advertised or dialed (the UDP socket still answers what reaches it). */
    RELAY_ONLY,
    /** No relays at all: relay URLs in addresses are ignored, none is connected (the behaviour before relays). */
    DISABLED
}
