/**
 * Sans-IO QUIC v1 (RFC 9000, 9001, 9002) for talking to iroh 0.35 (iroh-quinn 0.13) and iroh 1.x (noq) peers.
 * Nothing in this package opens a socket, starts a thread or reads a clock: time is a {@code long} of
 * nanoseconds from any origin, passed in by the caller; bytes go in and out through {@link java.nio.ByteBuffer}s.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link com.kafkaconnectiroh.p2p.quic.QuicEndpoint}: one per UDP socket. Routes datagrams to connections by
 *       Destination Connection ID, accepts new connections (each gets a TLS session from the
 *       {@link com.kafkaconnectiroh.p2p.quic.TlsSessionFactory} the caller supplied), answers Version Negotiation,
 *       Retry (optional) and stateless resets, and drops garbage without keeping state for it.</li>
 *   <li>{@link com.kafkaconnectiroh.p2p.quic.QuicConnection}: one connection, client or server: handshake via
 *       {@code tls.QuicTlsSession}, packet protection and key updates, loss recovery, CUBIC and pacing, MTU
 *       discovery, streams with flow control, connection IDs, path validation, closing.</li>
 *   <li>{@link com.kafkaconnectiroh.p2p.quic.TransportConfig} / {@link com.kafkaconnectiroh.p2p.quic.EndpointConfig}:
 *       settings, defaulting to what iroh uses.</li>
 *   <li>Sub-packages hold the parts: {@code wire} (varints, errors), {@code packet} (headers, packet numbers,
 *       Version Negotiation, Retry), {@code protection} (RFC 9001 keys, AEAD, header protection, key phases),
 *       {@code frame}, {@code params} (transport parameters), {@code stream} (send/receive halves and their
 *       buffers), {@code recovery} (RTT, sent packets, congestion control, pacing, MTU discovery), {@code util}.</li>
 * </ul>
 *
 * <h2>Driving it</h2>
 * A driver owns the UDP socket, one timer per endpoint and one thread (or event loop) for the endpoint and all its
 * connections; nothing here is thread-safe. Its loop:
 * <pre>{@code
 * // a datagram arrived
 * QuicConnection c = endpoint.handleDatagram(now, from, buf);      // null: handled or dropped by the endpoint
 * for (QuicConnection n; (n = endpoint.pollIncoming()) != null; ) { ... hand n to the application ... }
 *
 * // after any input to a connection (datagram, timeout, application call) and periodically:
 * Transmit t;
 * while ((t = c.pollTransmit(now, out.clear(), maxSegments)) != null) {
 *     out.flip();                                                   // t.size() bytes from the old position
 *     send(t.destination(), out, t.segmentSize());                  // GSO: equal segments, the last may be shorter
 * }
 * while ((t = endpoint.pollTransmit(out.clear())) != null) { ... send ... }   // VN, Retry, resets
 * for (ConnectionEvent e; (e = c.pollEvent()) != null; ) { ... wake readers/writers, report close ... }
 * timer.schedule(c.pollTimeout());                                  // Long.MAX_VALUE: none
 *
 * // when the timer fires
 * c.handleTimeout(now);   // then pollTransmit/pollEvent/pollTimeout as above
 * }</pre>
 * {@code out} must have room for {@code maxSegments} datagrams of the path MTU (at most
 * {@link com.kafkaconnectiroh.p2p.quic.TransportConfig#maxMtu()}, 1452 bytes by default). Connections that are
 * {@link com.kafkaconnectiroh.p2p.quic.QuicConnection#isDrained() drained} have already been removed from their
 * endpoint; drop them.
 *
 * <h2>Application side</h2>
 * Once {@link com.kafkaconnectiroh.p2p.quic.ConnectionEvent.Connected} arrives: {@code openBi()/openUni()} (-1 when
 * the peer's stream limit is reached; retry after it raises it), {@code acceptBi()/acceptUni()} after
 * {@link com.kafkaconnectiroh.p2p.quic.ConnectionEvent.StreamOpened}, {@code write} (takes what the bounded send
 * buffer allows; a {@link com.kafkaconnectiroh.p2p.quic.ConnectionEvent.StreamWritable} follows a short write),
 * {@code finish}, {@code read} (bytes, 0 for "not yet", -1 at the end; throws
 * {@link com.kafkaconnectiroh.p2p.quic.StreamException} after a reset), {@code reset}, {@code stop},
 * {@code close(now, code, reason)}. Memory is bounded end to end: receive windows bound what a peer can make us
 * buffer, send buffers bound what the application can queue.
 *
 * <h2>Interop notes (iroh)</h2>
 * The fixed bit is always set (iroh drops packets without it), connection IDs are 8 bytes, unknown transport
 * parameters (min_ack_delay, multipath, NAT traversal) are skipped, NEW_TOKEN and NewSessionTicket are tolerated,
 * max_udp_payload_size is 1472, and duplicate Initials arriving over several paths route to one connection by their
 * original DCID.
 */
package com.kafkaconnectiroh.p2p.quic;
