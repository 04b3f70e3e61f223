package com.kafkaconnectiroh.p2p.blobs.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;

class MemBlobStoreTest extends BlobStoreContract {
    @Override
    BlobStore newStore() {
        return new MemBlobStore();
    }

    /** Adds {@code data} in place from a file in {@code tmp}; returns its hash, tagged. */
    private Hash addInPlace(MemBlobStore s, String name, byte[] data) throws IOException {
        Path f = Files.write(tmp.resolve(name), data);
        try (TempTag t = s.importPath(f, BlobFormat.RAW)) {
            s.setTag(name, t.content());
            return t.hash();
        }
    }

    @Test
    void filesAddedInPlaceAreReadFromThemAndDroppedOnceChanged() throws Exception {
        try (MemBlobStore s = MemBlobStore.referencingFiles()) {
            byte[] a = LocalTransfer.data(5 << 20, 40);
            Hash ha = addInPlace(s, "a", a);
            assertArrayEquals(a, s.readAll(ha));
            // Changed in place: the first read of the changed block fails, nothing of it is handed out.
            try (FileChannel ch = FileChannel.open(tmp.resolve("a"), StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) ~a[3_000_000]}), 3_000_000);
            }
            assertThrows(CorruptBlobException.class, () -> s.export(ha, tmp.resolve("out-a")));
            assertEquals(BlobStatus.ABSENT, s.status(ha), "a changed file is not served again");
            assertTrue(Files.notExists(tmp.resolve("out-a")));

            byte[] b = LocalTransfer.data(100_000, 41);
            Hash hb = addInPlace(s, "b", b);
            try (FileChannel ch = FileChannel.open(tmp.resolve("b"), StandardOpenOption.WRITE)) {
                ch.truncate(50_000);
            }
            assertThrows(CorruptBlobException.class, () -> s.readAll(hb));
            assertEquals(BlobStatus.ABSENT, s.status(hb));

            // Replaced by a link to another file of the same size: not followed.
            byte[] c = LocalTransfer.data(20_000, 42);
            Hash hc = addInPlace(s, "c", c);
            Files.write(tmp.resolve("other"), LocalTransfer.data(20_000, 43));
            Files.delete(tmp.resolve("c"));
            Files.createSymbolicLink(tmp.resolve("c"), tmp.resolve("other"));
            assertThrows(CorruptBlobException.class, () -> s.readAll(hc));

            // Gone altogether.
            Hash hd = addInPlace(s, "d", LocalTransfer.data(3000, 44));
            Files.delete(tmp.resolve("d"));
            assertThrows(CorruptBlobException.class, () -> s.readAll(hd));
        }
    }

    @Test
    void filesThatHoldMoreThanTheirSizeAreNotAddedInPlace() throws Exception {
        try (MemBlobStore s = MemBlobStore.referencingFiles()) {
            IOException e = assertThrows(IOException.class, () -> s.importPath(Path.of("/proc/self/status"), BlobFormat.RAW));
            assertTrue(e.getMessage().contains("has more to read than its size"), e.getMessage());
        }
    }
}
