package com.kafkaconnectiroh.p2p.endpoint;

/**
 * How the NAT in front of our data socket maps it, judged from QUIC address discovery reports of different servers
 * (IR {@code net_report/report.rs}: {@code mapping_varies_by_dest}). Endpoint-independent mapping ("easy NAT") lets
 * peers reach us at the one public address any server saw; an address-dependent ("symmetric", "hard") NAT gives
 * every destination its own mapping, so a public address learnt from one server is useless to another peer.
 */
public enum NatMapping {
    /** Every server saw our socket's own address: no NAT (a public address, or the servers are on our network). */
    NONE,
    /** Two or more servers at different addresses saw the same public address. */
    ENDPOINT_INDEPENDENT,
    /** Servers at different addresses saw different public addresses (or ports). */
    DEPENDENT,
    /** Fewer than two servers answered (a single server can never tell), or none. */
    UNKNOWN
}
