package com.kafkaconnectiroh.p2p.quic.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketNumberTest {

    @Test
    void decodeMatchesRfc9000AppendixA3() {
        assertEquals(0xa82f9b32L, PacketNumber.decode(0xa82f30eaL, 0x9b32, 16));
    }

    @Test
    void encodingLengthMatchesRfc9000AppendixA2() {
        // RFC 9000 §A.2: 0xac5c02 with 0xabe8b3 acknowledged needs 16 bits; 0xace8fe needs 24
        assertEquals(2, PacketNumber.encodedLength(0xac5c02L, 0xabe8b3L));
        assertEquals(3, PacketNumber.encodedLength(0xace8feL, 0xabe8b3L));
    }

    @Test
    void roundTripsNearTheLargestReceived() {
        Random rnd = new Random(2);
        byte[] b = new byte[4];
        for (int i = 0; i < 100_000; i++) {
            long largestAcked = rnd.nextLong() >>> 30;
            long pn = largestAcked + 1 + rnd.nextInt(1 << 20);
            int len = PacketNumber.encodedLength(pn, largestAcked);
            PacketNumber.write(b, 0, pn, len);
            long truncated = PacketNumber.read(b, 0, len);
            // the receiver has seen anything between largestAcked and pn
            long largestReceived = largestAcked + (long) (rnd.nextDouble() * (pn - largestAcked));
            assertEquals(pn, PacketNumber.decode(largestReceived, truncated, len * 8));
        }
    }
}
