package com.kafkaconnectiroh.p2p.blobs.bao;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardReader;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Wire vectors from iroh-blobs v0.35.0 src/protocol/range_spec.rs and src/protocol.rs tests. */
class RangeSpecTest {
    private static String hex(RangeSpec s) {
        PostcardWriter w = new PostcardWriter();
        s.write(w);
        return Hex.encode(w.toByteArray());
    }

    private static String hex(RangeSpecSeq s) {
        PostcardWriter w = new PostcardWriter();
        s.write(w);
        return Hex.encode(w.toByteArray());
    }

    @Test
    void rangeSpecWireFormat() throws PostcardException {
        assertEquals("00", hex(RangeSpec.EMPTY));
        assertEquals("0100", hex(RangeSpec.ALL));
        assertEquals("0140", hex(RangeSpec.of(ChunkRanges.from(64))));
        assertEquals("01904e", hex(RangeSpec.of(ChunkRanges.from(10000))));
        assertEquals("020040", hex(RangeSpec.of(ChunkRanges.of(0, 64))));
        assertEquals("0401020604", hex(RangeSpec.of(ChunkRanges.of(1, 3).union(ChunkRanges.of(9, 13)))));
        for (String h : new String[] {"00", "0100", "0140", "01904e", "020040", "0401020604"}) {
            RangeSpec s = RangeSpec.read(new PostcardReader(Hex.decode(h)));
            assertEquals(h, hex(RangeSpec.of(s.toChunkRanges())), "decode then encode " + h);
        }
    }

    @Test
    void rangeSpecSeqWireFormat() {
        assertEquals("00", hex(RangeSpecSeq.empty()));
        assertEquals("01000100", hex(RangeSpecSeq.all()));
        assertEquals("0300020102010207060100",
                hex(RangeSpecSeq.fromRanges(List.of(ChunkRanges.of(1, 3), ChunkRanges.of(7, 13)))));
        assertEquals("02030107010100", hex(RangeSpecSeq.fromRangesInfinite(List.of(ChunkRanges.empty(),
                ChunkRanges.empty(), ChunkRanges.empty(), ChunkRanges.from(7), ChunkRanges.all()))));
        // GetRequest::single: the RangeSpecSeq part of request_wire_format.
        assertEquals("020001000100", hex(RangeSpecSeq.fromRanges(List.of(ChunkRanges.all()))));
    }

    @Test
    void seqIndexingAndRoundTrip() throws PostcardException {
        Random rnd = new Random(31);
        for (int round = 0; round < 200; round++) {
            List<ChunkRanges> ranges = new ArrayList<>();
            int n = rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(4);
                ranges.add(kind == 0 ? ChunkRanges.empty() : kind == 1 ? ChunkRanges.all()
                        : ChunkRanges.of(rnd.nextInt(5), 5 + rnd.nextInt(5)));
            }
            boolean infinite = rnd.nextBoolean() && n > 0;
            RangeSpecSeq seq = infinite ? RangeSpecSeq.fromRangesInfinite(ranges) : RangeSpecSeq.fromRanges(ranges);
            PostcardWriter w = new PostcardWriter();
            seq.write(w);
            PostcardReader r = new PostcardReader(w.toByteArray());
            RangeSpecSeq back = RangeSpecSeq.read(r);
            r.expectEnd();
            assertEquals(seq, back);
            for (int i = 0; i < n + 3; i++) {
                ChunkRanges want = i < n ? ranges.get(i) : infinite ? ranges.get(n - 1) : ChunkRanges.empty();
                assertEquals(want, back.get(i).toChunkRanges(), "index " + i + " of " + seq);
            }
        }
        RangeSpecSeq single = RangeSpecSeq.fromRanges(List.of(ChunkRanges.all()));
        assertEquals(new RangeSpecSeq.Entry(0, RangeSpec.ALL), single.asSingle());
        assertNull(RangeSpecSeq.all().asSingle());
        assertEquals(List.of(0L, 2L), RangeSpecSeq.fromRanges(List.of(ChunkRanges.all(), ChunkRanges.empty(),
                ChunkRanges.of(1, 2))).nonEmptyIndexes(10));
    }

    @Test
    void hostileInputIsRejectedCleanly() {
        // Runs that overflow u64.
        assertThrows(PostcardException.class, () -> RangeSpec.ofRuns(-1L, 5).toChunkRanges());
        // A length prefix far beyond what the bytes could hold.
        assertThrows(PostcardException.class,
                () -> RangeSpecSeq.read(new PostcardReader(Hex.decode("ffffffff0f00"))));
        Random rnd = new Random(32);
        byte[] good = Hex.decode("0300020102010207060100");
        for (int i = 0; i < 2000; i++) {
            byte[] b = good.clone();
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            byte[] cut = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            try {
                RangeSpecSeq s = RangeSpecSeq.read(new PostcardReader(cut));
                for (RangeSpecSeq.Entry e : s.entries()) {
                    e.spec().toChunkRanges();
                }
            } catch (PostcardException expected) {
                // A clean, typed rejection is the point.
            }
        }
    }
}
