package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.List;
import java.util.Objects;

/**
 * The membership layer's messages (iroh-gossip {@code hyparview::Message}). Postcard variant tags in declaration
 * order: Join=0, ForwardJoin=1, Shuffle=2, ShuffleReply=3, Neighbor=4, Disconnect=5. A {@code null}
 * {@link PeerData} is postcard {@code None}. TTLs are u16.
 */
public sealed interface HyParViewMessage<P> permits HyParViewMessage.Join, HyParViewMessage.ForwardJoin,
        HyParViewMessage.Shuffle, HyParViewMessage.ShuffleReply, HyParViewMessage.Neighbor, HyParViewMessage.Disconnect {

    /** Sent to a contact to enter the swarm. */
    record Join<P>(PeerData data) implements HyParViewMessage<P> {}

    /** A random walk introducing a newly joined peer; {@code ttl} counts down per hop. */
    record ForwardJoin<P>(PeerInfo<P> peer, int ttl) implements HyParViewMessage<P> {
        public ForwardJoin {
            Objects.requireNonNull(peer, "peer");
            checkU16(ttl, "ttl");
        }
    }

    /** A random walk carrying a sample of {@code origin}'s views, answered with a ShuffleReply at its end. */
    record Shuffle<P>(P origin, List<PeerInfo<P>> nodes, int ttl) implements HyParViewMessage<P> {
        public Shuffle {
            Objects.requireNonNull(origin, "origin");
            nodes = List.copyOf(nodes);
            checkU16(ttl, "ttl");
        }
    }

    /** A sample of the sender's views. Also sent just before a Disconnect so the other side can refill. */
    record ShuffleReply<P>(List<PeerInfo<P>> nodes) implements HyParViewMessage<P> {
        public ShuffleReply {
            nodes = List.copyOf(nodes);
        }
    }

    /** Asks the receiver to make the sender an active neighbor, or confirms that it did. */
    record Neighbor<P>(Priority priority, PeerData data) implements HyParViewMessage<P> {
        public Neighbor {
            Objects.requireNonNull(priority, "priority");
        }
    }

    /**
     * Ends a neighbor relation. {@code alive}: the sender stays in the swarm (keep it as a passive peer).
     * {@code respond}: iroh 0.35 answered such a Disconnect with its own; iroh 0.35 and 0.101 always send false.
     */
    record Disconnect<P>(boolean alive, boolean respond) implements HyParViewMessage<P> {}

    private static void checkU16(int v, String what) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(what + " must be a u16, got " + v);
        }
    }
}
