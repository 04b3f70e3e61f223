package com.kafkaconnectiroh.p2p.blobs.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Collection;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecodeException;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link BlobStore} must do; run for each implementation. */
abstract class BlobStoreContract {
    static final int[] SIZES = {0, 1, 1023, 1024, 1025, 16383, 16384, 16385, 100_000, 1 << 20, (1 << 20) + 3};

    @TempDir
    Path tmp;

    BlobStore store;

    abstract BlobStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() throws Exception {
        store.close();
    }

    @Test
    void importsHashAndReadBack() throws Exception {
        for (int size : SIZES) {
            byte[] data = LocalTransfer.data(size, size);
            Hash expected = Hash.of(data);
            Path file = tmp.resolve("in-" + size);
            Files.write(file, data);
            try (TempTag a = store.importBytes(data, BlobFormat.RAW);
                    TempTag b = store.importPath(file, BlobFormat.RAW);
                    TempTag c = store.importStream(new ByteArrayInputStream(data), BlobFormat.RAW)) {
                assertEquals(expected, a.hash(), "bytes, size " + size);
                assertEquals(expected, b.hash(), "path, size " + size);
                assertEquals(expected, c.hash(), "stream, size " + size);
            }
            assertEquals(new BlobStatus.Complete(size), store.status(expected));
            assertArrayEquals(data, store.readAll(expected));
            try (BlobReader r = store.openReader(expected).orElseThrow()) {
                assertEquals(size, r.size());
                assertArrayEquals(Outboard.compute(data).pairs(), r.outboard().pairs(), "outboard, size " + size);
                int from = size / 3;
                assertArrayEquals(java.util.Arrays.copyOfRange(data, from, Math.min(size, from + 5000)),
                        r.read(from, 5000), "range read, size " + size);
                assertArrayEquals(data, r.inputStream().readAllBytes());
            }
            Path out = tmp.resolve("out/" + size);
            store.export(expected, out);
            assertArrayEquals(data, Files.readAllBytes(out));
        }
        assertEquals(Hash.EMPTY, Hash.of(new byte[0]));
        assertEquals(BlobStatus.ABSENT, store.status(Hash.of(new byte[] {42})));
        assertTrue(store.openReader(Hash.of(new byte[] {42})).isEmpty());
    }

    @Test
    void exportedFilesGetTheModeAnyNewFileGets() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("exports"));
        assertTrue(Files.getFileStore(dir).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class),
                "the build runs on POSIX file systems");
        Path plain = Files.createFile(dir.resolve("plain"));
        Path existing = Files.write(dir.resolve("existing"), new byte[] {1});
        try (TempTag t = store.importBytes(LocalTransfer.data(5000, 3), BlobFormat.RAW)) {
            store.export(t.hash(), dir.resolve("new"));
            store.export(t.hash(), existing);
        }
        // Not the owner-only mode of a temporary file: a downloaded file is for whoever may read new files here.
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(dir.resolve("new")));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(existing));
    }

    @Test
    void partialBlobResumesAndCompletesOnlyWhenVerified() throws Exception {
        byte[] data = LocalTransfer.data(300_000, 7); // 293 chunks, 19 blocks
        Hash hash = Hash.of(data);
        ChunkRanges all = ChunkRanges.all();
        byte[] resp = LocalTransfer.response(data, all);
        try (PartialBlob w = store.openPartial(hash).orElseThrow()) {
            assertEquals(-1, w.size());
            LocalTransfer.feed(w, hash, all, resp, resp.length / 2, 1000);
            assertFalse(w.isComplete());
            assertFalse(w.commit());
            assertEquals(300_000, w.size());
            assertFalse(w.sizeVerified());
            assertThrows(BlobBusyException.class, () -> store.openPartial(hash));
        }
        BlobStatus.Partial st = assertInstanceOf(BlobStatus.Partial.class, store.status(hash));
        assertEquals(300_000, st.size());
        assertFalse(st.sizeVerified());
        // Pre-order response: the first half holds whole blocks from the start.
        assertEquals(ChunkRanges.of(0, st.present().boundaries()[1]), st.present());
        assertTrue(st.present().boundaries()[1] >= 112, st.present().toString());
        assertTrue(store.openReader(hash).isEmpty(), "a partial blob is not readable");

        try (PartialBlob w = store.openPartial(hash).orElseThrow()) {
            assertEquals(st.present(), w.present());
            assertEquals(ChunkRanges.from(st.present().boundaries()[1]), w.missing());
            LocalTransfer.completeFrom(w, data);
            assertTrue(w.sizeVerified());
            assertTrue(w.isComplete());
            assertTrue(w.commit());
        }
        assertEquals(new BlobStatus.Complete(300_000), store.status(hash));
        assertArrayEquals(data, store.readAll(hash));
        try (BlobReader r = store.openReader(hash).orElseThrow()) {
            assertArrayEquals(Outboard.compute(data).pairs(), r.outboard().pairs());
        }
        assertTrue(store.openPartial(hash).isEmpty(), "complete blobs take no writer");
    }

    @Test
    void rangesInsideBlocksAreRecordedPerChunk() throws Exception {
        byte[] data = LocalTransfer.data(100_000, 9);
        Hash hash = Hash.of(data);
        ChunkRanges some = ChunkRanges.of(3, 5).union(ChunkRanges.of(40, 41));
        try (PartialBlob w = store.openPartial(hash).orElseThrow()) {
            byte[] resp = LocalTransfer.response(data, some);
            LocalTransfer.feed(w, hash, some, resp, resp.length, 100).finish();
            assertEquals(some, w.present());
            assertEquals(2 * 1024 + 1024, w.presentBytes());
            LocalTransfer.completeFrom(w, data);
            assertTrue(w.commit());
        }
        assertArrayEquals(data, store.readAll(hash));
    }

    @Test
    void emptyAndTinyBlobsComplete() throws Exception {
        for (int size : new int[] {0, 1, 1024, 16384}) {
            byte[] data = LocalTransfer.data(size, 3);
            Hash hash = Hash.of(data);
            try (PartialBlob w = store.openPartial(hash).orElseThrow()) {
                LocalTransfer.completeFrom(w, data);
                assertTrue(w.commit(), "size " + size);
            }
            assertArrayEquals(data, store.readAll(hash));
        }
    }

    @Test
    void corruptDataIsNeverStored() throws Exception {
        byte[] data = LocalTransfer.data(200_000, 11);
        Hash hash = Hash.of(data);
        byte[] resp = LocalTransfer.response(data, ChunkRanges.all());
        resp[resp.length - 70_000] ^= 1;
        try (PartialBlob w = store.openPartial(hash).orElseThrow()) {
            assertThrows(BaoDecodeException.class,
                    () -> LocalTransfer.feed(w, hash, ChunkRanges.all(), resp, resp.length, 4096));
            assertFalse(w.commit());
            ChunkRanges present = w.present();
            assertFalse(present.isEmpty());
            assertFalse(present.contains(PartialBlob.chunks(200_000) - 1));
            LocalTransfer.completeFrom(w, data);
            assertTrue(w.commit());
        }
        assertArrayEquals(data, store.readAll(hash));
    }

    @Test
    void sizeClaims() throws Exception {
        byte[] data = LocalTransfer.data(50_000, 5);
        Hash hash = Hash.of(data);
        try (PartialBlob w = store.openPartial(hash).orElseThrow()) {
            w.begin(70_000);
            w.begin(50_000);
            assertEquals(50_000, w.size());
            byte[] resp = LocalTransfer.response(data, ChunkRanges.of(0, 16));
            LocalTransfer.feed(w, hash, ChunkRanges.of(0, 16), resp, resp.length, 999).finish();
            assertEquals(ChunkRanges.of(0, 16), w.present());
            // An unproven size is given up for another claim, with everything stored under it.
            w.begin(49_000);
            assertTrue(w.present().isEmpty());
            LocalTransfer.completeFrom(w, data);
            assertTrue(w.sizeVerified());
            assertThrows(SizeConflictException.class, () -> w.begin(49_999));
            assertTrue(w.commit());
        }
        assertArrayEquals(data, store.readAll(hash));
    }

    @Test
    void tagsAndGarbageCollection() throws Exception {
        byte[] kept = LocalTransfer.data(40_000, 1);
        byte[] dropped = LocalTransfer.data(40_000, 2);
        byte[] child = LocalTransfer.data(20_000, 3);
        byte[] held = LocalTransfer.data(1000, 4);
        Hash keptHash;
        try (TempTag t = store.importBytes(kept, BlobFormat.RAW)) {
            keptHash = t.hash();
            store.setTag("kept", t.content());
        }
        Hash droppedHash;
        try (TempTag t = store.importBytes(dropped, BlobFormat.RAW)) {
            droppedHash = t.hash();
        }
        Hash childHash;
        try (TempTag t = store.importBytes(child, BlobFormat.RAW)) {
            childHash = t.hash();
        }
        Collection col = new Collection(List.of(new Collection.Entry("child.bin", childHash)));
        Hash colHash;
        try (TempTag m = store.importBytes(col.metaBytes(), BlobFormat.RAW);
                TempTag s = store.importBytes(col.hashSeq().toBytes(), BlobFormat.HASH_SEQ)) {
            colHash = s.hash();
            assertEquals(col.hash(), colHash);
            String auto = store.createAutoTag(s.content());
            assertTrue(auto.startsWith("auto-"), auto);
        }
        TempTag heldTag = store.importBytes(held, BlobFormat.RAW);
        byte[] partialData = LocalTransfer.data(100_000, 5);
        Hash partialHash = Hash.of(partialData);
        try (PartialBlob w = store.openPartial(partialHash).orElseThrow()) {
            byte[] resp = LocalTransfer.response(partialData, ChunkRanges.all());
            LocalTransfer.feed(w, partialHash, ChunkRanges.all(), resp, resp.length / 2, 4096);
        }
        Hash writingHash = Hash.of(LocalTransfer.data(70_000, 6));
        PartialBlob writing = store.openPartial(writingHash).orElseThrow();
        BlobReader reading = store.openReader(droppedHash).orElseThrow();

        GcResult r = store.gc();
        // Kept: tag, collection root + meta + child (auto tag on a hash sequence), temp tag, writer, reader.
        assertEquals(1, r.deletedBlobs(), r.toString()); // the idle partial
        assertEquals(BlobStatus.ABSENT, store.status(partialHash));
        for (Hash h : List.of(keptHash, childHash, colHash, Hash.of(col.metaBytes()), heldTag.hash(), droppedHash)) {
            assertTrue(store.status(h).isComplete(), h.toString());
        }
        assertInstanceOf(BlobStatus.Partial.class, store.status(writingHash));

        reading.close();
        writing.close();
        heldTag.close();
        r = store.gc();
        assertEquals(3, r.deletedBlobs(), r.toString());
        for (Hash h : List.of(droppedHash, heldTag.hash(), writingHash)) {
            assertEquals(BlobStatus.ABSENT, store.status(h), h.toString());
        }
        assertTrue(store.status(childHash).isComplete());

        // A raw tag on the collection keeps only the root.
        for (String t : store.tags().keySet()) {
            if (t.startsWith("auto-")) {
                store.setTag(t, HashAndFormat.raw(colHash));
            }
        }
        store.gc();
        assertTrue(store.status(colHash).isComplete());
        assertEquals(BlobStatus.ABSENT, store.status(childHash));
        assertTrue(store.deleteTag("kept"));
        assertFalse(store.deleteTag("kept"));
        store.gc();
        assertEquals(BlobStatus.ABSENT, store.status(keptHash));
        assertEquals(1, store.list().size());
    }

    @Test
    void importCompletesABlobBeingDownloaded() throws Exception {
        byte[] data = LocalTransfer.data(120_000, 8);
        Hash hash = Hash.of(data);
        try (PartialBlob w = store.openPartial(hash).orElseThrow()) {
            byte[] resp = LocalTransfer.response(data, ChunkRanges.all());
            LocalTransfer.feed(w, hash, ChunkRanges.all(), resp, resp.length / 3, 4096);
            store.importBytes(data, BlobFormat.RAW).close();
            assertTrue(store.status(hash).isComplete());
            // The writer's further bytes go nowhere; it reports the blob complete.
            LocalTransfer.feed(w, hash, ChunkRanges.all(), resp, resp.length, 4096);
            assertTrue(w.isComplete());
            assertTrue(w.commit());
        }
        assertArrayEquals(data, store.readAll(hash));
    }
}
