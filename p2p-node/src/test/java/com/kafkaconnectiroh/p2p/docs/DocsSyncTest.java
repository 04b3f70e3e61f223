package com.kafkaconnectiroh.p2p.docs;

import static com.kafkaconnectiroh.p2p.Fixtures.loopbackNode;
import static com.kafkaconnectiroh.p2p.Fixtures.text;
import static com.kafkaconnectiroh.p2p.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.docs.proto.AbortReason;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.InsertException;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.node.Node;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two Java nodes on loopback sync a document: initial sync with content, live updates both ways, tickets. */
@Timeout(180)
class DocsSyncTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void joinSyncsEverythingWithContentThenFollowsLiveBothWays() throws Exception {
        try (Node a = loopbackNode(); Node b = loopbackNode()) {
            Doc doc = a.docs().create();
            for (int i = 0; i < 300; i++) {
                doc.set(utf8(String.format("key-%04d", i)), utf8("value " + i));
            }
            DocTicket ticket = doc.share(true);

            Doc joined = b.docs().importTicket(ticket);
            try (DocSubscription events = joined.subscribe()) {
                joined.startSync(ticket.nodes());
                DocEvent.SyncFinished done = DocEvents.await(events, DocEvent.SyncFinished.class, DocEvent.SyncFinished::ok, WAIT);
                assertEquals(a.id(), done.peer());
                DocEvents.await(events, DocEvent.PendingContentReady.class, WAIT);
            }
            List<SignedEntry> entries = joined.query(Query.singleLatestPerKey());
            assertEquals(300, entries.size());
            for (SignedEntry e : entries) {
                String value = text(joined.content(e).orElseThrow());
                assertEquals("value " + Integer.parseInt(text(e.key()).substring(4)), value);
            }
            assertEquals(doc.query(Query.all()), joined.query(Query.all()));

            try (DocSubscription onA = doc.subscribe(); DocSubscription onB = joined.subscribe()) {
                // live: a -> b
                doc.set(utf8("live-from-a"), utf8("hello b"));
                DocEvent.InsertRemote in = DocEvents.await(onB, DocEvent.InsertRemote.class,
                        e -> text(e.change().entry().key()).equals("live-from-a"), WAIT);
                DocEvents.await(onB, DocEvent.ContentReady.class, e -> e.hash().equals(in.change().entry().contentHash()), WAIT);
                assertEquals("hello b", text(joined.content(joined.get(utf8("live-from-a")).orElseThrow()).orElseThrow()));
                // live: b -> a (b holds the write capability through the ticket)
                joined.set(utf8("live-from-b"), utf8("hello a"));
                DocEvents.await(onA, DocEvent.InsertRemote.class, e -> text(e.change().entry().key()).equals("live-from-b"), WAIT);
                DocEvents.await(onA, DocEvent.ContentReady.class, WAIT);
                assertEquals("hello a", text(doc.content(doc.get(utf8("live-from-b")).orElseThrow()).orElseThrow()));
            }
        }
    }

    @Test
    void readTicketsSyncButCannotWrite() throws Exception {
        try (Node a = loopbackNode(); Node b = loopbackNode()) {
            Doc doc = a.docs().create();
            doc.set(utf8("k"), utf8("v"));
            DocTicket read = doc.share(false);
            assertFalse(read.capability().canWrite());
            Doc joined = b.docs().importTicket(read);
            joined.syncWith(read.nodes().get(0));
            assertEquals("v", text(joined.content(waitForContent(joined, "k")).orElseThrow()));
            InsertException e = assertThrows(InsertException.class, () -> joined.set(utf8("k"), utf8("mine")));
            assertEquals(InsertException.Reason.READ_ONLY, e.reason());
            assertEquals(1, joined.entryCount());
        }
    }

    @Test
    void aPeerThatDoesNotSyncTheDocumentDeclines() throws Exception {
        try (Node a = loopbackNode(); Node b = loopbackNode()) {
            Doc doc = a.docs().create();
            doc.set(utf8("k"), utf8("v"));
            DocTicket ticket = new DocTicket(doc.capability(), List.of(a.addr()));  // not shared: a does not sync it
            Doc joined = b.docs().importTicket(ticket);
            SyncAbortedException e = assertThrows(SyncAbortedException.class, () -> joined.syncWith(a.addr()));
            assertEquals(AbortReason.NOT_FOUND, e.reason());
            assertEquals(0, joined.entryCount());
        }
    }

    /** Entry content is stored untagged; the blob store's garbage collection keeps it while an entry names it. */
    @Test
    void garbageCollectionKeepsContentThatEntriesName() throws Exception {
        try (Node a = loopbackNode(); Node b = loopbackNode()) {
            Doc doc = a.docs().create();
            SignedEntry kept = doc.set(utf8("kept"), utf8("still here"));
            SignedEntry gone = doc.set(utf8("gone"), utf8("deleted soon"));
            DocTicket t = doc.share(false);
            Doc joined = b.docs().importTicket(t);
            joined.syncWith(t.nodes().get(0));
            waitForContent(joined, "kept");
            waitForContent(joined, "gone");
            doc.delete(utf8("gone"));
            a.blobs().gc();
            b.blobs().gc();
            assertEquals("still here", text(doc.content(kept).orElseThrow()));
            assertEquals("still here", text(joined.content(joined.get(utf8("kept")).orElseThrow()).orElseThrow()));
            assertFalse(a.blobs().status(gone.contentHash()).isComplete(), "no entry names it any more");
            assertTrue(b.blobs().status(gone.contentHash()).isComplete(), "b's entry still names it");
        }
    }

    static SignedEntry waitForContent(Doc doc, String key) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var e = doc.get(utf8(key));
            if (e.isPresent() && doc.content(e.get()).isPresent()) {
                return e.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no content for " + key + " within " + WAIT);
    }

    @Test
    void deletionsSyncAsPrefixMarkers() throws Exception {
        try (Node a = loopbackNode(); Node b = loopbackNode()) {
            Doc doc = a.docs().create();
            doc.set(utf8("dir/1"), utf8("one"));
            doc.set(utf8("dir/2"), utf8("two"));
            doc.set(utf8("other"), utf8("three"));
            assertEquals(2, doc.delete(utf8("dir/")));
            DocTicket t = doc.share(false);
            Doc joined = b.docs().importTicket(t);
            joined.syncWith(t.nodes().get(0));
            assertEquals(List.of("other"), joined.query(Query.singleLatestPerKey()).stream().map(e -> text(e.key())).toList());
            assertEquals(2, joined.query(Query.all().withIncludeEmpty(true)).size());
            assertArrayEquals(utf8("three"), joined.content(waitForContent(joined, "other")).orElseThrow());
            assertTrue(joined.getExact(doc.query(Query.all()).get(0).author(), utf8("dir/1")).isEmpty());
        }
    }
}
