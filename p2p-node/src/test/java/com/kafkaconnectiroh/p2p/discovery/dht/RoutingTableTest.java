package com.kafkaconnectiroh.p2p.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** k-buckets by shared prefix, good/questionable/bad contacts, XOR ordering (BEP 5 "Routing Table"). */
class RoutingTableTest {
    private static final Id20 SELF = Id20.parse("0000000000000000000000000000000000000000");

    /** An id sharing exactly {@code prefix} leading bits with {@link #SELF}, then {@code tail} in its last byte. */
    private static Id20 idInBucket(int prefix, int tail) {
        byte[] b = new byte[20];
        b[prefix / 8] = (byte) (0x80 >>> (prefix % 8));
        b[19] |= (byte) tail;
        return Id20.of(b);
    }

    private static NodeInfo node(Id20 id, int port) {
        return new NodeInfo(id, new InetSocketAddress("127.0.0.1", port));
    }

    @Test
    void prefixLengthAndXorOrderAreBep5s() {
        assertEquals(0, SELF.commonPrefixBits(idInBucket(0, 0)));
        assertEquals(13, SELF.commonPrefixBits(idInBucket(13, 0)));
        assertEquals(160, SELF.commonPrefixBits(SELF));
        assertTrue(SELF.distanceCompare(idInBucket(20, 0), idInBucket(3, 0)) < 0, "more shared bits is closer");
    }

    @Test
    void aFullBucketTakesNewcomersOnlyInPlaceOfBadOrQuestionableContacts() {
        RoutingTable t = new RoutingTable(SELF, 8);
        long now = 1_000_000;
        List<NodeInfo> first = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            first.add(node(idInBucket(0, i), 1000 + i));
            t.seen(first.get(i), now);
        }
        t.seen(node(idInBucket(0, 100), 2000), now + 1);
        assertEquals(8, t.size());
        assertFalse(t.closest(idInBucket(0, 100), 8).contains(node(idInBucket(0, 100), 2000)), "good contacts stay");

        // Two unanswered queries make a contact bad: the next newcomer takes its place, and bad ones are never given out.
        t.failed(first.get(3).addr());
        t.failed(first.get(3).addr());
        assertFalse(t.closest(SELF, 8).contains(first.get(3)));
        t.seen(node(idInBucket(0, 101), 2001), now + 2);
        assertTrue(t.closest(SELF, 8).contains(node(idInBucket(0, 101), 2001)));
        assertEquals(8, t.size());

        // After 15 quiet minutes a contact is questionable: the stalest one gives way.
        long later = now + RoutingTable.QUESTIONABLE_AFTER_MILLIS + 1;
        for (int i = 1; i < 8; i++) {
            if (i != 3) {
                t.seen(first.get(i), later);
            }
        }
        t.seen(node(idInBucket(0, 102), 2002), later);
        t.seen(node(idInBucket(0, 101), 2001), later);
        List<NodeInfo> now8 = t.closest(SELF, 8);
        assertFalse(now8.contains(first.get(0)), "the questionable contact was replaced");
        assertTrue(now8.contains(node(idInBucket(0, 102), 2002)));
    }

    @Test
    void theSameIdFromAnotherAddressDoesNotMoveAKnownContact() {
        RoutingTable t = new RoutingTable(SELF, 8);
        NodeInfo a = node(idInBucket(5, 1), 1000);
        t.seen(a, 0);
        t.seen(node(a.id(), 6666), 1);
        assertEquals(List.of(a), t.closest(SELF, 8));
    }

    @Test
    void closestAreSortedByXorDistanceAndTheTableIsBounded() {
        RoutingTable t = new RoutingTable(SELF, 8);
        for (int prefix = 0; prefix < 160; prefix++) {
            for (int i = 0; i < 20; i++) {
                t.seen(node(idInBucket(prefix, i), 1 + prefix * 20 + i), 0);
            }
        }
        assertTrue(t.size() <= 160 * 8, "size " + t.size());
        List<NodeInfo> c = t.closest(SELF, 8);
        for (int i = 1; i < c.size(); i++) {
            assertTrue(SELF.distanceCompare(c.get(i - 1).id(), c.get(i).id()) <= 0);
        }
        assertEquals(159, SELF.commonPrefixBits(c.get(0).id()));
    }
}
