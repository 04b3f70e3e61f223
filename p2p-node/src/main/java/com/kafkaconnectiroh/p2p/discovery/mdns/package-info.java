/**
 * Local-network discovery compatible with iroh's mDNS-based swarm discovery (the {@code swarm-discovery} crate;
 * docs/discovery.md, "Local network"): {@link com.kafkaconnectiroh.p2p.discovery.mdns.SwarmRecords} (the messages),
 * {@link com.kafkaconnectiroh.p2p.discovery.mdns.MdnsSwarm} (the sans-IO core: timing, peer table, bounds) and
 * {@link com.kafkaconnectiroh.p2p.discovery.mdns.MdnsDiscovery} (the multicast driver, an
 * {@code endpoint.AddressLookup}).
 *
 * <pre>{@code
 * // driving the core by hand, as MdnsDiscovery does and MdnsSwarmTest simulates
 * MdnsSwarm swarm = new MdnsSwarm(myId, List.of(SwarmRecords.IROH_V1), 256, new SecureRandom(), System.nanoTime());
 * swarm.announce(myAddrs, Map.of());
 * swarm.handle(datagram, 0, length, System.nanoTime());       // each datagram received on 224.0.0.251:5353
 * if (System.nanoTime() - swarm.nextTimeout() >= 0) swarm.onTimeout(System.nanoTime());
 * for (MdnsSwarm.Transmit t; (t = swarm.pollTransmit()) != null; ) send(t.bytes());   // to the group
 * for (MdnsEvent e; (e = swarm.pollEvent()) != null; ) handle(e);                      // Discovered / Expired
 * }</pre>
 */
package com.kafkaconnectiroh.p2p.discovery.mdns;
