package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.List;
import java.util.Objects;

/** What the application asks of one topic (iroh-gossip {@code topic::Command}). */
public sealed interface TopicCommand<P> permits TopicCommand.Join, TopicCommand.Broadcast, TopicCommand.Quit {

    /**
     * Join the topic (creating its state) and send a Join to each of {@code peers}. With no peers the topic
     * waits for others to join through us.
     */
    record Join<P>(List<P> peers) implements TopicCommand<P> {
        public Join {
            peers = List.copyOf(peers);
        }
    }

    /** Broadcast {@code content} (shared, not copied: do not modify it afterwards). */
    record Broadcast<P>(byte[] content, Scope scope) implements TopicCommand<P> {
        public Broadcast {
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(scope, "scope");
        }
    }

    /** Leave: tell the neighbors (Disconnect, not alive) and drop the topic's state. */
    record Quit<P>() implements TopicCommand<P> {}
}
