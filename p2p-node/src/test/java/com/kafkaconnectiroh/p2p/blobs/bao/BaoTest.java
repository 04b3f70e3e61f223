package com.kafkaconnectiroh.p2p.blobs.bao;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.crypto.B3sum;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BAO outboards, encoding and verified decoding at iroh's 16 KiB block size.
 *
 * <p>The encoder is checked against {@link #reference}, an independent recursive statement of bao-tree's
 * response rules over plain sets (a node is sent whole when the query covers it up to the middle of its
 * nearest left-hand ancestor, or to infinity on the right edge; it is touched when the query meets that span)
 * that hashes every pair straight from the data. The outboard is checked against the parents of the full
 * response, and the root against b3sum.
 */
class BaoTest {
    static final int[] SIZES = {
        0, 1, 1023, 1024, 1025, 16383, 16384, 16385, 32768, 32769, 49152 + 7, 100_000, 1 << 20, (1 << 20) + 1,
        3 * (1 << 20) + 12345,
    };

    @TempDir
    Path tmp;

    static byte[] blob(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void outboardRootIsTheBlake3HashAndPairsArePreOrderParents() throws IOException {
        for (int size : SIZES) {
            byte[] data = blob(size, size);
            Outboard ob = Outboard.compute(data);
            assertArrayEquals(Blake3.hash(data), ob.root(), "root, size " + size);
            assertEquals(new BaoTree(size).outboardSize(), ob.pairs().length);
            ByteArrayOutputStream parents = new ByteArrayOutputStream();
            reference(data, ChunkRanges.all(), 0, size, -1, true, null, parents);
            assertArrayEquals(parents.toByteArray(), ob.pairs(), "pre-order pairs, size " + size);
            // Every way to compute it agrees.
            assertArrayEquals(ob.pairs(), Outboard.computeParallel(ByteBuffer.wrap(data), Blake3.hashingPool()).pairs());
            assertArrayEquals(ob.pairs(), Outboard.compute(new ByteArrayInputStream(data), size).pairs());
            Path f = tmp.resolve("blob" + size);
            Files.write(f, data);
            Outboard fromFile = Outboard.compute(f, Blake3.hashingPool());
            assertArrayEquals(ob.pairs(), fromFile.pairs());
            assertArrayEquals(ob.root(), fromFile.root());
            Path obFile = tmp.resolve("blob" + size + ".obao4");
            ob.store(obFile);
            assertArrayEquals(ob.pairs(), Outboard.load(obFile, size, ob.root()).pairs());
            // Read from its file as used: the same pairs, and the same response.
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(obFile)) {
                Outboard opened = Outboard.open(ch, size, ob.root());
                assertArrayEquals(ob.pairs(), opened.pairs());
                assertArrayEquals(BaoEncoder.encode(data, ob, ChunkRanges.all()), BaoEncoder.encode(data, opened,
                        ChunkRanges.all()), "encoded with a file outboard, size " + size);
            }
        }
        byte[] data = blob(1 << 20, 5);
        assertEquals(B3sum.hash(data), Hex.encode(Outboard.compute(data).root()));
        assertThrows(IOException.class, () -> Outboard.compute(new ByteArrayInputStream(new byte[100]), 101));
    }

    @Test
    void fullResponseIsSizeThenEveryNodeInPreOrder() throws IOException {
        for (int size : SIZES) {
            byte[] data = blob(size, size + 1);
            Outboard ob = Outboard.compute(data);
            byte[] enc = BaoEncoder.encode(data, ob, ChunkRanges.all());
            assertArrayEquals(expected(data, ChunkRanges.all()), enc, "size " + size);
            // Size prefix, every data byte once, one pair per parent (above and below block level: none below).
            assertEquals(8 + size + ob.pairs().length, enc.length);
        }
        // The tiniest cases spelled out: a single-block blob is its size then its bytes.
        assertEquals("0000000000000000", Hex.encode(BaoEncoder.encode(new byte[0], Outboard.compute(new byte[0]),
                ChunkRanges.all())));
        assertEquals("0300000000000000616263", Hex.encode(BaoEncoder.encode("abc".getBytes(),
                Outboard.compute("abc".getBytes()), ChunkRanges.all())));
    }

    @Test
    void randomQueriesMatchTheReferenceAndRoundTrip() throws Exception {
        Random rnd = new Random(41);
        for (int size : SIZES) {
            byte[] data = blob(size, size + 2);
            Outboard ob = Outboard.compute(data);
            for (int round = 0; round < 25; round++) {
                ChunkRanges q = randomQuery(rnd, size);
                byte[] enc = BaoEncoder.encode(data, ob, q);
                assertArrayEquals(expected(data, q), enc, "size " + size + " query " + q);
                checkDecodes(data, ob, q, enc, rnd);
            }
        }
    }

    @Test
    void specialQueries() throws Exception {
        Random rnd = new Random(42);
        byte[] data = blob(100_000, 9); // 98 chunks, 7 blocks
        Outboard ob = Outboard.compute(data);
        // Last chunk only: the size proof. Path to the last block, then a cut block down to the chunk.
        byte[] enc = BaoEncoder.encode(data, ob, ChunkRanges.lastChunk());
        List<BaoEvent> events = checkDecodes(data, ob, ChunkRanges.lastChunk(), enc, rnd);
        BaoEvent.Leaf lastLeaf = (BaoEvent.Leaf) events.get(events.size() - 1);
        assertTrue(lastLeaf.provesSize());
        assertEquals(97 * 1024, lastLeaf.offset());
        assertEquals(100_000 - 97 * 1024, lastLeaf.data().remaining());
        // Far past the end means the last chunk too.
        assertArrayEquals(enc, BaoEncoder.encode(data, ob, ChunkRanges.from(1000)));
        // Empty ranges: just the size, nothing verified.
        byte[] none = BaoEncoder.encode(data, ob, ChunkRanges.empty());
        assertEquals(8, none.length);
        List<BaoEvent> noneEvents = BaoDecoder.decodeAll(ob.root(), ChunkRanges.empty(), none);
        assertEquals(List.of(new BaoEvent.Size(100_000)), noneEvents);
        // A closed range ending inside a block sends that block cut: inner parents, then only chunks asked for.
        byte[] cut = BaoEncoder.encode(data, ob, ChunkRanges.of(0, 20));
        // root pair, [0,64) pair, [0,32) pair, block 0 whole, then block [16,32) cut at 24, 20, 18? no: see reference
        assertArrayEquals(expected(data, ChunkRanges.of(0, 20)), cut);
        assertTrue(cut.length < 8 + 3 * 64 + 20 * 1024 + 4 * 64, "cut block sends only what it must");
        // A range that ends on a block boundary covers whole blocks: no inner parents at all.
        byte[] whole = BaoEncoder.encode(data, ob, ChunkRanges.of(0, 32));
        assertEquals(8 + 3 * 64 + 32 * 1024, whole.length);
    }

    @Test
    void everyCorruptionIsCaughtAtItsOwnItemWithNothingLaterEmitted() throws Exception {
        Random rnd = new Random(43);
        for (int size : new int[] {0, 1, 1025, 16385, 70_000, 200_000}) {
            byte[] data = blob(size, size + 3);
            Outboard ob = Outboard.compute(data);
            for (ChunkRanges q : List.of(ChunkRanges.all(), ChunkRanges.of(3, 40), ChunkRanges.lastChunk())) {
                byte[] enc = BaoEncoder.encode(data, ob, q);
                List<Integer> positions = new ArrayList<>();
                for (int p = 0; p < enc.length; p++) {
                    positions.add(p);
                }
                if (enc.length > 400) {
                    // All of the prefix, both halves of the first pairs, and a random sample of the rest.
                    positions = new ArrayList<>(positions.subList(0, 200));
                    for (int i = 0; i < 150; i++) {
                        positions.add(200 + rnd.nextInt(enc.length - 200));
                    }
                }
                for (int p : positions) {
                    byte[] bad = enc.clone();
                    bad[p] ^= (byte) (1 << rnd.nextInt(8));
                    if (p >= 8) {
                        expectFailureNotBefore(ob.root(), q, bad, p, rnd);
                    } else if (q.isAll()) {
                        // A size lie shows at the first node it changes; with everything asked, it must show.
                        assertThrows(BaoDecodeException.class, () -> BaoDecoder.decodeAll(ob.root(), q, bad),
                                "size prefix corrupted at byte " + p);
                    }
                }
            }
        }
    }

    @Test
    void truncationAndTrailingBytes() throws Exception {
        Random rnd = new Random(44);
        byte[] data = blob(70_000, 12);
        Outboard ob = Outboard.compute(data);
        byte[] enc = BaoEncoder.encode(data, ob, ChunkRanges.all());
        for (int cut = 0; cut < enc.length; cut += 1 + rnd.nextInt(700)) {
            BaoDecoder d = new BaoDecoder(ob.root(), ChunkRanges.all());
            ByteBuffer in = ByteBuffer.wrap(enc, 0, cut);
            long emittedEnd = 0;
            for (BaoEvent e; (e = d.feed(in)) != null; ) {
                emittedEnd = in.position();
            }
            assertTrue(emittedEnd <= cut);
            BaoDecodeException ex = assertThrows(BaoDecodeException.class, d::finish);
            assertEquals(BaoDecodeException.Kind.TRUNCATED, ex.kind());
            assertFalse(d.isDone());
        }
        byte[] longer = Arrays.copyOf(enc, enc.length + 1);
        BaoDecodeException ex = assertThrows(BaoDecodeException.class,
                () -> BaoDecoder.decodeAll(ob.root(), ChunkRanges.all(), longer));
        assertEquals(BaoDecodeException.Kind.TRAILING_BYTES, ex.kind());
        // A size prefix no blob can have.
        byte[] huge = enc.clone();
        huge[7] = (byte) 0x80;
        assertEquals(BaoDecodeException.Kind.SIZE_OUT_OF_RANGE, assertThrows(BaoDecodeException.class,
                () -> BaoDecoder.decodeAll(ob.root(), ChunkRanges.all(), huge)).kind());
        // Another blob's root hash fails at the first item.
        byte[] otherRoot = Blake3.hash(new byte[] {1});
        assertEquals(BaoDecodeException.Kind.PARENT_HASH_MISMATCH, assertThrows(BaoDecodeException.class,
                () -> BaoDecoder.decodeAll(otherRoot, ChunkRanges.all(), enc)).kind());
    }

    @Test
    void encoderRefusesCorruptDataOrOutboard() throws IOException {
        byte[] data = blob(100_000, 13);
        Outboard ob = Outboard.compute(data);
        byte[] good = BaoEncoder.encode(data, ob, ChunkRanges.all());
        byte[] rotten = data.clone();
        rotten[50_000] ^= 1; // in block 3 (bytes 49152..65535)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(BaoEncodeException.class,
                () -> BaoEncoder.encode(BaoEncoder.DataReader.of(rotten), ob, ChunkRanges.all(), out));
        // Everything before the bad block went out unchanged, nothing of it or after it.
        byte[] sent = out.toByteArray();
        assertArrayEquals(Arrays.copyOf(good, sent.length), sent);
        int badBlockStart = indexOf(good, Arrays.copyOfRange(data, 49152, 49152 + 64));
        assertEquals(badBlockStart, sent.length);
        byte[] pairs = ob.pairs();
        pairs[70] ^= 1;
        Outboard badOb = Outboard.of(ob.size(), ob.root(), pairs);
        assertThrows(BaoEncodeException.class, () -> BaoEncoder.encode(data, badOb, ChunkRanges.all()));
        // Short data fails too.
        assertThrows(IOException.class, () -> BaoEncoder.encode(Arrays.copyOf(data, 90_000), ob, ChunkRanges.all()));
    }

    @Test
    void pullEncoderAndChannelsGiveTheSameBytes() throws IOException {
        byte[] data = blob(300_000, 14);
        Outboard ob = Outboard.compute(data);
        ChunkRanges q = ChunkRanges.of(5, 100).union(ChunkRanges.from(250));
        byte[] expected = BaoEncoder.encode(data, ob, q);
        BaoEncoder e = new BaoEncoder(BaoEncoder.DataReader.of(data), ob, q);
        ByteArrayOutputStream pulled = new ByteArrayOutputStream();
        Random rnd = new Random(45);
        boolean finished = false;
        while (!finished) {
            ByteBuffer dst = ByteBuffer.allocate(rnd.nextInt(3000));
            finished = e.writeTo(dst);
            pulled.write(dst.array(), 0, dst.position());
        }
        assertArrayEquals(expected, pulled.toByteArray());
        Path f = tmp.resolve("data");
        Files.write(f, data);
        ByteArrayOutputStream viaChannel = new ByteArrayOutputStream();
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            BaoEncoder.encode(BaoEncoder.DataReader.of(ch), ob, q, Channels.newChannel(viaChannel));
        }
        assertArrayEquals(expected, viaChannel.toByteArray());
    }

    @Test
    void hundredMegabytes() throws Exception {
        int size = 100 * (1 << 20) + 4321;
        byte[] data = blob(size, 15);
        Outboard ob = Outboard.computeParallel(ByteBuffer.wrap(data), Blake3.hashingPool());
        Path f = tmp.resolve("big");
        Files.write(f, data);
        assertEquals(B3sum.run(f, 32, null), Hex.encode(ob.root()));
        assertArrayEquals(ob.pairs(), Outboard.compute(data).pairs());
        byte[] enc = BaoEncoder.encode(data, ob, ChunkRanges.all());
        BaoDecoder d = new BaoDecoder(ob.root(), ChunkRanges.all());
        ByteBuffer in = ByteBuffer.wrap(enc);
        long nextOffset = 0;
        int parents = 0;
        for (BaoEvent e; (e = d.feed(in)) != null; ) {
            if (e instanceof BaoEvent.Leaf l) {
                assertEquals(nextOffset, l.offset());
                assertEquals(ByteBuffer.wrap(data, (int) l.offset(), l.data().remaining()), l.data());
                nextOffset += l.data().remaining();
            } else if (e instanceof BaoEvent.Parent) {
                parents++;
            }
        }
        d.finish();
        assertTrue(d.sizeVerified());
        assertEquals(size, nextOffset);
        assertEquals(new BaoTree(size).outboardPairs(), parents);
    }

    // ---- helpers ----

    /** Feeds {@code enc} in random pieces; checks every emitted leaf, parent and the size proof. */
    private static List<BaoEvent> checkDecodes(byte[] data, Outboard ob, ChunkRanges q, byte[] enc, Random rnd)
            throws BaoDecodeException {
        BaoDecoder d = new BaoDecoder(ob.root(), q);
        List<BaoEvent> events = new ArrayList<>();
        ChunkRanges got = ChunkRanges.empty();
        int pos = 0;
        while (pos < enc.length || !d.isDone()) {
            int n = Math.min(enc.length - pos, 1 + rnd.nextInt(5000));
            ByteBuffer in = ByteBuffer.wrap(enc, pos, n);
            for (BaoEvent e; (e = d.feed(in)) != null; ) {
                if (e instanceof BaoEvent.Leaf l) {
                    byte[] copy = new byte[l.data().remaining()];
                    l.data().get(copy);
                    assertArrayEquals(Arrays.copyOfRange(data, (int) l.offset(), (int) l.offset() + copy.length), copy);
                    got = got.union(ChunkRanges.ofBytes(l.offset(), l.offset() + Math.max(1, copy.length)));
                    e = new BaoEvent.Leaf(l.offset(), ByteBuffer.wrap(copy), l.provesSize());
                } else if (e instanceof BaoEvent.Parent p && p.node().outboardIndex() >= 0) {
                    byte[] stored = new byte[64];
                    ob.readPair(p.node().outboardIndex(), stored, 0);
                    assertArrayEquals(stored, p.pair(), "parent at its outboard index");
                }
                events.add(e);
            }
            assertEquals(pos + n, in.position(), "decoder takes everything of a response");
            pos += n;
            if (n == 0 && !d.isDone()) {
                fail("decoder wants more than the encoding holds");
            }
        }
        d.finish();
        long chunks = Math.max(1, BaoTree.chunks(data.length));
        ChunkRanges wanted = q.truncate(data.length).intersection(ChunkRanges.of(0, chunks));
        assertTrue(wanted.difference(got).isEmpty(), "asked " + q + " got " + got);
        ChunkRanges truncated = q.truncate(data.length);
        boolean reachesEnd = !truncated.isEmpty() && truncated.boundaryCount() % 2 == 1;
        assertEquals(reachesEnd, d.sizeVerified(), "size proof for " + q);
        return events;
    }

    private static void expectFailureNotBefore(byte[] root, ChunkRanges q, byte[] bad, int corrupt, Random rnd) {
        BaoDecoder d = new BaoDecoder(root, q);
        ByteBuffer in = ByteBuffer.wrap(bad);
        try {
            while (true) {
                int n = Math.min(in.remaining(), 1 + rnd.nextInt(3000));
                ByteBuffer piece = ByteBuffer.wrap(bad, in.position(), n);
                for (BaoEvent e; (e = d.feed(piece)) != null; ) {
                    if (!(e instanceof BaoEvent.Size)) {
                        assertTrue(piece.position() <= corrupt,
                                "event " + e + " ending at " + piece.position() + " emitted after corrupt byte " + corrupt);
                    }
                }
                in.position(piece.position());
                if (!in.hasRemaining()) {
                    d.finish();
                    break;
                }
            }
            fail("corruption at byte " + corrupt + " of " + bad.length + " not detected for " + q);
        } catch (BaoDecodeException e) {
            assertTrue(in.position() <= bad.length);
        }
    }

    private static ChunkRanges randomQuery(Random rnd, int size) {
        long chunks = Math.max(1, BaoTree.chunks(size));
        ChunkRanges q = ChunkRanges.empty();
        int parts = rnd.nextInt(4);
        for (int i = 0; i < parts; i++) {
            long a = rnd.nextInt((int) Math.min(chunks + 5, Integer.MAX_VALUE));
            int kind = rnd.nextInt(10);
            q = q.union(kind == 0 ? ChunkRanges.from(a) : kind == 1 ? ChunkRanges.lastChunk()
                    : kind == 2 ? ChunkRanges.of(a & ~15, (a & ~15) + 16 * (1 + rnd.nextInt(3)))
                    : ChunkRanges.of(a, a + 1 + rnd.nextInt(40)));
        }
        return q;
    }

    private static byte[] expected(byte[] data, ChunkRanges q) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] size = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.writeBytes(size);
        ChunkRanges t = q.truncate(data.length);
        if (!t.isEmpty()) {
            reference(data, t, 0, data.length, -1, true, out, null);
        }
        return out.toByteArray();
    }

    /**
     * The response for the node at {@code start} of {@code bytes} bytes whose span reaches to {@code spanEnd}
     * (the middle of its nearest left-hand ancestor; -1 on the right edge, meaning infinity). Writes the response
     * to {@code out} and, separately, the pairs of parents above block level to {@code parentsOut}.
     */
    private static void reference(byte[] data, ChunkRanges q, long start, long bytes, long spanEnd, boolean root,
            ByteArrayOutputStream out, ByteArrayOutputStream parentsOut) {
        ChunkRanges span = spanEnd == -1 ? ChunkRanges.from(start) : ChunkRanges.of(start, spanEnd);
        if (span.intersection(q).isEmpty()) {
            return;
        }
        boolean covered = span.difference(q).isEmpty();
        long n = Math.max(1, BaoTree.chunks(bytes));
        if (n == 1 || (covered && n <= 16)) {
            if (out != null) {
                out.write(data, (int) (start * 1024), (int) bytes);
            }
            return;
        }
        long m = Long.highestOneBit(n - 1);
        int left = (int) (m * 1024);
        byte[] l = Blake3.subtreeChainingValue(data, (int) (start * 1024), left, start, false);
        byte[] r = Blake3.subtreeChainingValue(data, (int) (start * 1024) + left, (int) bytes - left, start + m, false);
        if (out != null) {
            out.writeBytes(l);
            out.writeBytes(r);
        }
        if (parentsOut != null && n > 16) {
            parentsOut.writeBytes(l);
            parentsOut.writeBytes(r);
        }
        reference(data, q, start, left, start + m, false, out, parentsOut);
        reference(data, q, start + m, bytes - left, spanEnd, false, out, parentsOut);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
