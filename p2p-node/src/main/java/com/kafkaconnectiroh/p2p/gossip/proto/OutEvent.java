package com.kafkaconnectiroh.p2p.gossip.proto;

/**
 * Output of {@link State#handle}, to be carried out in order. Order matters: a {@link DisconnectPeer} follows
 * the last messages that must still reach the peer, so the driver flushes queued messages before closing.
 */
public sealed interface OutEvent<P> permits OutEvent.SendMessage, OutEvent.EmitEvent, OutEvent.ScheduleTimer,
        OutEvent.DisconnectPeer, OutEvent.PeerDataReceived {

    /** Send {@code message} for {@code topic} to {@code to}, connecting first if there is no connection. */
    record SendMessage<P>(P to, TopicId topic, Message<P> message) implements OutEvent<P> {}

    /** Deliver {@code event} to the topic's subscribers. */
    record EmitEvent<P>(TopicId topic, Event<P> event) implements OutEvent<P> {}

    /** Hand {@code timer} back in {@link InEvent.TimerExpired} after {@code delayNanos}. */
    record ScheduleTimer<P>(long delayNanos, Timer<P> timer) implements OutEvent<P> {}

    /**
     * No topic needs the connection to {@code peer} any more: flush what was queued for it, then close it. Do not
     * report a {@link InEvent.PeerDisconnected} for a connection closed this way.
     */
    record DisconnectPeer<P>(P peer) implements OutEvent<P> {}

    /**
     * New opaque data was learned for {@code peer} (iroh: its addresses); the network layer should remember it
     * to be able to dial the peer.
     */
    record PeerDataReceived<P>(P peer, PeerData data) implements OutEvent<P> {}
}
