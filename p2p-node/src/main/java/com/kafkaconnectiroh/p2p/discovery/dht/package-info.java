/**
 * A BitTorrent mainline DHT node: BEP 5 (ping, find_node, get_peers, announce_peer) and BEP 44 mutable items
 * (get/put with Ed25519 signatures, seq, cas, salt), used for iroh's pkarr records and for finding blob providers.
 *
 * <p>Driving it:
 * <pre>{@code
 * try (DhtNode dht = DhtNode.builder()
 *         .bind(new InetSocketAddress("0.0.0.0", 0))
 *         .bootstrap(List.of(new InetSocketAddress("192.0.2.10", 6881)))   // default: DhtNode.DEFAULT_BOOTSTRAP
 *         .start()) {
 *     // publish this endpoint's record as iroh does, and keep it fresh
 *     dht.republish(() -> IrohRecord.of(endpoint.addr())
 *             .sign(endpoint.secretKey(), Timestamps.nowMicros(), IrohRecord.DEFAULT_TTL), DhtNode.REPUBLISH_INTERVAL);
 *     // find another endpoint by its id alone
 *     Optional<EndpointAddr> other = DhtDiscovery.over(dht, endpoint.secretKey()).resolve(otherId).get();
 *     // content: announce that this endpoint (whose record republish serves) has a blob; find who has one
 *     dht.announceProvider(hash.toBytes()).get();
 *     List<EndpointAddr> providers = dht.findProviders(hash.toBytes()).get();
 * }
 * }</pre>
 *
 * <p>The parts without I/O ({@link com.kafkaconnectiroh.p2p.discovery.dht.Bencode}, {@code RoutingTable},
 * {@code Tokens}, {@code Storage}, {@code KrpcServer}, {@code Lookup}) take the time as an
 * argument; {@link com.kafkaconnectiroh.p2p.discovery.dht.DhtNode} owns the socket and threads. See
 * docs/discovery.md, "Mainline DHT".
 */
package com.kafkaconnectiroh.p2p.discovery.dht;
