package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Objects;

/** What a topic reports to the application (iroh-gossip {@code topic::Event}). */
public sealed interface Event<P> permits Event.Received, Event.NeighborUp, Event.NeighborDown {

    /**
     * A broadcast arrived. {@code deliveredFrom} is the neighbor that handed it to us, not necessarily its
     * author; {@code scope} says whether it came over the swarm (with its hop count) or as a neighbor broadcast.
     * The content array is shared with the protocol's cache: do not modify it.
     */
    record Received<P>(byte[] content, P deliveredFrom, DeliveryScope scope) implements Event<P> {
        public Received {
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(deliveredFrom, "deliveredFrom");
            Objects.requireNonNull(scope, "scope");
        }

        @Override
        public String toString() {
            return "Received[" + content.length + "b from " + deliveredFrom + ", " + scope + "]";
        }
    }

    /** {@code peer} became a direct neighbor (entered our active view). */
    record NeighborUp<P>(P peer) implements Event<P> {}

    /** {@code peer} is no longer a direct neighbor. */
    record NeighborDown<P>(P peer) implements Event<P> {}
}
