package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Objects;

/**
 * A timer the protocol asked for with {@link OutEvent.ScheduleTimer}. Opaque to the driver: hand it back
 * unchanged in {@link InEvent.TimerExpired} once the delay has passed. Timers are never cancelled; one that
 * fires after its reason went away is ignored, so a driver may also drop the timers of a quit topic.
 *
 * @param peer      set for {@link Kind#NEIGHBOR_REQUEST}, otherwise null
 * @param messageId set for {@link Kind#SEND_GRAFT}, otherwise null
 */
public record Timer<P>(TopicId topic, Kind kind, P peer, MessageId messageId) {

    public enum Kind {
        /** HyParView: start a Shuffle. */
        SHUFFLE,
        /** HyParView: a Join or Neighbor request to {@code peer} may have gone unanswered. */
        NEIGHBOR_REQUEST,
        /** PlumTree: graft {@code messageId} if it still has not arrived. */
        SEND_GRAFT,
        /** PlumTree: send the batched IHaves. */
        DISPATCH_LAZY_PUSH,
        /** PlumTree: sweep expired cache entries. */
        EVICT_CACHE
    }

    public Timer {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(kind, "kind");
    }
}
