package com.kafkaconnectiroh.p2p.gossip.proto.sim;

import com.kafkaconnectiroh.p2p.gossip.proto.GossipConfig;

/**
 * Settings of a simulated network.
 *
 * @param latencyMinMillis  one-way latency of a pair of nodes is drawn once, uniformly in [min, max]
 * @param lossRate          probability that a message is silently dropped (the connection stays up)
 * @param lossAppliesToAll  false: only broadcast-layer messages are lost; true: membership messages too
 * @param crashDetectMillis how long a node takes to notice that a peer it is connected to crashed (QUIC idle
 *                          timeout / keep-alive failure)
 * @param dialTimeoutMillis how long a dial to a node that is down takes to fail
 * @param wireEncode        encode every message to bytes and decode it at the receiver
 */
public record SimConfig(long seed, GossipConfig proto, int latencyMinMillis, int latencyMaxMillis, double lossRate,
                        boolean lossAppliesToAll, int crashDetectMillis, int dialTimeoutMillis, boolean wireEncode) {

    public static SimConfig defaults(long seed) {
        return new SimConfig(seed, GossipConfig.DEFAULT, 10, 100, 0.0, true, 5000, 3000, true);
    }

    public SimConfig withProto(GossipConfig v) {
        return new SimConfig(seed, v, latencyMinMillis, latencyMaxMillis, lossRate, lossAppliesToAll,
                crashDetectMillis, dialTimeoutMillis, wireEncode);
    }

    public SimConfig withLoss(double rate, boolean appliesToAll) {
        return new SimConfig(seed, proto, latencyMinMillis, latencyMaxMillis, rate, appliesToAll,
                crashDetectMillis, dialTimeoutMillis, wireEncode);
    }

    public SimConfig withLatency(int minMillis, int maxMillis) {
        return new SimConfig(seed, proto, minMillis, maxMillis, lossRate, lossAppliesToAll,
                crashDetectMillis, dialTimeoutMillis, wireEncode);
    }

    public SimConfig withCrashDetect(int millis) {
        return new SimConfig(seed, proto, latencyMinMillis, latencyMaxMillis, lossRate, lossAppliesToAll,
                millis, dialTimeoutMillis, wireEncode);
    }

    public SimConfig withWireEncode(boolean v) {
        return new SimConfig(seed, proto, latencyMinMillis, latencyMaxMillis, lossRate, lossAppliesToAll,
                crashDetectMillis, dialTimeoutMillis, v);
    }
}
