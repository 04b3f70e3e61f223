/**
 * Small protocols for checking a path between two nodes: {@link com.kafkaconnectiroh.p2p.ping.Ping} is iroh-ping
 * ({@code iroh/ping/0}, as the {@code iroh-ping} crate: PING/PONG on one bi stream), wire-compatible with iroh's;
 * {@link com.kafkaconnectiroh.p2p.ping.Speedtest} ({@code /kafka-connect-iroh/speedtest/0}) measures throughput,
 * its upload being the plain "stream in, 8-byte count out" sink that iroh's test tools also speak. Both are
 * {@link com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler}s for a {@link com.kafkaconnectiroh.p2p.endpoint.Router}
 * and have static or instance client calls. User documentation: {@code docs/cli.md}.
 */
package com.kafkaconnectiroh.p2p.ping;
