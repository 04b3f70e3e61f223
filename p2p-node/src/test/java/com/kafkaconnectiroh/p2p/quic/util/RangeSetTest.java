package com.kafkaconnectiroh.p2p.quic.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RangeSetTest {

    /** Random adds and removes checked against a BitSet model. */
    @Test
    void matchesABitSetModel() {
        Random rnd = new Random(5);
        for (int round = 0; round < 200; round++) {
            RangeSet rs = new RangeSet(1);
            BitSet model = new BitSet();
            for (int op = 0; op < 300; op++) {
                int a = rnd.nextInt(200);
                int b = a + rnd.nextInt(30);
                int kind = rnd.nextInt(10);
                if (kind < 6) {
                    boolean changed = rs.add(a, b);
                    BitSet before = (BitSet) model.clone();
                    model.set(a, b);
                    assertEquals(!before.equals(model), changed, "add [" + a + "," + b + ") to " + before);
                } else if (kind < 9) {
                    rs.remove(a, b);
                    model.clear(a, b);
                } else {
                    rs.removeBelow(a);
                    model.clear(0, a);
                }
                check(rs, model);
            }
        }
    }

    private static void check(RangeSet rs, BitSet model) {
        assertEquals(model.cardinality(), rs.cardinality(), rs.toString());
        for (int i = 0; i < rs.size(); i++) {
            assertTrue(rs.start(i) < rs.end(i), rs.toString());
            if (i > 0) {
                assertTrue(rs.end(i - 1) < rs.start(i), "ranges must not touch: " + rs);
            }
            for (long v = rs.start(i); v < rs.end(i); v++) {
                assertTrue(model.get((int) v), rs.toString());
            }
        }
        for (int v = 0; v < 240; v++) {
            assertEquals(model.get(v), rs.contains(v), "contains " + v + " in " + rs);
        }
        if (!model.isEmpty()) {
            assertEquals(model.nextSetBit(0), rs.min());
            assertEquals(model.length() - 1, rs.max());
        }
    }
}
