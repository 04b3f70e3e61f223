package com.kafkaconnectiroh.p2p.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import org.junit.jupiter.api.Test;

/** The subscriber queue's lag markers say exactly how many events, and messages, each gap lost. */
class EventQueueTest {
    static final EndpointId PEER = SecretKey.generate().publicKey();

    static GossipEvent message(int i) {
        return new GossipEvent.Received(new byte[] {(byte) i}, PEER, DeliveryScope.NEIGHBORS);
    }

    @Test
    void eachGapCountsItsOwnLosses() {
        EventQueue q = new EventQueue(4);
        for (int i = 0; i < 3; i++) {
            q.offer(message(i)); // 3 of 4 slots: the last is the marker's
        }
        q.offer(message(3));
        q.offer(new GossipEvent.NeighborUp(PEER));
        q.offer(message(4));
        assertInstanceOf(GossipEvent.Received.class, q.poll());
        assertInstanceOf(GossipEvent.Received.class, q.poll());
        // room again: this one is queued, and it ends the first gap
        q.offer(message(5));
        q.offer(message(6)); // full again: a second gap
        q.offer(message(7));
        assertInstanceOf(GossipEvent.Received.class, q.poll());
        assertEquals(new GossipEvent.Lagged(3, 2), q.poll(), "messages 3 and 4 and the neighbor event");
        assertInstanceOf(GossipEvent.Received.class, q.poll()); // message 5
        assertEquals(new GossipEvent.Lagged(2, 2), q.poll(), "messages 6 and 7");
        assertNull(q.poll());
        assertEquals(5, q.dropped());
    }

    @Test
    void aMarkerTakenWhileItsGapLastsClosesThatGap() {
        EventQueue q = new EventQueue(2);
        q.offer(message(0));
        q.offer(message(1)); // dropped: the marker takes the last slot
        assertInstanceOf(GossipEvent.Received.class, q.poll());
        q.offer(message(2)); // still full (the marker fills it): counted in the same gap
        assertEquals(new GossipEvent.Lagged(2, 2), q.poll());
        q.offer(message(3));
        q.offer(message(4)); // a new gap, a new marker
        assertInstanceOf(GossipEvent.Received.class, q.poll());
        assertEquals(new GossipEvent.Lagged(1, 1), q.poll());
    }
}
