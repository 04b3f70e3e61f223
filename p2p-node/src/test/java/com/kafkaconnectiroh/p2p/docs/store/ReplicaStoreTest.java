package com.kafkaconnectiroh.p2p.docs.store;

import static com.kafkaconnectiroh.p2p.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.Capability;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceSecret;
import com.kafkaconnectiroh.p2p.docs.proto.Record;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaStoreTest {
    static final NamespaceSecret NS = NamespaceSecret.generate();
    static final Author ALICE = Author.generate();
    static final Author BOB = Author.generate();

    @TempDir
    Path dir;

    static SignedEntry entry(Author a, String key, String value, long ts) {
        byte[] v = utf8(value);
        return SignedEntry.sign(NS, a, utf8(key), v.length == 0 ? Record.empty(ts) : new Record(v.length, Hash.of(v), ts));
    }

    static List<String> keys(List<SignedEntry> entries) {
        return entries.stream().map(e -> new String(e.key(), StandardCharsets.UTF_8)).collect(Collectors.toList());
    }

    @Test
    void lastWriterWinsPerAuthorAndKey() throws Exception {
        try (ReplicaStore s = ReplicaStore.memory()) {
            Replica r = s.importReplica(new Capability.Write(NS));
            assertTrue(r.insertValidated(entry(ALICE, "k", "v1", 10)).inserted());
            assertFalse(r.insertValidated(entry(ALICE, "k", "v0", 9)).inserted(), "older loses");
            assertFalse(r.insertValidated(entry(ALICE, "k", "v1", 10)).inserted(), "same record: already held");
            InsertOutcome newer = r.insertValidated(entry(ALICE, "k", "v2", 11));
            assertTrue(newer.inserted());
            assertEquals(1, newer.removed());
            assertTrue(r.insertValidated(entry(BOB, "k", "b", 5)).inserted(), "other authors keep their own entry");
            assertEquals(2, r.entryCount());
            assertEquals(Hash.of(utf8("v2")), r.getLatest(utf8("k")).orElseThrow().contentHash());
            assertEquals(Hash.of(utf8("b")), r.getExact(BOB.id(), utf8("k"), false).orElseThrow().contentHash());
        }
    }

    @Test
    void prefixDeletionIsPerAuthorAndBlocksOlderWrites() throws Exception {
        try (ReplicaStore s = ReplicaStore.memory()) {
            Replica r = s.importReplica(new Capability.Write(NS));
            r.insertValidated(entry(ALICE, "dir/a", "1", 10));
            r.insertValidated(entry(ALICE, "dir/b", "2", 20));
            r.insertValidated(entry(ALICE, "dirt", "3", 10));
            r.insertValidated(entry(BOB, "dir/c", "4", 10));
            InsertOutcome del = r.insertValidated(entry(ALICE, "dir/", "", 15));
            assertTrue(del.inserted());
            assertEquals(1, del.removed(), "dir/a (older) goes, dir/b (newer) stays");
            assertEquals(List.of("dir/b", "dir/c", "dirt"), keys(r.query(Query.singleLatestPerKey())));
            assertFalse(r.insertValidated(entry(ALICE, "dir/x", "5", 12)).inserted(), "older than the deletion marker");
            assertTrue(r.insertValidated(entry(ALICE, "dir/x", "5", 16)).inserted());
            assertTrue(r.getExact(ALICE.id(), utf8("dir/"), false).isEmpty(), "markers are hidden");
            assertTrue(r.getExact(ALICE.id(), utf8("dir/"), true).orElseThrow().isEmpty());
        }
    }

    /** As iroh (Willow's rule): any entry, not only a deletion, supersedes the same author's older entries below it. */
    @Test
    void aWriteSupersedesOlderEntriesUnderItsKey() throws Exception {
        try (ReplicaStore s = ReplicaStore.memory()) {
            Replica r = s.importReplica(new Capability.Write(NS));
            r.insertValidated(entry(ALICE, "a/b", "1", 10));
            r.insertValidated(entry(ALICE, "a/c", "2", 30));
            assertEquals(1, r.insertValidated(entry(ALICE, "a", "3", 20)).removed());
            assertEquals(List.of("a", "a/c"), keys(r.query(Query.all())));
        }
    }

    @Test
    void localWritesSignTimestampAndRefuseWhatIrohRefuses() throws Exception {
        try (ReplicaStore s = ReplicaStore.memory()) {
            Replica r = s.importReplica(new Capability.Write(NS));
            InsertOutcome a = r.insertLocal(ALICE, utf8("x"), Hash.of(utf8("1")), 1);
            InsertOutcome b = r.insertLocal(ALICE, utf8("x"), Hash.of(utf8("2")), 1);
            assertTrue(a.entry().verify());
            assertTrue(Long.compareUnsigned(b.entry().timestamp(), a.entry().timestamp()) > 0, "local timestamps always grow");
            assertEquals(InsertException.Reason.ENTRY_IS_EMPTY,
                    assertThrows(InsertException.class, () -> r.insertLocal(ALICE, utf8("y"), Hash.EMPTY, 0)).reason());
            r.insertValidated(entry(ALICE, "z", "far", Long.MAX_VALUE));
            assertEquals(InsertException.Reason.NEWER_ENTRY_EXISTS,
                    assertThrows(InsertException.class, () -> r.insertLocal(ALICE, utf8("z"), Hash.of(utf8("1")), 1)).reason());
            assertEquals(1, r.deletePrefix(ALICE, utf8("x")).removed());

            Replica ro = s.importReplica(new Capability.Read(NamespaceSecret.generate().id()));
            assertEquals(InsertException.Reason.READ_ONLY,
                    assertThrows(InsertException.class, () -> ro.insertLocal(ALICE, utf8("x"), Hash.of(utf8("1")), 1)).reason());
            assertEquals(0, ro.entryCount());
        }
    }

    @Test
    void queriesFilterSortAndPage() throws Exception {
        try (ReplicaStore s = ReplicaStore.memory()) {
            Replica r = s.importReplica(new Capability.Write(NS));
            r.insertValidated(entry(ALICE, "a", "1", 10));
            r.insertValidated(entry(BOB, "a", "2", 20));
            r.insertValidated(entry(ALICE, "b", "3", 30));
            r.insertValidated(entry(BOB, "b", "4", 5));
            r.insertValidated(entry(ALICE, "c\0x", "5", 45));
            r.insertValidated(entry(BOB, "c", "", 50));
            r.insertValidated(entry(ALICE, "c", "6", 40));
            List<SignedEntry> latest = r.query(Query.singleLatestPerKey());
            assertEquals(List.of("a", "b", "c\0x"), keys(latest), "c's latest is Bob's deletion marker");
            assertEquals(BOB.id(), latest.get(0).author());
            assertEquals(List.of("a", "b", "c", "c\0x"), keys(r.query(Query.singleLatestPerKey().withIncludeEmpty(true))));
            assertEquals(List.of("a", "b", "c", "c\0x"), keys(r.query(Query.author(ALICE.id()))));
            assertEquals(List.of("c", "c\0x"), keys(r.query(Query.author(ALICE.id()).withKeyPrefix(utf8("c")))));
            assertEquals(List.of("a", "a"), keys(r.query(Query.keyExact(utf8("a")))));
            assertEquals(List.of("a", "a", "b", "b", "c", "c\0x"),
                    keys(r.query(Query.all().withSortBy(Query.SortBy.KEY_AUTHOR))));
            assertEquals(List.of("b", "b"), keys(r.query(Query.all().withSortBy(Query.SortBy.KEY_AUTHOR).withOffset(2).withLimit(2))));
            assertEquals(List.of("c", "c\0x"), keys(r.query(Query.singleLatestPerKey().withKeyPrefix(utf8("c")).withIncludeEmpty(true))));
            assertEquals(7, r.query(Query.all().withIncludeEmpty(true)).size());
            assertEquals(50, r.heads().get(BOB.id()).getAsLong());
            assertEquals(45, r.heads().get(ALICE.id()).getAsLong());
        }
    }

    @Test
    void changeFeedResumesAfterASequenceNumber() throws Exception {
        try (ReplicaStore s = ReplicaStore.memory()) {
            Replica r = s.importReplica(new Capability.Write(NS));
            r.insertValidated(entry(ALICE, "a", "1", 10));   // seq 1
            r.insertValidated(entry(ALICE, "b", "2", 10));   // seq 2
            r.insertValidated(entry(ALICE, "a", "3", 20));   // seq 3 replaces seq 1
            assertEquals(3, r.lastSeq());
            List<Change> all = r.changes(0, 100);
            assertEquals(List.of(2L, 3L), all.stream().map(Change::seq).collect(Collectors.toList()));
            assertEquals(List.of(3L), r.changes(2, 100).stream().map(Change::seq).collect(Collectors.toList()));
            assertEquals(1, r.changes(0, 1).size());
            assertTrue(r.changes(3, 100).isEmpty());
        }
    }

    @Test
    void entriesAfterHeadsResumeByAuthorAndTimestamp() throws Exception {
        try (ReplicaStore s = ReplicaStore.memory()) {
            Replica r = s.importReplica(new Capability.Write(NS));
            r.insertValidated(entry(ALICE, "a1", "1", 10));
            r.insertValidated(entry(ALICE, "a2", "2", 30));
            r.insertValidated(entry(ALICE, "a3", "3", 20));
            r.insertValidated(entry(BOB, "b1", "4", 5));
            com.kafkaconnectiroh.p2p.docs.proto.AuthorHeads none = new com.kafkaconnectiroh.p2p.docs.proto.AuthorHeads();
            List<SignedEntry> all = r.entriesAfter(none, 100);
            assertEquals(4, all.size());
            // per author by timestamp
            List<SignedEntry> alice = all.stream().filter(e -> e.author().equals(ALICE.id())).toList();
            assertEquals(List.of("a1", "a3", "a2"), keys(alice));
            com.kafkaconnectiroh.p2p.docs.proto.AuthorHeads heads = new com.kafkaconnectiroh.p2p.docs.proto.AuthorHeads();
            heads.insert(ALICE.id(), 20);
            heads.insert(BOB.id(), 5);
            assertEquals(List.of("a2"), keys(r.entriesAfter(heads, 100)));
            // a limit keeps the first in order
            assertEquals(all.subList(0, 2), r.entriesAfter(none, 2));
        }
    }

    @Test
    void everythingSurvivesReopening() throws Exception {
        Path file = dir.resolve("docs.db");
        Author def;
        try (ReplicaStore s = ReplicaStore.open(file)) {
            def = s.defaultAuthor();
            Replica r = s.importReplica(new Capability.Write(NS));
            r.insertLocal(def, utf8("k"), Hash.of(utf8("v")), 1);
            r.insertValidated(entry(BOB, "k", "w", 5));
            s.commit();
            r.setDownloadPolicy(DownloadPolicy.nothingExcept(List.of(KeyFilter.prefix("img/"))));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (ReplicaStore s = ReplicaStore.open(file)) {
            assertEquals(def, s.defaultAuthor());
            Replica r = s.replica(NS.id()).orElseThrow();
            assertEquals(2, r.entryCount());
            assertEquals(2, r.lastSeq());
            assertTrue(r.capability().canWrite());
            assertEquals(DownloadPolicy.nothingExcept(List.of(KeyFilter.prefix("img/"))), r.info().downloadPolicy());
            assertEquals(3, r.insertValidated(entry(BOB, "j", "w", 5)).seq(), "sequence numbers continue");
        }
    }

    /** Regression: closing with MVStore's chunk-moving compaction tripped its own assertions after a few reopens. */
    @Test
    void manyShortSessionsOnOneFileStayHealthy() throws Exception {
        Path file = dir.resolve("docs.db");
        for (int i = 0; i < 60; i++) {
            try (ReplicaStore s = ReplicaStore.open(file)) {
                Replica r = s.importReplica(new Capability.Write(NS));
                r.insertLocal(s.defaultAuthor(), utf8("k" + i), Hash.of(utf8("v" + i)), 2);
            }
        }
        try (ReplicaStore s = ReplicaStore.open(file)) {
            assertEquals(60, s.replica(NS.id()).orElseThrow().entryCount());
        }
    }

    @Test
    void aSecondProcessGetsAClearError() throws Exception {
        Path file = dir.resolve("docs.db");
        try (ReplicaStore s = ReplicaStore.open(file)) {
            IOException e = assertThrows(IOException.class, () -> ReplicaStore.open(file));
            assertTrue(e.getMessage().contains("in use by another process"), e.getMessage());
        }
    }

    @Test
    void capabilitiesMergeUpward() throws Exception {
        try (ReplicaStore s = ReplicaStore.memory()) {
            s.importReplica(new Capability.Read(NS.id()));
            assertFalse(s.replica(NS.id()).orElseThrow().capability().canWrite());
            s.importReplica(new Capability.Write(NS));
            assertTrue(s.replica(NS.id()).orElseThrow().capability().canWrite());
            s.importReplica(new Capability.Read(NS.id()));
            assertTrue(s.replica(NS.id()).orElseThrow().capability().canWrite(), "never downgraded");
            assertTrue(s.removeReplica(NS.id()));
            assertTrue(s.replica(NS.id()).isEmpty());
        }
    }
}
