/**
 * iroh-compatible endpoints: an {@link com.kafkaconnectiroh.p2p.endpoint.Endpoint} (one UDP socket, one Ed25519
 * identity) dials and accepts QUIC connections authenticated by endpoint ids; a
 * {@link com.kafkaconnectiroh.p2p.endpoint.Router} hands accepted connections to a
 * {@link com.kafkaconnectiroh.p2p.endpoint.ProtocolHandler} per ALPN; a
 * {@link com.kafkaconnectiroh.p2p.endpoint.Connection} carries bidirectional and unidirectional streams
 * ({@link com.kafkaconnectiroh.p2p.endpoint.SendStream}, {@link com.kafkaconnectiroh.p2p.endpoint.RecvStream}) with
 * blocking, timed and future-returning calls.
 *
 * <p>Shape: a thin driver ({@code Driver}, one event-loop thread per endpoint) around the sans-IO cores in
 * {@code quic} and {@code tls}; everything protocol-related runs on that thread without locks, and application
 * threads hand work to it. The driver moves datagrams through a {@code DatagramTransport} (the Netty UDP socket,
 * {@code UdpTransport}: epoll or NIO, GSO/GRO; and relays, {@code RelayTransport}, whose paths QUIC sees as
 * {@code RelayAddresses}) and dials through the {@code Dialer} (candidate addresses
 * and their order, {@code AddressBook} sources such as the {@code KnownAddresses} book, one {@code Dial} race per
 * connect; a public {@code AddressLookup}, such as discovery's, is asked when a dial's addresses fail). {@code Disco} answers and sends iroh 0.35 disco Pings so 0.35 nodes accept our direct path. User
 * documentation: {@code docs/endpoint.md}.
 */
package com.kafkaconnectiroh.p2p.endpoint;
