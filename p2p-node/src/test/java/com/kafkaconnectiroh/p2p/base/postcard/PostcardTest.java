package com.kafkaconnectiroh.p2p.base.postcard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PostcardTest {

    @Test
    void varintsAreLeb128() throws Exception {
        // Postcard wire-format spec: 127 → 7f, 128 → 80 01, u64::MAX → ten bytes ending in 01.
        assertEquals("7f", Hex.encode(new PostcardWriter().varint(127).toByteArray()));
        assertEquals("8001", Hex.encode(new PostcardWriter().varint(128).toByteArray()));
        assertEquals("ffffffffffffffffff01", Hex.encode(new PostcardWriter().varint(-1L).toByteArray()));
        assertEquals(-1L, new PostcardReader(Hex.decode("ffffffffffffffffff01")).u64());
    }

    @Test
    void signedUsesZigzag() throws Exception {
        assertEquals("01", Hex.encode(new PostcardWriter().signedVarint(-1).toByteArray()));
        assertEquals("02", Hex.encode(new PostcardWriter().signedVarint(1).toByteArray()));
        assertEquals(Long.MIN_VALUE, new PostcardReader(new PostcardWriter().signedVarint(Long.MIN_VALUE).toByteArray()).signedVarint());
    }

    @Test
    void roundTripsMixedValues() throws Exception {
        Random rnd = new Random(7);
        for (int i = 0; i < 1000; i++) {
            long v = rnd.nextLong() >>> rnd.nextInt(64);
            byte[] blob = new byte[rnd.nextInt(40)];
            rnd.nextBytes(blob);
            byte[] enc = new PostcardWriter().u8(0xAB).varint(v).bytes(blob).string("héllo").bool(true).some().varint(513).toByteArray();
            PostcardReader r = new PostcardReader(enc);
            assertEquals(0xAB, r.u8());
            assertEquals(v, r.u64());
            assertArrayEquals(blob, r.bytes());
            assertEquals("héllo", r.string());
            assertEquals(true, r.bool());
            assertEquals(true, r.option());
            assertEquals(513, r.u16());
            r.expectEnd();
        }
    }

    @Test
    void rejectsOverflowTruncationAndHostileLengths() {
        assertThrows(PostcardException.class, () -> new PostcardReader(Hex.decode("808004")).u16()); // 2^16
        assertThrows(PostcardException.class, () -> new PostcardReader(Hex.decode("ffffffff10")).u32()); // 2^32
        assertThrows(PostcardException.class, () -> new PostcardReader(Hex.decode("80")).u64());
        assertThrows(PostcardException.class, () -> new PostcardReader(Hex.decode("ffffffff0f")).bytes());
        assertThrows(PostcardException.class, () -> new PostcardReader(Hex.decode("02ff")).string());
        assertThrows(PostcardException.class, () -> new PostcardReader(Hex.decode("02")).bool());
        assertThrows(PostcardException.class, () -> new PostcardReader(Hex.decode("0100")).expectEnd());
    }

    @Test
    void acceptsNonCanonicalVarintsWithinTypeWidth() throws Exception {
        assertEquals(1, new PostcardReader(Hex.decode("8100")).u16());
    }

    @Test
    void fuzzedInputNeverThrowsUnchecked() {
        Random rnd = new Random(11);
        for (int i = 0; i < 20000; i++) {
            byte[] b = new byte[rnd.nextInt(12)];
            rnd.nextBytes(b);
            PostcardReader r = new PostcardReader(b);
            try {
                r.u64();
                r.string();
                r.bytes();
                r.option();
            } catch (PostcardException expected) {
                // Malformed input must only ever surface as the checked exception.
            }
        }
    }
}
