package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Objects;

/**
 * A protocol message within one topic (iroh-gossip {@code topic::Message}): postcard tag Swarm=0 wraps a
 * {@link HyParViewMessage}, Gossip=1 wraps a {@link PlumTreeMessage}.
 */
public sealed interface Message<P> permits Message.Swarm, Message.Gossip {

    record Swarm<P>(HyParViewMessage<P> body) implements Message<P> {
        public Swarm {
            Objects.requireNonNull(body, "body");
        }
    }

    record Gossip<P>(PlumTreeMessage body) implements Message<P> {
        public Gossip {
            Objects.requireNonNull(body, "body");
        }
    }

    static <P> Message<P> swarm(HyParViewMessage<P> body) {
        return new Swarm<>(body);
    }

    static <P> Message<P> gossip(PlumTreeMessage body) {
        return new Gossip<>(body);
    }

    /** A payload message (as opposed to control traffic). */
    default boolean isData() {
        return this instanceof Gossip<P> g && g.body() instanceof PlumTreeMessage.Gossip;
    }

    /** The last message of a topic on a connection (iroh 0.101 then finishes that topic's stream). */
    default boolean isDisconnect() {
        return this instanceof Swarm<P> s && s.body() instanceof HyParViewMessage.Disconnect;
    }
}
