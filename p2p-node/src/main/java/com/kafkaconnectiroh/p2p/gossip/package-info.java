/**
 * iroh-gossip over the endpoint: {@link com.kafkaconnectiroh.p2p.gossip.Gossip} (a protocol handler serving and
 * dialing {@code /iroh-gossip/1} and {@code /iroh-gossip/0}) and {@link com.kafkaconnectiroh.p2p.gossip.GossipTopic}
 * (one subscription: broadcast, events, leave).
 *
 * <h2>Shape</h2>
 * The protocol is the sans-IO {@code gossip.proto.State}; this package is its driver. One thread
 * ({@code GossipLoop}) owns the state, the per-peer connections ({@code Link}: either wire version, with its
 * {@code FrameWriter}s and {@code FrameReader}s), the timers, the address book and the subscriber queues; the
 * endpoint's event loop completes reads and writes and hands them over. Every buffer is bounded: one read and one
 * gathered write in flight per stream, per-peer send queues, per-topic held broadcasts, per-subscription event
 * queues that lag instead of growing.
 *
 * <p>See {@code docs/gossip.md} for the API, the connection rules, the close codes and the CLI formats.
 */
package com.kafkaconnectiroh.p2p.gossip;
