package com.kafkaconnectiroh.p2p.docs;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static com.kafkaconnectiroh.p2p.Fixtures.loopbackNode;
import static com.kafkaconnectiroh.p2p.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.proto.AbortReason;
import com.kafkaconnectiroh.p2p.docs.proto.Author;
import com.kafkaconnectiroh.p2p.docs.proto.ContentStatus;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.Fingerprint;
import com.kafkaconnectiroh.p2p.docs.proto.MessagePart;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceSecret;
import com.kafkaconnectiroh.p2p.docs.proto.Op;
import com.kafkaconnectiroh.p2p.docs.proto.Range;
import com.kafkaconnectiroh.p2p.docs.proto.Record;
import com.kafkaconnectiroh.p2p.docs.proto.RecordIdentifier;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.proto.SyncFrame;
import com.kafkaconnectiroh.p2p.docs.proto.SyncMessage;
import com.kafkaconnectiroh.p2p.docs.proto.ValidationFailure;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.gossip.Gossip;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that breaks the rules, over real connections: entries with bad signatures, entries written without the
 * namespace secret (all a read capability allows), timestamps too far ahead, foreign and inconsistent entries, by
 * sync and by gossip; random and malformed frames. Nothing invalid is stored, sessions fail cleanly, and the node
 * syncs normally afterwards.
 */
@Timeout(240)
class DocsHostilePeerTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static long nowMicros() {
        Instant n = Instant.now();
        return n.getEpochSecond() * 1_000_000L + n.getNano() / 1000;
    }

    static Record content(String v, long ts) {
        return new Record(v.length(), Hash.of(utf8(v)), ts);
    }

    /** The bad entries a hostile writer can make for {@code ns}, and one good one (the last). */
    static List<SignedEntry> entries(NamespaceSecret ns) {
        Author author = Author.generate();
        long now = nowMicros();
        List<SignedEntry> out = new ArrayList<>();
        SignedEntry good = SignedEntry.sign(ns, author, utf8("bad-sig"), content("x", now));
        // a signature that does not match the record
        out.add(SignedEntry.of(good.id(), content("y", now), good.authorSignature(), good.namespaceSignature()));
        // written without the namespace secret: signed with another namespace key (what a read ticket allows)
        SignedEntry other = SignedEntry.sign(NamespaceSecret.generate(), author, utf8("no-secret"), content("z", now));
        out.add(SignedEntry.of(RecordIdentifier.of(ns.id(), author.id(), utf8("no-secret")), other.record(),
                other.authorSignature(), other.namespaceSignature()));
        // properly signed, but an hour ahead of our clock
        out.add(SignedEntry.sign(ns, author, utf8("future"), content("f", now + TimeUnit.HOURS.toMicros(1))));
        // another document's entry
        out.add(SignedEntry.sign(NamespaceSecret.generate(), author, utf8("foreign"), content("g", now)));
        // length 0 with a real hash
        out.add(SignedEntry.sign(ns, author, utf8("inconsistent"), new Record(0, Hash.of(utf8("h")), now)));
        out.add(SignedEntry.sign(ns, author, utf8("good"), content("ok", now)));
        return out;
    }

    static Endpoint rawEndpoint() throws IOException {
        return Endpoint.builder().bindAddr(LOOPBACK).transportConfig(new TransportConfig()).bind();
    }

    /** Sends frames (length-prefixed bodies) on a fresh /iroh-sync/1 stream, finishes, reads what comes back. */
    static byte[] exchange(Endpoint ep, Node target, List<byte[]> bodies, boolean prefix) throws IOException {
        Connection c = ep.connect(target.addr(), Docs.ALPN, WAIT);
        try {
            BiStream s = c.openBi();
            for (byte[] b : bodies) {
                ByteBuffer buf = ByteBuffer.allocate((prefix ? 4 : 0) + b.length);
                if (prefix) {
                    buf.putInt(b.length);
                }
                buf.put(b).flip();
                s.send().writeAll(buf);
            }
            s.send().finish();
            try {
                return s.recv().readToEnd(1 << 24, WAIT);
            } catch (IOException e) {
                return new byte[0]; // reset or closed: a clean refusal
            }
        } finally {
            c.close(0, "");
        }
    }

    @Test
    void invalidEntriesBySyncAreRefusedAndNotStored() throws Exception {
        try (Node node = loopbackNode(); Endpoint ep = rawEndpoint()) {
            Doc doc = node.docs().create();
            doc.set(utf8("mine"), utf8("v"));
            doc.share(false);
            NamespaceSecret ns = doc.capability().secret().orElseThrow();
            List<SignedEntry> sent = entries(ns);
            List<MessagePart.SyncValue> values = sent.stream().map(e -> new MessagePart.SyncValue(e, ContentStatus.MISSING)).toList();
            Range all = new Range(RecordIdentifier.ZERO, RecordIdentifier.ZERO);
            SyncMessage m = new SyncMessage(List.of(new MessagePart.RangeItem(all, values, true)));
            try (DocSubscription events = doc.subscribe()) {
                exchange(ep, node, List.of(new SyncFrame.Init(doc.id(), m).encode()), true);
                DocEvent.SyncFinished f = DocEvents.await(events, DocEvent.SyncFinished.class, WAIT);
                assertTrue(f.ok(), String.valueOf(f.error()));
                assertEquals(6, f.outcome().received());
                assertEquals(5, f.outcome().rejected());
                assertEquals(1, f.outcome().inserted());
            }
            assertEquals(List.of("good", "mine"), doc.query(Query.all().withIncludeEmpty(true).withSortBy(Query.SortBy.KEY_AUTHOR))
                    .stream().map(e -> new String(e.key(), StandardCharsets.UTF_8)).toList());
            // each was refused for the reason its construction intends
            List<ValidationFailure> why = sent.stream().map(e -> ValidationFailure.check(e, doc.id(), nowMicros())).toList();
            assertEquals(java.util.Arrays.asList(ValidationFailure.BAD_SIGNATURE, ValidationFailure.BAD_SIGNATURE,
                    ValidationFailure.TOO_FAR_IN_THE_FUTURE, ValidationFailure.INVALID_NAMESPACE,
                    ValidationFailure.INVALID_EMPTY_ENTRY, null), why);
        }
    }

    @Test
    void invalidEntriesByGossipAreNotStored() throws Exception {
        try (Node node = loopbackNode();
                Endpoint ep = Endpoint.builder().bindAddr(LOOPBACK)
                        .transportConfig(new TransportConfig().keepAliveInterval(Duration.ofSeconds(1))).bind()) {
            Gossip gossip = Gossip.builder().spawn(ep);
            Router router = gossip.registerWith(Router.builder(ep)).spawn();
            try (router) {
                Doc doc = node.docs().create();
                doc.share(false);
                NamespaceSecret ns = doc.capability().secret().orElseThrow();
                try (DocSubscription events = doc.subscribe()) {
                    GossipTopic t = gossip.subscribe(TopicId.of(doc.id().toBytes()), List.of(node.addr()));
                    t.joined().get(30, TimeUnit.SECONDS);
                    for (SignedEntry e : entries(ns)) {
                        t.broadcast(new Op.Put(e).encode()).get(10, TimeUnit.SECONDS);
                    }
                    t.broadcast(new byte[] {0, 1, 2, 3}).get(10, TimeUnit.SECONDS);   // not an op at all
                    DocEvent.InsertRemote in = DocEvents.await(events, DocEvent.InsertRemote.class, WAIT);
                    assertEquals("good", new String(in.change().entry().key(), StandardCharsets.UTF_8));
                    // a later valid entry still arrives: the bad ones did not break the topic
                    t.broadcast(new Op.Put(SignedEntry.sign(ns, Author.generate(), utf8("later"), content("l", nowMicros()))).encode());
                    DocEvent.InsertRemote later = DocEvents.await(events, DocEvent.InsertRemote.class, WAIT);
                    assertEquals("later", new String(later.change().entry().key(), StandardCharsets.UTF_8));
                }
                assertEquals(2, doc.entryCount(), "only the valid entries are stored");
            }
        }
    }

    @Test
    void fuzzedAndMalformedFramesFailCleanlyAndTheNodeStillSyncs() throws Exception {
        try (Node node = loopbackNode(); Endpoint ep = rawEndpoint();
                Node honest = loopbackNode()) {
            Doc doc = node.docs().create();
            for (int i = 0; i < 20; i++) {
                doc.set(utf8("k" + i), utf8("v" + i));
            }
            DocTicket ticket = doc.share(false);
            byte[] valid = new SyncFrame.Init(doc.id(), new SyncMessage(List.of(new MessagePart.RangeFingerprint(
                    new Range(RecordIdentifier.ZERO, RecordIdentifier.ZERO), Fingerprint.EMPTY)))).encode();
            Random rnd = new Random(1234);
            List<List<byte[]>> cases = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                byte[] b = valid.clone();
                for (int flips = 1 + rnd.nextInt(4); flips > 0; flips--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                cases.add(List.of(b));
            }
            for (int i = 0; i < 20; i++) {
                byte[] b = new byte[rnd.nextInt(300)];
                rnd.nextBytes(b);
                cases.add(List.of(b));
            }
            cases.add(List.of(java.util.Arrays.copyOf(valid, valid.length / 2)));              // truncated message
            cases.add(List.of(new SyncFrame.Sync(new SyncMessage(List.of())).encode()));         // Sync before Init
            cases.add(List.of(new SyncFrame.Abort(AbortReason.NOT_FOUND).encode()));            // Abort from the dialer
            cases.add(List.of(valid, valid));                                                    // a second Init
            for (List<byte[]> c : cases) {
                exchange(ep, node, c, true);
            }
            // A length prefix far beyond the limit, and a frame cut off inside its header.
            exchange(ep, node, List.of(new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3}), false);
            exchange(ep, node, List.of(new byte[] {0, 0}), false);
            assertEquals(20, doc.entryCount());

            // and an honest peer syncs as ever
            Doc joined = honest.docs().importTicket(ticket);
            assertEquals(20, joined.syncWith(ticket.nodes().get(0)).inserted());
            assertEquals(doc.query(Query.all()), joined.query(Query.all()));
        }
    }
}
