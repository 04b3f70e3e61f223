package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketSpaceTest {

    @Test
    void duplicateDetectionMatchesAModelInsideItsWindow() {
        Random rnd = new Random(8);
        PacketSpace s = new PacketSpace(PacketSpace.APPLICATION);
        BitSet seen = new BitSet();
        long top = -1;
        for (int i = 0; i < 100_000; i++) {
            long pn = Math.max(0, top + rnd.nextInt(40) - 20);
            boolean expected = seen.get((int) pn) || (top >= 0 && top - pn > 128);
            if (top - pn <= 128 || pn > top) {
                assertEquals(seen.get((int) pn), s.isDuplicate(pn), "pn " + pn + " top " + top);
            } else {
                assertEquals(true, s.isDuplicate(pn), "too old counts as duplicate");
            }
            if (!expected) {
                s.markReceived(pn);
                seen.set((int) pn);
                top = Math.max(top, pn);
            }
        }
    }
}
