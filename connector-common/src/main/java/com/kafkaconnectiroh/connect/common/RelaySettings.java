package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.endpoint.RelayMode;
import com.kafkaconnectiroh.p2p.node.Node;
import java.util.List;
import java.util.Objects;

/**
 * A task node's relay settings ({@code iroh.relay.urls}, {@code iroh.relay.mode}): part of its identity, because
 * tasks that share a node must agree on how it reaches peers.
 */
public record RelaySettings(List<RelayUrl> urls, RelayMode mode) {
    /** No home relay, relays of peers dialed when their direct addresses fail (the node's default). */
    public static final RelaySettings NONE = new RelaySettings(List.of(), RelayMode.DEFAULT);

    public RelaySettings {
        urls = List.copyOf(urls);
        Objects.requireNonNull(mode, "mode");
    }

    void applyTo(Node.Builder b) {
        b.relayUrls(urls).relayMode(mode);
    }

    /** Whether the node has a home relay to wait for before it advertises its ticket. */
    boolean hasHomeRelay() {
        return !urls.isEmpty() && mode != RelayMode.DISABLED;
    }

    @Override
    public String toString() {
        return "relay mode " + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ", relays " + urls;
    }
}
