package com.kafkaconnectiroh.p2p.gossip.proto;

/**
 * Priority of a HyParView Neighbor request. A HIGH request is never refused (the receiver evicts a random
 * neighbor if it must); a LOW one is accepted only into a free slot. Wire tags: HIGH=0, LOW=1.
 */
public enum Priority {
    HIGH,
    LOW
}
