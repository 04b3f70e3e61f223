package com.kafkaconnectiroh.p2p.blobs.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FsBlobStoreTest extends BlobStoreContract {
    @Override
    BlobStore newStore() throws IOException {
        return FsBlobStore.open(tmp.resolve("store"));
    }

    private FsBlobStore reopen() throws IOException {
        store.close();
        store = FsBlobStore.open(tmp.resolve("store"));
        return (FsBlobStore) store;
    }

    private Path blobFile(Hash h, String kind) {
        return tmp.resolve("store/blobs/" + h.toHex() + "." + kind);
    }

    @Test
    void everythingSurvivesReopening() throws Exception {
        byte[] a = LocalTransfer.data(70_000, 1);
        Hash ha;
        try (TempTag t = store.importBytes(a, BlobFormat.RAW)) {
            ha = t.hash();
            store.setTag("a", t.content());
        }
        byte[] b = LocalTransfer.data(500_000, 2);
        Hash hb = Hash.of(b);
        ChunkRanges had;
        try (PartialBlob w = store.openPartial(hb).orElseThrow()) {
            byte[] resp = LocalTransfer.response(b, ChunkRanges.all());
            LocalTransfer.feed(w, hb, ChunkRanges.all(), resp, resp.length * 2 / 3, 8192);
            had = w.present();
        }
        reopen();
        assertEquals(HashAndFormat.raw(ha), store.tag("a").orElseThrow());
        assertArrayEquals(a, store.readAll(ha));
        BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, store.status(hb));
        assertEquals(had, p.present(), "close() records everything verified");
        assertEquals(500_000, p.size());
        try (PartialBlob w = store.openPartial(hb).orElseThrow()) {
            LocalTransfer.completeFrom(w, b);
            assertTrue(w.commit());
        }
        reopen();
        assertArrayEquals(b, store.readAll(hb));
        assertFalse(Files.exists(blobFile(hb, "ranges")));
        assertTrue(Files.exists(blobFile(hb, "done")));
    }

    @Test
    void oneOpenPerStore() throws Exception {
        IOException e = assertThrows(IOException.class, () -> FsBlobStore.open(tmp.resolve("store")));
        assertTrue(e.getMessage().contains("already open"), e.getMessage());
    }

    @Test
    void checkpointsRecordProgressWhileWriting() throws Exception {
        store.close();
        store = FsBlobStore.open(tmp.resolve("store"), new FsBlobStore.Options(64 * 1024, Duration.ofHours(1)));
        byte[] b = LocalTransfer.data(1 << 20, 4);
        Hash h = Hash.of(b);
        PartialBlob w = store.openPartial(h).orElseThrow();
        byte[] resp = LocalTransfer.response(b, ChunkRanges.all());
        LocalTransfer.feed(w, h, ChunkRanges.all(), resp, resp.length / 2, 8192);
        ChunkRanges now = w.present();
        // What the log holds without close(): a checkpoint every 64 KiB, so all but the last few blocks.
        RangesLog.State st = RangesLog.replay(blobFile(h, "ranges"), h);
        assertEquals(1 << 20, st.size());
        long recorded = st.present().boundaries()[1];
        assertEquals(ChunkRanges.of(0, recorded), st.present());
        assertTrue(recorded >= now.boundaries()[1] - 64 && recorded <= now.boundaries()[1], st + " vs " + now);
        w.close();
    }

    @Test
    void tornAndCorruptRangeLogsEndTheReplay() throws Exception {
        byte[] b = LocalTransfer.data(200_000, 5);
        Hash h = Hash.of(b);
        try (PartialBlob w = store.openPartial(h).orElseThrow()) {
            byte[] resp = LocalTransfer.response(b, ChunkRanges.of(0, 32));
            LocalTransfer.feed(w, h, ChunkRanges.of(0, 32), resp, resp.length, 8192).finish();
            w.checkpoint();
            resp = LocalTransfer.response(b, ChunkRanges.of(64, 96));
            LocalTransfer.feed(w, h, ChunkRanges.of(64, 96), resp, resp.length, 8192).finish();
        }
        store.close();
        Path log = blobFile(h, "ranges");
        long full = Files.size(log);
        assertEquals(RangesLog.HEADER_LEN + 3 * RangesLog.RECORD_LEN, full); // claim, 0..32, 64..96
        // A torn last record: only what came before counts.
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.WRITE)) {
            ch.truncate(full - 5);
        }
        store = FsBlobStore.open(tmp.resolve("store"));
        assertEquals(ChunkRanges.of(0, 32), ((BlobStatus.Partial) store.status(h)).present());
        try (PartialBlob w = store.openPartial(h).orElseThrow()) {
            assertEquals(ChunkRanges.of(0, 32), w.present());
            byte[] resp = LocalTransfer.response(b, ChunkRanges.of(100, 110));
            LocalTransfer.feed(w, h, ChunkRanges.of(100, 110), resp, resp.length, 8192).finish();
        }
        reopen();
        assertEquals(ChunkRanges.of(0, 32).union(ChunkRanges.of(100, 110)),
                ((BlobStatus.Partial) store.status(h)).present(), "appends after the cut-off tail are kept");
        store.close();
        // A flipped bit in the middle: replay stops before it.
        byte[] bytes = Files.readAllBytes(log);
        bytes[RangesLog.HEADER_LEN + RangesLog.RECORD_LEN + 3] ^= 4;
        Files.write(log, bytes);
        store = FsBlobStore.open(tmp.resolve("store"));
        BlobStatus.Partial p = (BlobStatus.Partial) store.status(h);
        assertEquals(ChunkRanges.empty(), p.present());
        assertEquals(200_000, p.size());
    }

    @Test
    void damagedCompleteBlobsAreRemovedNotServed() throws Exception {
        Hash[] hs = new Hash[4];
        for (int i = 0; i < hs.length; i++) {
            try (TempTag t = store.importBytes(LocalTransfer.data(i == 3 ? 5000 : 50_000, 20 + i), BlobFormat.RAW)) {
                hs[i] = t.hash();
                store.setTag("t" + i, t.content());
            }
        }
        store.close();
        Files.write(blobFile(hs[0], "done"), new byte[] {1, 2, 3});
        try (FileChannel ch = FileChannel.open(blobFile(hs[1], "data"), StandardOpenOption.WRITE)) {
            ch.truncate(40_000);
        }
        byte[] ob = Files.readAllBytes(blobFile(hs[2], "obao4"));
        ob[5] ^= 1;
        Files.write(blobFile(hs[2], "obao4"), ob);
        byte[] small = Files.readAllBytes(blobFile(hs[3], "data"));
        small[0] ^= 1;
        Files.write(blobFile(hs[3], "data"), small);
        Path orphan = tmp.resolve("store/blobs/" + Hash.of(new byte[] {9}).toHex() + ".data");
        Files.write(orphan, new byte[] {9});
        Files.write(tmp.resolve("store/tmp/leftover.data"), new byte[100]);
        store = FsBlobStore.open(tmp.resolve("store"));
        for (Hash h : hs) {
            assertEquals(BlobStatus.ABSENT, store.status(h), h.toString());
            assertFalse(Files.exists(blobFile(h, "data")));
        }
        assertFalse(Files.exists(orphan));
        assertFalse(Files.exists(tmp.resolve("store/tmp/leftover.data")));
        assertEquals(4, store.tags().size(), "tags stay; they name content to fetch again");
    }

    /** Imports {@code data} under tag {@code tag}. */
    private Hash tagged(byte[] data, String tag) throws IOException {
        try (TempTag t = store.importBytes(data, BlobFormat.RAW)) {
            store.setTag(tag, t.content());
            return t.hash();
        }
    }

    /** Flips one byte of a stored file, as rot or a careless editor would. */
    private static void flip(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
            ch.write(b, at);
        }
    }

    @Test
    void aDamagedCompleteBlobIsNeverHandedOutAndKeepsWhatVerified() throws Exception {
        byte[] data = LocalTransfer.data(300_000, 30);
        Hash h = tagged(data, "d");
        store.close();
        flip(blobFile(h, "data"), 200_000); // in block 12 (196608..212991); sizes and outboard root still check out
        reopen();
        assertEquals(new BlobStatus.Complete(data.length), store.status(h), "open checks sizes only");
        Path out = tmp.resolve("out/d.bin");
        CorruptBlobException e = assertThrows(CorruptBlobException.class, () -> store.export(h, out));
        assertEquals(12 * 16384, e.verifiedBytes());
        assertFalse(Files.exists(out.getParent()), "no part file left, nor the folder made for it");
        // No longer complete: the verified prefix stays, durably, as a partial blob to finish by downloading.
        BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, store.status(h));
        assertEquals(ChunkRanges.of(0, 12 * 16), p.present());
        assertEquals(data.length, p.size());
        assertThrows(IOException.class, () -> store.readAll(h));
        reopen();
        assertEquals(p, store.status(h));
        try (PartialBlob w = store.openPartial(h).orElseThrow()) {
            assertEquals(ChunkRanges.of(12 * 16, PartialBlob.chunks(data.length)), w.missing().truncate(data.length)
                    .intersection(ChunkRanges.of(0, PartialBlob.chunks(data.length))));
            LocalTransfer.completeFrom(w, data);
            assertTrue(w.commit());
        }
        assertArrayEquals(data, store.readAll(h));
        store.export(h, out);
        assertArrayEquals(data, Files.readAllBytes(out));
    }

    @Test
    void everyKindOfReadVerifies() throws Exception {
        byte[] data = LocalTransfer.data(9 << 20, 31); // whole-blob reads go in parallel pieces of 4 MiB
        Hash h = tagged(data, "d");
        try (BlobReader r = store.openReader(h).orElseThrow()) {
            assertArrayEquals(data, r.inputStream().readAllBytes());
            byte[] small = new byte[100];
            r.readFully(16_340, small, 0, small.length); // across a block boundary
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 16_340, 16_440), small);
        }
        store.close();
        flip(blobFile(h, "data"), 6_000_000); // in the second piece
        reopen();
        try (BlobReader r = store.openReader(h).orElseThrow()) {
            assertArrayEquals(java.util.Arrays.copyOf(data, 1000), r.read(0, 1000), "a read before the damage is fine");
            assertThrows(CorruptBlobException.class, () -> r.read(5_999_000, 2000));
        }
        assertEquals(ChunkRanges.empty(), ((BlobStatus.Partial) store.status(h)).present(),
                "a read from the middle vouches for nothing before it");
    }

    @Test
    void aThrowawayStoreExportsWhatItVerifiedOnArrivalWithoutASecondPass() throws Exception {
        byte[] data = LocalTransfer.data((9 << 20) + 12_345, 33); // several whole-blob pieces, the last one short
        Hash h = Hash.of(data);
        try (FsBlobStore throwaway = FsBlobStore.open(tmp.resolve("throwaway"), FsBlobStore.Options.throwaway())) {
            try (PartialBlob w = throwaway.openPartial(h).orElseThrow()) {
                LocalTransfer.completeFrom(w, data); // verified as it arrives, as a download is
                assertTrue(w.commit());
            }
            Path out = tmp.resolve("out/t.bin");
            throwaway.export(h, out);
            assertArrayEquals(data, Files.readAllBytes(out));
            // What makes it cheaper, pinned: whole-blob reads hand out the stored bytes as they are. A change behind
            // the store's back (which nothing but this process can make: the folder is its own) is not looked for.
            flip(tmp.resolve("throwaway/blobs/" + h.toHex() + ".data"), 6_000_000);
            throwaway.export(h, out);
            byte[] exported = Files.readAllBytes(out);
            assertEquals(data.length, exported.length);
            assertEquals((byte) (data[6_000_000] ^ 0x40), exported[6_000_000]);
            // Small reads still verify the blocks they touch, as in any store.
            try (BlobReader r = throwaway.openReader(h).orElseThrow()) {
                assertThrows(CorruptBlobException.class, () -> r.read(5_999_000, 2000));
            }
        }
    }

    @Test
    void aThrowawayStoreHandsItsFileToTheFirstExportByAHardLinkNotACopy() throws Exception {
        byte[] data = LocalTransfer.data((3 << 20) + 777, 34);
        Hash h = Hash.of(data);
        try (FsBlobStore throwaway = FsBlobStore.open(tmp.resolve("throwaway"), FsBlobStore.Options.throwaway())) {
            try (PartialBlob w = throwaway.openPartial(h).orElseThrow()) {
                LocalTransfer.completeFrom(w, data);
                assertTrue(w.commit());
            }
            Path stored = tmp.resolve("throwaway/blobs/" + h.toHex() + ".data");
            Path first = tmp.resolve("out/first.bin");
            Files.createDirectories(first.getParent());
            Files.write(first, new byte[] {1, 2, 3}); // replaced, as by a copy
            throwaway.export(h, first);
            assertArrayEquals(data, Files.readAllBytes(first));
            assertEquals(inode(stored), inode(first), "the store's file became the target: nothing was copied");
            // A second export of the same blob is a copy: two exported files must not be links of each other.
            Path second = tmp.resolve("out/second.bin");
            throwaway.export(h, second);
            assertArrayEquals(data, Files.readAllBytes(second));
            assertNotEquals(inode(first), inode(second));
            // Nothing beside the targets: no part file, no link.
            try (var listing = Files.list(first.getParent())) {
                assertEquals(List.of("first.bin", "second.bin"), listing.map(p -> p.getFileName().toString()).sorted().toList());
            }
        }
        // The store goes with its folder, as blob get's does; the exported file stays whole.
        Fixtures.deleteTree(tmp.resolve("throwaway"));
        assertArrayEquals(data, Files.readAllBytes(tmp.resolve("out/first.bin")));

        // A store that keeps its blobs across runs verifies and copies, as before.
        try (TempTag t = store.importBytes(data, BlobFormat.RAW)) {
            Path kept = tmp.resolve("out/kept.bin");
            store.export(t.hash(), kept);
            assertArrayEquals(data, Files.readAllBytes(kept));
            assertNotEquals(inode(blobFile(t.hash(), "data")), inode(kept));
        }
    }

    @Test
    void anExportThatLinkedButWasNotCommittedLeavesNothing() throws Exception {
        byte[] data = LocalTransfer.data(200_000, 35);
        Hash h = Hash.of(data);
        try (FsBlobStore throwaway = FsBlobStore.open(tmp.resolve("throwaway2"), FsBlobStore.Options.throwaway())) {
            try (PartialBlob w = throwaway.openPartial(h).orElseThrow()) {
                LocalTransfer.completeFrom(w, data);
                assertTrue(w.commit());
            }
            Path target = tmp.resolve("out2/never.bin");
            try (ExportTarget t = ExportTarget.open(target); BlobReader r = throwaway.openReader(h).orElseThrow()) {
                t.write(r);
                assertTrue(Files.exists(target.resolveSibling(".never.bin.link")), "linked, not copied");
                // while it is open, another export of the same target is refused (the part file stays locked)
                assertThrows(IOException.class, () -> ExportTarget.open(target).close());
            }
            try (var listing = Files.list(tmp)) {
                assertFalse(listing.anyMatch(p -> p.getFileName().toString().equals("out2")), "its folder went too");
            }
            assertTrue(Files.exists(tmp.resolve("throwaway2/blobs/" + h.toHex() + ".data")), "the store keeps its file");
            // Something else by the link's name (here a folder) is not ours: left alone, and the blob is copied.
            byte[] more = LocalTransfer.data(300_000, 36);
            Hash h2 = Hash.of(more);
            try (PartialBlob w = throwaway.openPartial(h2).orElseThrow()) {
                LocalTransfer.completeFrom(w, more);
                assertTrue(w.commit());
            }
            Path other = tmp.resolve("out3/other.bin");
            Files.createDirectories(other.resolveSibling(".other.bin.link"));
            throwaway.export(h2, other);
            assertArrayEquals(more, Files.readAllBytes(other));
            assertTrue(Files.isDirectory(other.resolveSibling(".other.bin.link")));
            assertNotEquals(inode(tmp.resolve("throwaway2/blobs/" + h2.toHex() + ".data")), inode(other));
        }
    }

    private static Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino");
    }

    @Test
    void addingTheSameContentAgainReplacesADamagedCopy() throws Exception {
        byte[] data = LocalTransfer.data(100_000, 32);
        Path file = Files.write(tmp.resolve("in.bin"), data);
        Hash h;
        try (TempTag t = store.importPath(file, BlobFormat.RAW)) {
            h = t.hash();
            store.setTag("d", t.content());
        }
        store.close();
        flip(blobFile(h, "data"), 50_000);
        reopen();
        try (TempTag t = store.importPath(file, BlobFormat.RAW)) {
            assertEquals(h, t.hash());
        }
        assertArrayEquals(data, store.readAll(h));
        assertArrayEquals(data, Files.readAllBytes(blobFile(h, "data")));
    }

    @Test
    void aPartialDataFileCutBelowItsLogHasTheMissingChunksFetchedAgain() throws Exception {
        byte[] data = LocalTransfer.data(500_000, 33);
        Hash h = Hash.of(data);
        try (PartialBlob w = store.openPartial(h).orElseThrow()) {
            LocalTransfer.feedPart(w, data, 2.0 / 3);
        }
        store.close();
        try (FileChannel ch = FileChannel.open(blobFile(h, "data"), StandardOpenOption.WRITE)) {
            ch.truncate(100_000); // below what the log records (about 330 KB)
        }
        reopen();
        assertEquals(ChunkRanges.of(0, 97), ((BlobStatus.Partial) store.status(h)).present(), "on open");
        try (PartialBlob w = store.openPartial(h).orElseThrow()) {
            LocalTransfer.completeFrom(w, data);
            assertTrue(w.commit());
        }
        assertArrayEquals(data, store.readAll(h));

        // Cut while the store is open: noticed when a download opens it again.
        byte[] other = LocalTransfer.data(400_000, 34);
        Hash ho = Hash.of(other);
        try (PartialBlob w = store.openPartial(ho).orElseThrow()) {
            LocalTransfer.feedPart(w, other, 0.5);
        }
        try (FileChannel ch = FileChannel.open(blobFile(ho, "data"), StandardOpenOption.WRITE)) {
            ch.truncate(10_240);
        }
        try (PartialBlob w = store.openPartial(ho).orElseThrow()) {
            assertEquals(ChunkRanges.of(0, 10), w.present());
            LocalTransfer.completeFrom(w, other);
            assertTrue(w.commit());
        }
        assertArrayEquals(other, store.readAll(ho));
    }

    @Test
    void aDamagedTagTableStopsTheStoreFromOpening() throws Exception {
        try (TempTag t = store.importBytes(new byte[] {1}, BlobFormat.RAW)) {
            store.setTag("x", t.content());
        }
        store.close();
        Path tags = tmp.resolve("store/tags");
        byte[] b = Files.readAllBytes(tags);
        b[b.length / 2] ^= 1;
        Files.write(tags, b);
        IOException e = assertThrows(IOException.class, () -> FsBlobStore.open(tmp.resolve("store")));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        store = new MemBlobStore();
    }
}
