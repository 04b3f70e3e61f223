package com.kafkaconnectiroh.p2p.docs.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.docs.store.Replica;
import com.kafkaconnectiroh.p2p.docs.store.ReplicaStore;
import com.kafkaconnectiroh.p2p.docs.store.SyncView;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Two replicas reconciled through the sans-IO {@link Reconciler}, messages handed over in memory. */
class ReconcilerTest {
    static final long NOW = 1_800_000_000_000_000L;
    static final NamespaceSecret NS = NamespaceSecret.fromBytes(DocsWireTest.filled(7));
    static final Author[] AUTHORS = {Author.fromBytes(DocsWireTest.filled(11)), Author.fromBytes(DocsWireTest.filled(12)),
        Author.fromBytes(DocsWireTest.filled(13))};

    /** A replica in a memory store. */
    static final class Side implements AutoCloseable {
        final ReplicaStore store = ReplicaStore.memory();
        final Replica replica;

        Side() throws Exception {
            replica = store.importReplica(new Capability.Write(NS));
        }

        SyncView view() {
            return new SyncView(replica, e -> ContentStatus.MISSING, (o, s) -> { });
        }

        void put(Author a, String key, String value, long ts) {
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            Record r = v.length == 0 ? Record.empty(ts) : new Record(v.length, Hash.of(v), ts);
            replica.insertValidated(SignedEntry.sign(NS, a, key.getBytes(StandardCharsets.UTF_8), r));
        }

        List<SignedEntry> all() {
            return replica.query(Query.all().withIncludeEmpty(true));
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /** Runs one session; returns {alice's outcome, bob's outcome, messages exchanged}. */
    static Object[] sync(Side alice, Side bob) {
        Reconciler a = new Reconciler(alice.view());
        Reconciler b = new Reconciler(bob.view());
        SyncMessage m = a.initialMessage();
        int messages = 1;
        boolean bobsTurn = true;
        while (m != null) {
            m = (bobsTurn ? b : a).process(m, NOW);
            bobsTurn = !bobsTurn;
            if (m != null) {
                messages++;
            }
            assertTrue(messages < 200, "session does not end");
        }
        return new Object[] {a.outcome(), b.outcome(), messages};
    }

    @Test
    void anEmptyReplicaGetsEverythingInOneRoundTrip() throws Exception {
        for (boolean emptyDials : new boolean[] {true, false}) {
            try (Side full = new Side(); Side empty = new Side()) {
                for (int i = 0; i < 500; i++) {
                    full.put(AUTHORS[i % 3], "key-" + i, "value-" + i, NOW - 1000 + i);
                }
                Object[] r = emptyDials ? sync(empty, full) : sync(full, empty);
                assertEquals(full.all(), empty.all());
                assertTrue((int) r[2] <= 3, "messages: " + r[2]);
                SyncOutcome got = (SyncOutcome) (emptyDials ? r[0] : r[1]);
                assertEquals(500, got.received());
                assertEquals(500, got.inserted());
                assertEquals(3, got.headsReceived().size());
            }
        }
    }

    @Test
    void randomOverlappingSetsConverge() throws Exception {
        for (int seed = 0; seed < 30; seed++) {
            Random rnd = new Random(seed);
            try (Side alice = new Side(); Side bob = new Side()) {
                int n = 1 + rnd.nextInt(seed < 10 ? 10 : 400);
                for (int i = 0; i < n; i++) {
                    String key = "k" + rnd.nextInt(n * 2);
                    Author author = AUTHORS[rnd.nextInt(3)];
                    long ts = NOW - rnd.nextInt(1_000_000);
                    String value = "v" + rnd.nextInt();
                    switch (rnd.nextInt(4)) {
                        case 0 -> alice.put(author, key, value, ts);
                        case 1 -> bob.put(author, key, value, ts);
                        default -> {
                            alice.put(author, key, value, ts);
                            bob.put(author, key, value, ts);
                        }
                    }
                    if (rnd.nextInt(20) == 0) {
                        (rnd.nextBoolean() ? alice : bob).put(author, "k" + rnd.nextInt(3), "", ts);
                    }
                }
                sync(alice, bob);
                assertEquals(alice.all(), bob.all(), "seed " + seed);
                assertEquals(alice.replica.heads(), bob.replica.heads(), "seed " + seed);
                Object[] again = sync(bob, alice);
                assertEquals(1, (int) again[2], "a second session ends with the first fingerprint");
            }
        }
    }

    @Test
    void concurrentWritesToOneKeyConvergeOnTheNewest() throws Exception {
        try (Side alice = new Side(); Side bob = new Side()) {
            alice.put(AUTHORS[0], "shared", "from alice", NOW - 10);
            bob.put(AUTHORS[0], "shared", "from bob", NOW - 5);
            alice.put(AUTHORS[1], "shared", "other author", NOW - 1);
            sync(alice, bob);
            assertEquals(alice.all(), bob.all());
            assertEquals(Hash.of("other author".getBytes(StandardCharsets.UTF_8)),
                    alice.replica.getLatest("shared".getBytes(StandardCharsets.UTF_8)).orElseThrow().contentHash());
            assertEquals(Hash.of("from bob".getBytes(StandardCharsets.UTF_8)),
                    alice.replica.getExact(AUTHORS[0].id(), "shared".getBytes(StandardCharsets.UTF_8), false).orElseThrow().contentHash());
        }
    }

    @Test
    void largeSetsWithFewDifferencesNeedLogarithmicRounds() throws Exception {
        try (Side alice = new Side(); Side bob = new Side()) {
            for (int i = 0; i < 4000; i++) {
                alice.put(AUTHORS[0], String.format("key-%05d", i), "v" + i, NOW - 10_000 + i);
                bob.put(AUTHORS[0], String.format("key-%05d", i), "v" + i, NOW - 10_000 + i);
            }
            alice.put(AUTHORS[1], "only-alice", "a", NOW);
            bob.put(AUTHORS[2], "only-bob", "b", NOW);
            Object[] r = sync(alice, bob);
            assertEquals(alice.all(), bob.all());
            assertTrue((int) r[2] <= 2 * 14, "messages: " + r[2]);
            assertEquals(1, ((SyncOutcome) r[0]).inserted());
            assertEquals(1, ((SyncOutcome) r[1]).inserted());
            assertTrue(((SyncOutcome) r[0]).received() <= 4, "only entries next to the difference travel");
        }
    }

    @Test
    void forgedEntriesAreRefusedAndNotStored() throws Exception {
        try (Side alice = new Side(); Side bob = new Side()) {
            bob.put(AUTHORS[0], "good", "g", NOW - 5);
            SignedEntry good = SignedEntry.sign(NS, AUTHORS[1], "forged".getBytes(StandardCharsets.UTF_8),
                    new Record(1, Hash.of(new byte[] {1}), NOW - 5));
            SignedEntry forged = SignedEntry.of(good.id(), new Record(1, Hash.of(new byte[] {2}), NOW - 5),
                    good.authorSignature(), good.namespaceSignature());
            SignedEntry future = SignedEntry.sign(NS, AUTHORS[1], "future".getBytes(StandardCharsets.UTF_8),
                    new Record(1, Hash.of(new byte[] {3}), NOW + ValidationFailure.MAX_FUTURE_SHIFT_MICROS + 1));
            SignedEntry otherDoc = SignedEntry.sign(NamespaceSecret.generate(), AUTHORS[1], "x".getBytes(StandardCharsets.UTF_8),
                    new Record(1, Hash.of(new byte[] {4}), NOW));
            Range all = new Range(RecordIdentifier.ZERO, RecordIdentifier.ZERO);
            List<MessagePart.SyncValue> values = new ArrayList<>();
            for (SignedEntry e : List.of(forged, future, otherDoc, bob.all().get(0))) {
                values.add(new MessagePart.SyncValue(e, ContentStatus.COMPLETE));
            }
            Reconciler a = new Reconciler(alice.view());
            SyncMessage reply = a.process(new SyncMessage(List.of(new MessagePart.RangeItem(all, values, true))), NOW);
            SyncOutcome o = a.outcome();
            assertEquals(4, o.received());
            assertEquals(3, o.rejected());
            assertEquals(1, o.inserted());
            assertEquals(List.of(bob.all().get(0)), alice.all(), "only the valid entry is stored");
            assertEquals(null, reply);
            assertNotNull(o.headsReceived().get(AUTHORS[0].id()));
        }
    }
}
