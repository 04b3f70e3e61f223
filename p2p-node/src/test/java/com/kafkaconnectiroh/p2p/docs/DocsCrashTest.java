package com.kafkaconnectiroh.p2p.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.Change;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.docs.store.Replica;
import com.kafkaconnectiroh.p2p.docs.store.ReplicaStore;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL while it syncs a document (first while entries arrive, then while content downloads):
 * its store opens intact (every entry verifies, the indexes agree) and the next run resumes and completes, content
 * included. The source holds its side of a session with the killed node until the connection times out (30 s);
 * the restarted node, declined meanwhile, tries again.
 */
@Timeout(600)
class DocsCrashTest {
    static final int ENTRIES = 4000;

    @TempDir
    Path tmp;

    @Test
    void killedDuringSyncTheStoreIsIntactAndSyncResumes() throws Exception {
        try (Node source = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            Doc doc = source.docs().create();
            byte[] filler = new byte[2000];
            for (int i = 0; i < ENTRIES; i++) {
                byte[] v = ("value " + i + " ").getBytes(StandardCharsets.UTF_8);
                byte[] value = new byte[v.length + filler.length];
                System.arraycopy(v, 0, value, 0, v.length);
                doc.set(String.format("key-%05d", i).getBytes(StandardCharsets.UTF_8), value);
            }
            DocTicket ticket = doc.share(false);
            Path dir = tmp.resolve("child");
            Path log = tmp.resolve("child.log");

            // Kill points: once entries are arriving, and once content is downloading.
            for (String stage : List.of("inserted ", "content ")) {
                try (ChildJvm child = ChildJvm.start(DocSyncChildMain.class, log, dir.toString(), ticket.toString())) {
                    String line = child.await(l -> l.startsWith(stage) || l.startsWith("synced"), Duration.ofSeconds(180));
                    assertNotNull(line, "no progress: " + child.seen() + "; log:\n" + java.nio.file.Files.readString(log));
                    child.kill();
                }
                checkIntact(dir, doc);
            }
            try (ChildJvm child = ChildJvm.start(DocSyncChildMain.class, log, dir.toString(), ticket.toString())) {
                String done = child.await(l -> l.startsWith("synced"), Duration.ofSeconds(300));
                assertNotNull(done, "the resumed sync did not finish: " + child.seen() + "; see " + log);
                assertEquals("synced " + ENTRIES + " " + ENTRIES, done);
                assertEquals(0, child.waitFor(Duration.ofSeconds(60)));
            }
            checkIntact(dir, doc);
            try (ReplicaStore store = ReplicaStore.open(dir.resolve("docs.db"))) {
                Replica r = store.replica(doc.id()).orElseThrow();
                assertEquals(doc.query(Query.all()), r.query(Query.all()));
            }
        }
    }

    /** The store opens; every entry is one of the source's, verifies, and appears once in each index. */
    static void checkIntact(Path dir, Doc source) throws Exception {
        try (ReplicaStore store = ReplicaStore.open(dir.resolve("docs.db"))) {
            Replica r = store.replica(source.id()).orElseThrow(() -> new AssertionError("the document is gone"));
            List<SignedEntry> all = r.query(Query.all().withIncludeEmpty(true));
            Set<SignedEntry> theirs = new HashSet<>(source.query(Query.all()));
            for (SignedEntry e : all) {
                assertTrue(e.verify(), "a stored entry does not verify: " + e);
                assertTrue(theirs.contains(e), "an entry the source never wrote: " + e);
            }
            assertEquals(all.size(), r.entryCount());
            assertEquals(all.size(), r.query(Query.all().withSortBy(Query.SortBy.KEY_AUTHOR)).size(), "by-key index");
            List<Change> changes = r.changes(0, Integer.MAX_VALUE);
            assertEquals(all.size(), changes.size(), "change feed");
            assertEquals(all.size(), new HashSet<>(changes.stream().map(Change::entry).toList()).size());
            System.out.println("intact after kill: " + all.size() + " entries");
        }
    }
}
