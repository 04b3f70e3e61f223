package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import java.util.Objects;

/** What a {@link GossipTopic} subscriber receives (iroh-gossip's {@code api::Event}). */
public sealed interface GossipEvent permits GossipEvent.Received, GossipEvent.NeighborUp, GossipEvent.NeighborDown,
        GossipEvent.Lagged {

    /**
     * A message broadcast into the topic. {@code deliveredFrom} is the neighbor that handed it to us, not
     * necessarily its author (gossip messages carry no author); {@code scope} is {@link DeliveryScope.Swarm} with
     * the hop count, or {@link DeliveryScope.Neighbors} for a neighbor-only broadcast. The array is this
     * subscriber's own copy.
     */
    record Received(byte[] content, EndpointId deliveredFrom, DeliveryScope scope) implements GossipEvent {
        public Received {
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(deliveredFrom, "deliveredFrom");
            Objects.requireNonNull(scope, "scope");
        }

        @Override
        public String toString() {
            return "Received[" + content.length + " bytes from " + deliveredFrom.fmtShort() + ", " + scope + "]";
        }
    }

    /** {@code peer} became a direct neighbor in this topic. */
    record NeighborUp(EndpointId peer) implements GossipEvent {
        public NeighborUp {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** {@code peer} is no longer a direct neighbor in this topic. */
    record NeighborDown(EndpointId peer) implements GossipEvent {
        public NeighborDown {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /**
     * This subscriber fell behind: its queue filled up and events were dropped here, one marker per gap.
     * {@code droppedEvents} is how many events this gap lost, {@code droppedMessages} how many of them were
     * {@link Received} messages (the rest neighbor events). The counts are complete when the marker is taken: a
     * gap ends before its marker reaches the head of the queue. The subscription carries on with the events that
     * arrive after it caught up.
     */
    record Lagged(long droppedEvents, long droppedMessages) implements GossipEvent {
    }
}
