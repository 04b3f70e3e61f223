package com.kafkaconnectiroh.p2p.blobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.RangeSpecSeq;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlobTypesTest {
    static final EndpointId AE58 = EndpointId.parse("ae58ff8833241ac82d6ff7611046ed67b5072d142c588d0063e942d9a75502b6");

    @Test
    void hashParsesHexAndBase32PrintsBoth() {
        Hash h = Hash.of("hello".getBytes(StandardCharsets.UTF_8));
        // b3sum of "hello"
        assertEquals("ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f", h.toHex());
        assertEquals(h, Hash.parse(h.toHex().toUpperCase()));
        assertEquals(52, h.toBase32().length());
        assertEquals(h, Hash.parse(h.toBase32()));
        assertEquals(h, Hash.parse(" " + h.toBase32().toUpperCase() + "\n"));
        assertEquals("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", Hash.EMPTY.toHex());
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("abc"));
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("z".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> Hash.parse("1".repeat(52)));
    }

    /**
     * Live tickets from iroh 0.35 (npm {@code @number0/iroh@0.35.0}, harness {@code ticket-make kind:"blob"}): node
     * ae58…, relay http://derp.me./, 127.0.0.1:1024, HashSeq, hash da×32; and node ae58…, 127.0.0.1:1024 and
     * [::1]:4433, Raw, hash 01 02 … 32.
     */
    @Test
    void blobTicketsMatchIroh035() {
        String seq = "blobacxfr74igmsbvsbnn73wcecg5vt3kbzncqwfrdiampuufwnhkublmaiqnb2hi4b2f4xwizlsoaxg2zjof4aqa7yaaaayacab3lnnvww23lnnvww23lnnvww23lnnvww23lnnvww23lnnvww23lna";
        BlobTicket ours = new BlobTicket(EndpointAddr.of(AE58, RelayUrl.parse("http://derp.me./"),
                List.of(SocketAddrs.parse("127.0.0.1:1024"))), Hash.fromBytes(filled((byte) 0xda)), BlobFormat.HASH_SEQ);
        assertEquals(seq, ours.toString());
        assertEquals(ours, BlobTicket.parse(seq));
        String raw = "blobacxfr74igmsbvsbnn73wcecg5vt3kbzncqwfrdiampuufwnhkublmaacab7qaaabqaeacaaaaaaaaaaaaaaaaaaaaaaaaaoreiaacaqdaqcqmbyibeibceqtcqkrmfyydeqccirdeqssmjzifeydcmq";
        BlobTicket parsed = BlobTicket.parse(raw);
        assertEquals(BlobFormat.RAW, parsed.format());
        assertEquals("0102030405060708091011121314151617181920212223242526272829303132", parsed.hash().toHex());
        assertEquals(2, parsed.provider().ipAddrs().size());
        assertEquals(raw, parsed.toString());
    }

    @Test
    void blobTicketRejectsNonsense() {
        BlobTicket t = new BlobTicket(EndpointAddr.of(AE58, null, List.of(SocketAddrs.parse("10.0.0.1:9"))),
                Hash.EMPTY, BlobFormat.RAW);
        byte[] b = t.toBytes();
        assertThrows(IllegalArgumentException.class, () -> BlobTicket.parse("node" + t.toString().substring(4)));
        assertThrows(PostcardException.class, () -> BlobTicket.fromBytes(java.util.Arrays.copyOf(b, b.length - 1)));
        assertThrows(PostcardException.class, () -> BlobTicket.fromBytes(java.util.Arrays.copyOf(b, b.length + 1)));
        byte[] badFormat = b.clone();
        badFormat[b.length - 33] = 2;
        assertThrows(PostcardException.class, () -> BlobTicket.fromBytes(badFormat));
        Random rnd = new Random(1);
        for (int i = 0; i < 2000; i++) {
            byte[] m = b.clone();
            m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
            try {
                BlobTicket.fromBytes(m);
            } catch (PostcardException | IllegalArgumentException expected) {
                // a clear error is all we ask of a damaged ticket
            }
        }
    }

    /** iroh-blobs v0.35.0 {@code src/protocol.rs::tests::request_wire_format}: the same bytes in 0.103. */
    @Test
    void getRequestWireFormat() throws Exception {
        Hash h = Hash.fromBytes(filled((byte) 0xda));
        assertEquals("00" + h.toHex() + "020001000100", Hex.encode(GetRequest.single(h).encode()));
        assertEquals("00" + h.toHex() + "01000100", Hex.encode(GetRequest.all(h).encode()));
        GetRequest r = new GetRequest(h, RangeSpecSeq.fromRanges(List.of(ChunkRanges.empty(), ChunkRanges.of(3, 9))));
        assertEquals(r, GetRequest.decode(r.encode()));
        byte[] enc = r.encode();
        assertThrows(PostcardException.class, () -> GetRequest.decode(java.util.Arrays.copyOf(enc, enc.length + 1)));
        assertThrows(PostcardException.class, () -> GetRequest.decode(java.util.Arrays.copyOf(enc, 20)));
        enc[0] = 9; // 0.103 GetMany: not served
        PostcardException e = assertThrows(PostcardException.class, () -> GetRequest.decode(enc));
        assertTrue(e.getMessage().contains("request type 9"), e.getMessage());
    }

    /** The definition of a spec (alternating runs), applied the slow way: one union per selected run. */
    private static ChunkRanges byDefinition(long[] runs) {
        ChunkRanges out = ChunkRanges.empty();
        long at = 0;
        boolean on = false;
        for (long r : runs) {
            if (on) {
                out = out.union(ChunkRanges.of(at, at + r));
            }
            at += r;
            on = !on;
        }
        return on ? out.union(ChunkRanges.from(at)) : out;
    }

    @Test
    void rangeSpecsDecodeAsDefinedWithZeroRunsAndInLinearTime() throws Exception {
        Random rnd = new Random(77);
        for (int i = 0; i < 5000; i++) {
            long[] runs = new long[rnd.nextInt(12)];
            for (int k = 0; k < runs.length; k++) {
                runs[k] = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(50);
            }
            assertEquals(byDefinition(runs), com.kafkaconnectiroh.p2p.blobs.bao.RangeSpec.ofRuns(runs).toChunkRanges(),
                    java.util.Arrays.toString(runs));
        }
        // The largest spec a 64 KiB request can carry: ~32K one-byte runs, decoded without quadratic work.
        long[] many = new long[32_000];
        java.util.Arrays.fill(many, 1);
        ChunkRanges r = com.kafkaconnectiroh.p2p.blobs.bao.RangeSpec.ofRuns(many).toChunkRanges();
        assertEquals(16_000, r.ranges().size());
    }

    @Test
    void collectionLayout() throws Exception {
        Hash a = Hash.of(new byte[] {1});
        Hash b = Hash.of(new byte[] {2});
        Collection c = new Collection(List.of(new Collection.Entry("a.txt", a), new Collection.Entry("dir/b", b)));
        byte[] meta = c.metaBytes();
        assertEquals("CollectionV0." + "\u0002" + "\u0005a.txt" + "\u0005dir/b", new String(meta, StandardCharsets.ISO_8859_1));
        HashSeq seq = c.hashSeq();
        assertEquals(List.of(Hash.of(meta), a, b), seq);
        assertEquals(c, Collection.parse(HashSeq.parse(seq.toBytes()), meta));
        assertArrayEquals(seq.toBytes(), HashSeq.of(List.of(Hash.of(meta), a, b)).toBytes());
        assertThrows(PostcardException.class, () -> Collection.parse(seq, "CollectionV1.\u0000".getBytes(StandardCharsets.ISO_8859_1)));
        assertThrows(IllegalArgumentException.class, () -> HashSeq.parse(new byte[33]));
    }

    private static byte[] filled(byte v) {
        byte[] b = new byte[32];
        java.util.Arrays.fill(b, v);
        return b;
    }
}
