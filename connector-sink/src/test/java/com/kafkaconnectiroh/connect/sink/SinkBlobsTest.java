package com.kafkaconnectiroh.connect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStatus;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The retention rule on a real file store: kept while referenced, freed after it, oldest first when over bound. */
class SinkBlobsTest {
    @TempDir
    Path dir;

    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void blobsLiveForTheirRetentionThenTheStoreFreesThem() throws Exception {
        try (Node node = Node.builder().dataDir(dir).bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            SinkBlobs blobs = new SinkBlobs(node.blobs(), Duration.ofMillis(1500), 1L << 30, node::addr);
            byte[] a = data(100_000, 1);
            BlobRef ref = blobs.add(a);
            assertEquals(node.id(), ref.providers().get(0).id());
            assertEquals(a.length, ref.size());
            blobs.sweep();
            assertTrue(node.blobs().status(Hash.of(a)).isComplete(), "within retention");
            Thread.sleep(1000);
            blobs.add(a); // referenced again: retention renewed
            Thread.sleep(800);
            blobs.sweep();
            assertTrue(node.blobs().status(Hash.of(a)).isComplete(), "renewed by the second record");
            Thread.sleep(1000);
            blobs.sweep();
            assertTrue(node.blobs().status(Hash.of(a)) instanceof BlobStatus.Absent, "freed after retention");
            assertEquals(0, blobs.keptCount());
        }
    }

    @Test
    void overTheByteBoundTheOldestGoFirstAndTagsSurviveARestart() throws Exception {
        byte[] first = data(600_000, 1);
        byte[] second = data(600_000, 2);
        try (Node node = Node.builder().dataDir(dir).bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            SinkBlobs blobs = new SinkBlobs(node.blobs(), Duration.ofHours(1), 1 << 20, node::addr);
            blobs.add(first);
            Thread.sleep(5);
            blobs.add(second);
            blobs.sweep();
            assertTrue(node.blobs().status(Hash.of(first)) instanceof BlobStatus.Absent, "the older one went");
            assertTrue(node.blobs().status(Hash.of(second)).isComplete());
            assertEquals(1, blobs.evicted.sum());
        }
        try (Node again = Node.builder().dataDir(dir).bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            SinkBlobs blobs = new SinkBlobs(again.blobs(), Duration.ofHours(1), 1L << 30, again::addr);
            assertEquals(1, blobs.keptCount(), "kept from the earlier run");
            assertEquals(600_000, blobs.keptBytes());
            blobs.sweep();
            assertTrue(again.blobs().status(Hash.of(second)).isComplete());
        }
    }
}
