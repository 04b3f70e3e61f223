/**
 * The iroh-gossip protocol without I/O: HyParView membership and PlumTree broadcast per topic, wire-compatible
 * with iroh-gossip 0.35 ({@code /iroh-gossip/0}) and 0.90+ ({@code /iroh-gossip/1}).
 *
 * <h2>Driving it</h2>
 * {@link com.kafkaconnectiroh.p2p.gossip.proto.State} is the whole protocol for one node. The driver calls
 * {@code handle(InEvent, nowNanos)} and carries out the returned {@link com.kafkaconnectiroh.p2p.gossip.proto.OutEvent}s
 * in order:
 * <ul>
 *   <li>{@code SendMessage(to, topic, message)}: encode with {@link com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec}
 *       and write it on the connection to {@code to}, dialing if there is none;</li>
 *   <li>{@code EmitEvent(topic, Received | NeighborUp | NeighborDown)}: deliver to the topic's subscribers;</li>
 *   <li>{@code ScheduleTimer(delayNanos, timer)}: feed {@code TimerExpired(timer)} back once the delay passed;</li>
 *   <li>{@code DisconnectPeer(peer)}: flush what is queued for the peer, then close the connection;</li>
 *   <li>{@code PeerDataReceived(peer, data)}: remember the peer's addresses for dialing it.</li>
 * </ul>
 * Inputs are received messages, application commands ({@link com.kafkaconnectiroh.p2p.gossip.proto.TopicCommand}:
 * Join, Broadcast, Quit), expired timers, closed connections and changes of our own addresses.
 *
 * <h2>Wire</h2>
 * {@link com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec} (postcard messages, the {@code /0} frame body and the
 * {@code /1} stream header), {@link com.kafkaconnectiroh.p2p.gossip.proto.GossipWire} (ALPNs, limits, length prefix)
 * and {@link com.kafkaconnectiroh.p2p.gossip.proto.FrameDecoder} (reassembly from any chunking, bounded).
 *
 * <h2>Departures from iroh</h2>
 * None on the wire. In behaviour, every table is capped, a few robustness rules were added (Join retries, HIGH
 * priority refills below half a view, quick shuffles for newcomers, repeated grafts, IHaves from the broadcaster to
 * its eager peers too), and a few iroh quirks were not copied; {@code HyParView} and {@code PlumTree} list them.
 */
package com.kafkaconnectiroh.p2p.gossip.proto;
