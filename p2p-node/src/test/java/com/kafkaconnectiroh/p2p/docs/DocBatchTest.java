package com.kafkaconnectiroh.p2p.docs;

import static com.kafkaconnectiroh.p2p.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.InsertException;
import com.kafkaconnectiroh.p2p.docs.store.InsertOutcome;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.node.Node;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches: many writes and metadata in one commit, all or nothing; kept across a restart. */
class DocBatchTest {
    @TempDir
    Path dir;

    @Test
    void aBatchAndItsMetadataArePersistedTogether() throws Exception {
        String id;
        try (Node n = Node.builder().dataDir(dir).spawn()) {
            Doc doc = n.docs().create();
            id = doc.id().toString();
            Author other = n.docs().createAuthor();
            DocBatch b = doc.batch();
            for (int i = 0; i < 200; i++) {
                b.set(i % 2 == 0 ? n.docs().defaultAuthor() : other, utf8("k" + i), utf8("v" + i));
            }
            b.delete(other, utf8("k1"));   // removes k1, k10..k19 … of the other author
            b.meta("kafka-offsets", utf8("partition-0=199"));
            List<SignedEntry> written = b.commit();
            assertEquals(201, written.size());
            assertTrue(written.get(200).isEmpty());
        }
        try (Node n = Node.builder().dataDir(dir).spawn()) {
            Doc doc = n.docs().open(com.kafkaconnectiroh.p2p.docs.proto.NamespaceId.parse(id)).orElseThrow();
            assertArrayEquals(utf8("partition-0=199"), doc.meta("kafka-offsets").orElseThrow());
            // k1 and k11..k19 (odd: the other author) are gone; k10..k18 even ones stay
            List<String> keys = doc.query(Query.singleLatestPerKey()).stream().map(e -> new String(e.key(), StandardCharsets.UTF_8)).toList();
            assertEquals(200 - 1 - 5 - 50, keys.size(), keys.toString());
            assertEquals("v42", new String(doc.content(doc.get(utf8("k42")).orElseThrow()).orElseThrow(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aDeletionSaysHowManyEntriesItsPrefixRemoved() throws Exception {
        try (Node n = Node.builder().spawn()) {
            Doc doc = n.docs().create();
            Author me = n.docs().defaultAuthor();
            DocBatch b = doc.batch();
            for (int i = 0; i < 30; i++) {
                b.set(me, utf8("k" + i), utf8("v" + i));
            }
            b.delete(me, utf8("k7"));  // k7 only
            b.delete(me, utf8("k2"));  // k2, k20..k29
            b.delete(me, utf8("x"));   // nothing
            List<InsertOutcome> outs = b.commitOutcomes();
            assertEquals(33, outs.size());
            assertEquals(List.of(1, 11, 0), outs.subList(30, 33).stream().map(InsertOutcome::removed).toList());
            assertEquals(30 - 1 - 11, doc.query(Query.singleLatestPerKey()).size());
        }
    }

    @Test
    void aRefusedWriteLeavesNothingOfTheBatch() throws Exception {
        try (Node n = Node.builder().spawn()) {
            Doc doc = n.docs().create();
            Author a = n.docs().defaultAuthor();
            // an entry far in the future for "blocked": any later local write of that key is older
            doc.batch().setHash(a, utf8("other"), Hash.of(utf8("x")), 1).meta("pos", utf8("1")).commit();
            com.kafkaconnectiroh.p2p.docs.proto.NamespaceSecret secret = doc.capability().secret().orElseThrow();
            SignedEntry future = SignedEntry.sign(secret, a, utf8("blocked"),
                    new com.kafkaconnectiroh.p2p.docs.proto.Record(1, Hash.of(utf8("f")), Long.MAX_VALUE));
            doc.replica().insertValidated(future);
            DocBatch b = doc.batch().set(a, utf8("fine"), utf8("1")).set(a, utf8("blocked"), utf8("2")).meta("pos", utf8("2"));
            InsertException e = assertThrows(InsertException.class, b::commit);
            assertEquals(InsertException.Reason.NEWER_ENTRY_EXISTS, e.reason());
            assertTrue(doc.get(utf8("fine")).isEmpty(), "nothing of the batch was written");
            assertArrayEquals(utf8("1"), doc.meta("pos").orElseThrow());
        }
    }
}
