package com.kafkaconnectiroh.p2p.gossip.proto;

/**
 * How a gossip message travels (wire enum {@code DeliveryScope}): {@link Swarm} carries the number of hops from
 * the broadcaster (tag 0, round as a u16 varint), {@link Neighbors} is a one-hop broadcast (tag 1).
 */
public sealed interface DeliveryScope permits DeliveryScope.Swarm, DeliveryScope.Neighbors {
    int MAX_ROUND = 0xFFFF;

    /** Whether the message came straight from its publisher (a neighbor broadcast, or round 0). */
    boolean isDirect();

    record Swarm(int round) implements DeliveryScope {
        public Swarm {
            if (round < 0 || round > MAX_ROUND) {
                throw new IllegalArgumentException("round must be a u16, got " + round);
            }
        }

        @Override
        public boolean isDirect() {
            return round == 0;
        }

        /** The scope for forwarding one hop further; saturates rather than wrapping at the u16 limit. */
        public Swarm next() {
            return round == MAX_ROUND ? this : new Swarm(round + 1);
        }
    }

    record Neighbors() implements DeliveryScope {
        @Override
        public boolean isDirect() {
            return true;
        }
    }

    DeliveryScope NEIGHBORS = new Neighbors();
}
