package com.kafkaconnectiroh.p2p.gossip.proto;

/** Where a local broadcast goes: the whole swarm of the topic, or only our direct neighbors. */
public enum Scope {
    SWARM,
    NEIGHBORS
}
