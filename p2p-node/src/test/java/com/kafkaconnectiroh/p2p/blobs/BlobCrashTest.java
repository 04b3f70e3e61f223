package com.kafkaconnectiroh.p2p.blobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import com.kafkaconnectiroh.p2p.blobs.store.BlobReader;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download killed with SIGKILL mid-transfer resumes in a new JVM on the same store: the provider sees the
 * second request ask for exactly what the store had not recorded, and the result verifies.
 */
class BlobCrashTest {
    @TempDir
    Path tmp;

    @Test
    void aKilledDownloadResumesWithOnlyTheMissingRanges() throws Exception {
        byte[] data = new byte[24 << 20];
        new Random(42).nextBytes(data);
        try (BlobPeer provider = BlobPeer.start(new MemBlobStore(),
                BlobsProvider.Options.defaults().withMaxBytesPerSecond(8_000_000))) {
            Blobs.AddOutcome added = provider.blobs.add(data);
            Hash h = added.hash();
            String ticket = provider.blobs.ticket(added.content()).toString();
            Path dir = tmp.resolve("store");
            Path log = tmp.resolve("child.log");

            long killedAt;
            try (ChildJvm first = ChildJvm.start(DownloadChildMain.class, log, dir.toString(), ticket)) {
                String line = first.await(l -> l.startsWith("progress ") && Long.parseLong(l.split(" ")[1]) >= data.length / 3,
                        Duration.ofSeconds(120));
                assertNotNull(line, "no progress from the child: " + first.seen() + "; see " + log);
                first.kill();
                killedAt = Long.parseLong(line.split(" ")[1]);
            }
            ChunkRanges recorded;
            try (FsBlobStore store = FsBlobStore.open(dir)) {
                BlobStatus.Partial p = assertInstanceOf(BlobStatus.Partial.class, store.status(h));
                recorded = p.present();
                assertEquals(data.length, p.size());
                assertFalse(p.sizeVerified());
                // A prefix (pre-order response), at most a checkpoint interval behind what was reported.
                assertEquals(1, recorded.ranges().size(), recorded.toString());
                assertEquals(0, recorded.boundaries()[0]);
                long recordedBytes = recorded.boundaries()[1] * BaoTree.CHUNK_LEN;
                assertTrue(recordedBytes >= killedAt - 3_000_000 && recordedBytes < data.length,
                        "recorded " + recordedBytes + ", reported " + killedAt);
            }
            assertEquals(List.of(GetRequest.ranges(h, ChunkRanges.all())), provider.requests);

            try (ChildJvm second = ChildJvm.start(DownloadChildMain.class, log, dir.toString(), ticket)) {
                assertNotNull(second.await("done"::equals, Duration.ofSeconds(120)), "resume did not finish: "
                        + second.seen() + "; see " + log);
                assertEquals(0, second.waitFor(Duration.ofSeconds(30)));
            }
            assertEquals(2, provider.requests.size());
            assertEquals(GetRequest.ranges(h, ChunkRanges.all().difference(recorded)), provider.requests.get(1),
                    "the resumed request asks for exactly what was not recorded");

            try (FsBlobStore store = FsBlobStore.open(dir)) {
                assertEquals(new BlobStatus.Complete(data.length), store.status(h));
                assertArrayEquals(data, store.readAll(h));
                try (BlobReader r = store.openReader(h).orElseThrow()) {
                    assertArrayEquals(Outboard.compute(data).pairs(), r.outboard().pairs());
                }
            }
        }
    }
}
