package com.kafkaconnectiroh.p2p.docs;

import static com.kafkaconnectiroh.p2p.Fixtures.loopbackNode;
import static com.kafkaconnectiroh.p2p.Fixtures.text;
import static com.kafkaconnectiroh.p2p.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.node.Node;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our docs against real iroh-docs 0.35 (npm {@code @number0/iroh@0.35.0} through the harness, {@code --docs}):
 * initial sync both ways with content, concurrent writes to one key, live updates both ways, prefix deletion,
 * tickets. Each side's replica is compared as a digest over every entry (author, key, hash, length, timestamp);
 * deletion markers are checked one by one ({@code doc-get} with an author), as the 0.35 binding's queries leave
 * them out.
 */
@Tag("iroh-interop")
@Timeout(300)
class DocsIrohInteropTest {
    static final Duration WAIT = Duration.ofSeconds(90);
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private IrohPeer iroh(String name) {
        IrohPeer p = IrohPeer.start(IrohVersion.V035, PeerOption.docs(), PeerOption.name(name));
        closeables.add(p);
        return p;
    }

    private Node java() throws Exception {
        Node n = loopbackNode();
        closeables.add(n);
        return n;
    }

    /** The harness's {@code doc-digest}, computed over our replica (deletion markers left out, as there). */
    static String digest(Doc doc) throws Exception {
        List<String> lines = new ArrayList<>();
        for (SignedEntry e : doc.query(Query.all())) {
            lines.add(e.author() + " " + Hex.encode(e.key()) + " " + e.contentHash().toHex() + " "
                    + Long.toUnsignedString(e.contentLen()) + " " + Long.toUnsignedString(e.timestamp()));
        }
        lines.sort(null);
        return Hex.encode(MessageDigest.getInstance("SHA-256").digest(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)));
    }

    static void assertSameReplica(IrohPeer iroh, String docId, Doc doc) throws Exception {
        JsonNode d = iroh.call("doc-digest", "doc", docId);
        assertEquals(d.path("entries").asLong(), doc.query(Query.all()).size());
        assertEquals(d.path("digest").asText(), digest(doc), "iroh's and our replica differ");
    }

    private static DocEvent.SyncFinished awaitSynced(DocSubscription events) throws InterruptedException {
        DocEvent.SyncFinished s = DocEvents.await(events, DocEvent.SyncFinished.class, DocEvent.SyncFinished::ok, WAIT);
        DocEvents.await(events, DocEvent.PendingContentReady.class, WAIT);
        return s;
    }

    @Test
    void irohWritesAThousandEntriesAndJavaSyncsAllWithContent() throws Exception {
        IrohPeer iroh = iroh("docs-iroh-writer");
        Node java = java();
        String docId = iroh.call("doc-create").path("doc").asText();
        iroh.call("doc-set-many", "doc", docId, "count", 1000, "prefix", "key-", "valuePrefix", "value-");
        DocTicket ticket = DocTicket.parse(iroh.call("doc-share", "doc", docId, "mode", "write").path("ticket").asText());
        assertEquals(docId, ticket.namespace().toString());

        Doc doc = java.docs().importTicket(ticket);
        try (DocSubscription events = doc.subscribe()) {
            doc.startSync(ticket.nodes());
            assertEquals(iroh.endpointId(), awaitSynced(events).peer());
        }
        List<SignedEntry> latest = doc.query(Query.singleLatestPerKey());
        assertEquals(1000, latest.size());
        for (SignedEntry e : latest) {
            String key = text(e.key());
            assertEquals("value-" + Integer.parseInt(key.substring(4)), text(doc.content(e).orElseThrow(
                    () -> new AssertionError("no content for " + key))));
        }
        assertSameReplica(iroh, docId, doc);
    }

    @Test
    void javaWritesAndIrohSyncsEverythingWithContent() throws Exception {
        IrohPeer iroh = iroh("docs-iroh-reader");
        Node java = java();
        Doc doc = java.docs().create();
        for (int i = 0; i < 1000; i++) {
            doc.set(utf8(String.format("java-%04d", i)), utf8("from java " + i));
        }
        doc.delete(utf8("java-09"));   // a deletion marker travels too
        DocTicket ticket = doc.share(true);
        JsonNode joined = iroh.call("doc-import", IrohPeer.params("ticket", ticket.toString(), "count", 900,
                "content", true, "timeoutMs", WAIT.toMillis()), WAIT.plusSeconds(10));
        assertEquals(doc.id().toString(), joined.path("doc").asText());
        assertEquals(900, joined.path("complete").asInt());
        JsonNode one = iroh.call("doc-get", "doc", doc.id().toString(), "key", "java-0123");
        assertEquals("from java 123", text(Hex.decode(one.path("contentHex").asText())));
        assertFalse(iroh.call("doc-get", "doc", doc.id().toString(), "key", "java-0950").path("found").asBoolean());
        SignedEntry marker = doc.query(Query.keyExact(utf8("java-09")).withIncludeEmpty(true)).get(0);
        JsonNode theirMarker = iroh.call("doc-get", "doc", doc.id().toString(), "key", "java-09",
                "author", marker.author().toString(), "includeEmpty", true).path("entry");
        assertEquals(0, theirMarker.path("len").asInt());
        assertEquals(Long.toUnsignedString(marker.timestamp()), theirMarker.path("timestamp").asText());
        assertSameReplica(iroh, doc.id().toString(), doc);
    }

    @Test
    void concurrentWritesToOneKeyConvergeToTheSameEntryOnBoth() throws Exception {
        IrohPeer iroh = iroh("docs-iroh-concurrent");
        Node java = java();
        String docId = iroh.call("doc-create").path("doc").asText();
        iroh.call("doc-set", "doc", docId, "key", "start", "hex", Hex.encode(utf8("s")));
        DocTicket ticket = DocTicket.parse(iroh.call("doc-share", "doc", docId, "mode", "write").path("ticket").asText());
        Doc doc = java.docs().importTicket(ticket);
        try (DocSubscription events = doc.subscribe()) {
            doc.startSync(ticket.nodes());
            awaitSynced(events);
        }
        for (int round = 0; round < 5; round++) {
            String key = "shared-" + round;
            CompletableFuture<JsonNode> theirs = CompletableFuture.supplyAsync(() ->
                    iroh.call("doc-set", "doc", docId, "key", key, "hex", Hex.encode(utf8("iroh"))));
            doc.set(utf8(key), utf8("java"));
            theirs.get(60, TimeUnit.SECONDS);
        }
        // Both sides end with the same entries; per key the newer write wins on both.
        waitUntil(() -> iroh.call("doc-digest", "doc", docId).path("digest").asText().equals(digest(doc)));
        for (int round = 0; round < 5; round++) {
            SignedEntry ours = doc.get(utf8("shared-" + round)).orElseThrow();
            JsonNode theirs = iroh.call("doc-get", "doc", docId, "key", "shared-" + round).path("entry");
            assertEquals(theirs.path("author").asText(), ours.author().toString());
            assertEquals(theirs.path("timestamp").asText(), Long.toUnsignedString(ours.timestamp()));
            assertEquals(theirs.path("hashHex").asText(), ours.contentHash().toHex());
        }
    }

    @Test
    void liveUpdatesAndDeletionsAppearOnTheOtherSideWithinSeconds() throws Exception {
        IrohPeer iroh = iroh("docs-iroh-live");
        Node java = java();
        Doc doc = java.docs().create();
        doc.set(utf8("seed"), utf8("0"));
        DocTicket ticket = doc.share(true);
        iroh.call("doc-import", IrohPeer.params("ticket", ticket.toString(), "subscribe", true, "count", 1,
                "timeoutMs", WAIT.toMillis()), WAIT.plusSeconds(10));
        String docId = doc.id().toString();
        try (DocSubscription events = doc.subscribe()) {
            // iroh -> java
            iroh.call("doc-set", "doc", docId, "key", "from-iroh", "hex", Hex.encode(utf8("hello java")));
            long t0 = System.nanoTime();
            DocEvent.InsertRemote in = DocEvents.await(events, DocEvent.InsertRemote.class,
                    e -> text(e.change().entry().key()).equals("from-iroh"), WAIT);
            DocEvents.await(events, DocEvent.ContentReady.class, e -> e.hash().equals(in.change().entry().contentHash()), WAIT);
            System.out.printf("iroh -> java live update with content: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
            assertEquals("hello java", text(doc.content(doc.get(utf8("from-iroh")).orElseThrow()).orElseThrow()));

            // java -> iroh
            SignedEntry mine = doc.set(utf8("from-java"), utf8("hello iroh"));
            JsonNode ready = iroh.awaitEvent("doc", e -> e.path("kind").asText().equals("content-ready")
                    && e.path("hashHex").asText().equals(mine.contentHash().toHex()), WAIT);
            assertTrue(ready.has("hash"));
            assertEquals(Hex.encode(utf8("hello iroh")), iroh.call("doc-get", "doc", docId, "key", "from-java").path("contentHex").asText());

            // deletions, both ways
            JsonNode removed = iroh.call("doc-del", "doc", docId, "prefix", "from-iroh");
            assertEquals(1, removed.path("removed").asInt());
            DocEvents.await(events, DocEvent.InsertRemote.class, e -> e.change().entry().isEmpty(), WAIT);
            assertTrue(doc.get(utf8("from-iroh")).isEmpty());
            assertEquals(1, doc.delete(utf8("from-java")));
            iroh.awaitEvent("doc", e -> e.path("kind").asText().equals("insert-remote")
                    && e.path("entry").path("len").asInt() == 0, WAIT);
            assertFalse(iroh.call("doc-get", "doc", docId, "key", "from-java").path("found").asBoolean());
        }
        waitUntil(() -> iroh.call("doc-digest", "doc", docId).path("digest").asText().equals(digest(doc)));
    }

    @Test
    void ticketsCrossBothWays() throws Exception {
        IrohPeer iroh = iroh("docs-iroh-tickets");
        Node java = java();
        // iroh's tickets: we read them and write them back byte for byte
        String docId = iroh.call("doc-create").path("doc").asText();
        for (String mode : List.of("write", "read")) {
            String t = iroh.call("doc-share", "doc", docId, "mode", mode).path("ticket").asText();
            DocTicket parsed = DocTicket.parse(t);
            assertEquals(mode.equals("write"), parsed.capability().canWrite());
            assertEquals(docId, parsed.namespace().toString());
            assertEquals(iroh.endpointId(), parsed.nodes().get(0).id());
            assertEquals(t, parsed.toString());
        }
        // ours: iroh reads them and writes them back byte for byte
        Doc doc = java.docs().create();
        for (boolean write : new boolean[] {true, false}) {
            DocTicket t = doc.share(write);
            JsonNode info = iroh.call("ticket-info", "ticket", t.toString());
            assertEquals("doc", info.path("kind").asText());
            assertEquals(write ? "write" : "read", info.path("capabilityKind").asText());
            assertEquals(write ? doc.capability().secret().orElseThrow().toHex() : doc.id().toString(),
                    info.path("capability").asText());
            assertEquals(java.id().toString(), info.path("nodes").get(0).path("id").asText());
            assertEquals(java.addr().ipAddrs().stream().map(SocketAddrs::format).toList().get(0),
                    info.path("nodes").get(0).path("addrs").get(0).asText());
            assertEquals(t.toString(), info.path("reencoded").asText());
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(Check c) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!c.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(200);
        }
    }
}
