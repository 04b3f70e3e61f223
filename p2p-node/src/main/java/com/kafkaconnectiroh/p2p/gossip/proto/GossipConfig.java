package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Objects;

/**
 * Protocol settings (iroh-gossip {@code topic::Config}). {@code maxMessageSize} bounds every frame and should be
 * the same across a swarm; it is at least {@link GossipWire#MIN_MAX_MESSAGE_SIZE}.
 */
public record GossipConfig(HyParViewConfig membership, PlumTreeConfig broadcast, int maxMessageSize) {

    public static final GossipConfig DEFAULT =
            new GossipConfig(HyParViewConfig.DEFAULT, PlumTreeConfig.DEFAULT, GossipWire.DEFAULT_MAX_MESSAGE_SIZE);

    public GossipConfig {
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(broadcast, "broadcast");
        if (maxMessageSize < GossipWire.MIN_MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be at least " + GossipWire.MIN_MAX_MESSAGE_SIZE + ", got " + maxMessageSize);
        }
    }

    public GossipConfig withMembership(HyParViewConfig v) {
        return new GossipConfig(v, broadcast, maxMessageSize);
    }

    public GossipConfig withBroadcast(PlumTreeConfig v) {
        return new GossipConfig(membership, v, maxMessageSize);
    }

    public GossipConfig withMaxMessageSize(int v) {
        return new GossipConfig(membership, broadcast, v);
    }

    /** Largest content {@link TopicCommand.Broadcast} accepts with this configuration. */
    public int maxContentSize() {
        return GossipCodec.maxContentSize(maxMessageSize);
    }
}
