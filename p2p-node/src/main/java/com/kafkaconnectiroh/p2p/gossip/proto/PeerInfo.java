package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Objects;

/**
 * A peer's identity plus, optionally, its {@link PeerData} ({@code data == null} is postcard {@code None}).
 */
public record PeerInfo<P>(P id, PeerData data) {
    public PeerInfo {
        Objects.requireNonNull(id, "id");
    }
}
