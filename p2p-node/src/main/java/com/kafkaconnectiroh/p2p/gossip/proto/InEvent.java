package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Objects;

/** Input to {@link State#handle}. */
public sealed interface InEvent<P> permits InEvent.RecvMessage, InEvent.Command, InEvent.TimerExpired,
        InEvent.PeerDisconnected, InEvent.UpdatePeerData {

    /** A decoded message arrived from {@code from} for {@code topic}. */
    record RecvMessage<P>(P from, TopicId topic, Message<P> message) implements InEvent<P> {
        public RecvMessage {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(message, "message");
        }
    }

    /** An application command for one topic. */
    record Command<P>(TopicId topic, TopicCommand<P> command) implements InEvent<P> {
        public Command {
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(command, "command");
        }
    }

    /** A timer from {@link OutEvent.ScheduleTimer} is due. */
    record TimerExpired<P>(Timer<P> timer) implements InEvent<P> {
        public TimerExpired {
            Objects.requireNonNull(timer, "timer");
        }
    }

    /**
     * The connection to {@code peer} closed or could not be established. Report it once per connection the
     * protocol knew of: for the connection messages were last sent on, not for an older one it replaced.
     */
    record PeerDisconnected<P>(P peer) implements InEvent<P> {
        public PeerDisconnected {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** Our own opaque data (our addresses) changed; it rides on later Join and Neighbor messages. */
    record UpdatePeerData<P>(PeerData data) implements InEvent<P> {
        public UpdatePeerData {
            Objects.requireNonNull(data, "data");
        }
    }
}
