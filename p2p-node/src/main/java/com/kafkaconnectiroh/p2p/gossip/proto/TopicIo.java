package com.kafkaconnectiroh.p2p.gossip.proto;

/** What the membership and broadcast layers of one topic may do to the outside world. */
interface TopicIo<P> {
    void send(P to, Message<P> message);

    void emit(Event<P> event);

    void schedule(long delayNanos, Timer.Kind kind, P peer, MessageId messageId);

    void peerData(P peer, PeerData data);

    /** Marks {@code peer} as touched, so the topic re-checks at the end of the step whether it still needs it. */
    void touch(P peer);
}
