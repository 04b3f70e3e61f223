package com.kafkaconnectiroh.p2p.blobs.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random points while a child JVM imports, downloads, completes, tags and collects: after every kill
 * the reopened store reports no complete blob that does not verify, and every chunk a partial blob claims holds
 * the right bytes. Rounds share the store, so later rounds also resume what earlier ones left.
 */
class StoreCrashTest {
    static final long SEED = 20261125L;
    static final int ROUNDS = 12;

    @TempDir
    Path tmp;

    @Test
    void killedAtRandomPointsTheStoreNeverClaimsWhatDoesNotVerify() throws Exception {
        Random rnd = new Random(SEED);
        Map<Hash, Integer> corpus = Corpus.byHash();
        Path dir = tmp.resolve("store");
        int complete = 0;
        int partial = 0;
        List<String> lastOps = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            ChildJvm child = ChildJvm.start(StoreTortureMain.class, tmp.resolve("child.log"), dir.toString(),
                    Long.toString(rnd.nextLong()), tmp.resolve("scratch").toString());
            assertNotNull(child.await("ready"::equals, Duration.ofSeconds(60)),
                    "child did not start; see " + tmp.resolve("child.log"));
            child.await(l -> false, Duration.ofMillis(100 + rnd.nextInt(1500)));
            child.kill();
            List<String> seen = child.seen();
            String last = seen.isEmpty() ? null : seen.get(seen.size() - 1);
            lastOps.add(last);

            try (FsBlobStore store = FsBlobStore.open(dir)) {
                for (Hash h : store.list()) {
                    Integer i = corpus.get(h);
                    assertNotNull(i, "store holds " + h + ", which the child never wrote");
                    byte[] data = Corpus.blob(i);
                    BlobStatus st = store.status(h);
                    if (st instanceof BlobStatus.Complete c) {
                        assertEquals(data.length, c.size());
                        assertArrayEquals(data, store.readAll(h), "round " + round + ": complete blob " + i);
                        try (BlobReader r = store.openReader(h).orElseThrow()) {
                            assertArrayEquals(Outboard.compute(data).pairs(), r.outboard().pairs(),
                                    "round " + round + ": outboard of blob " + i);
                        }
                        complete++;
                    } else {
                        BlobStatus.Partial pa = (BlobStatus.Partial) st;
                        if (!pa.present().isEmpty()) {
                            assertEquals(data.length, pa.size(), "only honest claims were made");
                        }
                        checkPresentBytes(dir.resolve("blobs/" + h.toHex() + ".data"), pa, data, round, i);
                        partial++;
                    }
                }
            }
        }
        // The kills landed amid real work, and both kinds of blob were checked.
        assertTrue(complete > ROUNDS, "complete blobs checked: " + complete + "; last ops " + lastOps);
        assertTrue(partial > 0, "partial blobs checked: " + partial + "; last ops " + lastOps);
        TreeMap<String, Integer> kinds = new TreeMap<>();
        for (String l : lastOps) {
            kinds.merge(l == null || !l.startsWith("op ") ? "none" : l.split(" ")[2], 1, Integer::sum);
        }
        System.out.println("StoreCrashTest: checked " + complete + " complete, " + partial + " partial; ops before kills "
                + kinds);
    }

    private static void checkPresentBytes(Path file, BlobStatus.Partial pa, byte[] data, int round, int i)
            throws Exception {
        if (pa.present().isEmpty()) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long[] r : pa.present().ranges()) {
                int from = (int) (r[0] * BaoTree.CHUNK_LEN);
                int to = (int) Math.min(data.length, r[1] * BaoTree.CHUNK_LEN);
                ByteBuffer b = ByteBuffer.allocate(to - from);
                while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
                    // read on
                }
                assertArrayEquals(java.util.Arrays.copyOfRange(data, from, to), b.array(),
                        "round " + round + ": chunks " + r[0] + ".." + r[1] + " of partial blob " + i);
            }
        }
    }
}
