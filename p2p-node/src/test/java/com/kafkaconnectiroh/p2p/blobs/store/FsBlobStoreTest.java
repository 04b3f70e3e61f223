package com.kafkaconnectiroh.p2p.blobs.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
