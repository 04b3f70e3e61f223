package com.kafkaconnectiroh.p2p.relay;

/** The HTTP routes of an iroh 1.x relay (IR {@code iroh-relay/src/http.rs}, {@code server.rs}). */
public final class RelayPaths {
    /** The WebSocket upgrade; clients replace the relay URL's path with it. */
    public static final String RELAY = "/relay";
    /** Latency probe: any 2xx. iroh picks a home relay only after a sample from here (or QUIC address discovery). */
    public static final String PING = "/ping";
    public static final String HEALTHZ = "/healthz";
    /** Captive-portal check: 204, echoing {@code X-Iroh-Challenge} as {@code X-Iroh-Response}. */
    public static final String GENERATE_204 = "/generate_204";
    public static final String ROBOTS = "/robots.txt";
    /** Our relay's counters in the Prometheus text format (not an iroh route). */
    public static final String METRICS = "/metrics";

    private RelayPaths() {
    }
}
