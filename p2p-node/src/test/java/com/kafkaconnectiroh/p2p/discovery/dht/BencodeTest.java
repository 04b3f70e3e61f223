package com.kafkaconnectiroh.p2p.discovery.dht;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bencode as BEP 3 defines it, and what the decoder refuses from a hostile datagram. */
class BencodeTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aKrpcQueryRoundTripsWithSortedKeys() throws Exception {
        // BEP 5's example ping query.
        byte[] wire = ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe");
        Object decoded = Bencode.decode(wire);
        Map<?, ?> m = (Map<?, ?>) decoded;
        assertArrayEquals(ascii("ping"), (byte[]) m.get("q"));
        assertArrayEquals(wire, Bencode.encode(decoded));
        // Keys given out of order are written sorted by raw bytes.
        assertArrayEquals(ascii("d1:ai1e1:bi-2ee"), Bencode.encode(Map.of("b", -2L, "a", 1L)));
        assertArrayEquals(ascii("l0:i0ee"), Bencode.encode(List.of(new byte[0], 0L)));
    }

    @Test
    void nonCanonicalOrTruncatedInputIsRefusedWithAReason() {
        for (String bad : List.of("i01e", "i-0e", "ie", "i1", "03:abc", "5:abc", "d1:ai1e1:ai2ee", "di1ei2ee",
                "l", "x", "i99999999999999999999e", "i1ei2e", "-1:a", "d1:a")) {
            BencodeException e = assertThrows(BencodeException.class, () -> Bencode.decode(ascii(bad)), bad);
            assertTrue(e.getMessage().length() > 5, bad);
        }
    }

    @Test
    void deepNestingAndHugeCountsAreBounded() {
        assertThrows(BencodeException.class, () -> Bencode.decode(ascii("l".repeat(100) + "e".repeat(100))));
        assertThrows(BencodeException.class, () -> Bencode.decode(ascii("l" + "i1e".repeat(1000) + "e")));
        // A length far beyond the input allocates nothing.
        assertThrows(BencodeException.class, () -> Bencode.decode(ascii("2000000000:x")));
    }

    /** Mutations of real KRPC messages and random bytes: only BencodeException, never another throwable. */
    @Test
    void fuzzedInputOnlyEverThrowsBencodeException() {
        Random rnd = new Random(16);
        byte[][] seeds = {
                ascii("d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe"),
                ascii("d1:rd2:id20:abcdefghij01234565:nodes26:aaaaaaaaaaaaaaaaaaaaaaaaaa6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"),
                ascii("d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee"),
        };
        int decoded = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b;
            if (i % 10 == 0) {
                b = new byte[rnd.nextInt(64)];
                rnd.nextBytes(b);
            } else {
                b = seeds[rnd.nextInt(seeds.length)].clone();
                for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
                    b[rnd.nextInt(b.length)] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : "0123456789ilde:-".charAt(rnd.nextInt(16)));
                }
            }
            try {
                Object o = Bencode.decode(b);
                decoded++;
                // Whatever decodes re-encodes to something that decodes to the same value.
                assertEquals(Bencode.encode(o).length, Bencode.encode(Bencode.decode(Bencode.encode(o))).length);
            } catch (BencodeException expected) {
                // refused with a reason
            }
        }
        assertTrue(decoded > 100, "the fuzzer should also produce valid messages, got " + decoded);
    }
}
