package com.kafkaconnectiroh.p2p.docs.proto;

import static com.kafkaconnectiroh.p2p.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import com.kafkaconnectiroh.p2p.crypto.Ed25519;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocsWireTest {
    static final NamespaceSecret NS = NamespaceSecret.fromBytes(filled(1));
    static final Author ALICE = Author.fromBytes(filled(2));

    static byte[] filled(int b) {
        byte[] a = new byte[32];
        Arrays.fill(a, (byte) b);
        return a;
    }

    /**
     * A live write ticket from iroh 0.35 (npm {@code @number0/iroh@0.35.0}: {@code doc.share('Write', 'Addresses')}):
     * namespace secret 5097…, node 630c… at 127.0.0.1:42444 and [::1]:46733, no relay.
     */
    @Test
    void docTicketMatchesIroh035() {
        String text = "docaaacauexentil2kvi7vdc4hoafu2eop5oafvmyge2ocrty5bdr3qkkvwafrqzsjtf7rxancupdbffecqefs4uv6olelio6llusyfbopb6chtaaacab7qaaabztfqeaiaaaaaaaaaaaaaaaaaaaaaaaabrxwqe";
        DocTicket t = DocTicket.parse(text);
        assertTrue(t.capability().canWrite());
        assertEquals("5097236685e95547ea3170ee0169a239fd700b5660c4d38519e3a11c77052ab6",
                t.capability().secret().orElseThrow().toHex());
        assertEquals(1, t.nodes().size());
        EndpointAddr node = t.nodes().get(0);
        assertEquals(EndpointId.parse("630cc9332fe370345478c25290502165ca57ce591687796ba4b050b9e1f08f30"), node.id());
        assertEquals(List.of(SocketAddrs.parse("127.0.0.1:42444"), SocketAddrs.parse("[::1]:46733")),
                List.copyOf(node.ipAddrs()));
        assertEquals(text, t.toString());
        assertEquals(t, DocTicket.parse(text.toUpperCase()));
    }

    /** The layout iroh-docs' {@code ticket.rs} test spells out: variant, Read=1, id, one node, no relay, no addrs. */
    @Test
    void readTicketLayout() {
        EndpointId node = EndpointId.parse("ae58ff8833241ac82d6ff7611046ed67b5072d142c588d0063e942d9a75502b6");
        NamespaceId ns = NamespaceId.fromBytes(node.toBytes());
        DocTicket t = new DocTicket(new Capability.Read(ns), List.of(EndpointAddr.of(node)));
        assertEquals("00" + "01" + ns + "01" + node + "00" + "00", Hex.encode(t.toBytes()));
        assertEquals(t, DocTicket.parse(t.toString()));
        assertFalse(t.capability().canWrite());
    }

    @Test
    void writeCapabilityIsTheSecretAsBytes() throws Exception {
        DocTicket t = new DocTicket(new Capability.Write(NS), List.of(EndpointAddr.of(EndpointId.fromBytes(ALICE.id().toBytes()))));
        assertEquals("0000" + "20" + Hex.encode(filled(1)), Hex.encode(Arrays.copyOf(t.toBytes(), 35)));
        assertEquals(NS.id(), DocTicket.fromBytes(t.toBytes()).namespace());
    }

    @Test
    void docTicketRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> DocTicket.parse("blobaaaa"));
        assertThrows(IllegalArgumentException.class, () -> DocTicket.parse("doc!!"));
        // no peers: iroh refuses such tickets ("addressing info cannot be empty")
        byte[] empty = Hex.decode("0001" + "11".repeat(32) + "00");
        assertThrows(PostcardException.class, () -> DocTicket.fromBytes(empty));
        byte[] badCap = Hex.decode("0007" + "11".repeat(32) + "00");
        assertThrows(PostcardException.class, () -> DocTicket.fromBytes(badCap));
    }

    @Test
    void signedEntryLayoutAndSignatures() throws Exception {
        Record rec = new Record(5, Hash.of(utf8("hello")), 1_700_000_000_000_000L);
        SignedEntry e = SignedEntry.sign(NS, ALICE, utf8("k/1"), rec);
        assertTrue(e.verify());
        byte[] signed = SignedEntry.signedBytes(e.id(), rec);
        // namespace ‖ author ‖ key ‖ len BE ‖ hash ‖ timestamp BE
        assertEquals(Hex.encode(NS.id().toBytes()) + Hex.encode(ALICE.id().toBytes()) + Hex.encode(utf8("k/1"))
                + "0000000000000005" + Hash.of(utf8("hello")).toHex() + "00060a24181e4000", Hex.encode(signed));
        assertTrue(Ed25519.verify(NS.id().toBytes(), signed, e.namespaceSignature()));
        assertTrue(Ed25519.verify(ALICE.id().toBytes(), signed, e.authorSignature()));

        byte[] wire = e.encode();
        // author signature, namespace signature (raw), then the id as bytes, then the record
        assertArrayEquals(e.authorSignature(), Arrays.copyOfRange(wire, 0, 64));
        assertArrayEquals(e.namespaceSignature(), Arrays.copyOfRange(wire, 64, 128));
        assertEquals(67, wire[128]);
        assertEquals(e, SignedEntry.decode(wire));

        // fingerprint = blake3(ns ‖ author ‖ key ‖ timestamp BE ‖ hash)
        byte[] fpIn = Hex.decode(Hex.encode(e.id().toBytes()) + "00060a24181e4000" + rec.hash().toHex());
        assertArrayEquals(Blake3.hash(fpIn), e.fingerprint());
    }

    @Test
    void tamperedEntriesFailVerification() throws Exception {
        SignedEntry e = SignedEntry.sign(NS, ALICE, utf8("k"), new Record(1, Hash.of(utf8("x")), 42));
        byte[] wire = e.encode();
        for (int pos : new int[] {0, 70, 130, wire.length - 1}) {
            byte[] bad = wire.clone();
            bad[pos] ^= 1;
            SignedEntry t = SignedEntry.decode(bad);
            assertFalse(t.verify(), "flipped byte " + pos);
        }
        // signed by another author than the id claims
        SignedEntry other = SignedEntry.sign(NS, Author.fromBytes(filled(3)), utf8("k"), e.record());
        SignedEntry forged = SignedEntry.of(e.id(), e.record(), other.authorSignature(), other.namespaceSignature());
        assertFalse(forged.verify());
    }

    @Test
    void shortIdentifiersAreRefused() {
        byte[] wire = SignedEntry.sign(NS, ALICE, new byte[0], new Record(1, Hash.of(utf8("x")), 42)).encode();
        wire[128] = 63;
        assertThrows(PostcardException.class, () -> SignedEntry.decode(wire));
    }

    @Test
    void recordOrderIsTimestampThenHash() {
        Hash a = Hash.fromBytes(filled(1));
        Hash b = Hash.fromBytes(filled(2));
        assertTrue(new Record(9, a, 2).compareTo(new Record(1, b, 1)) > 0);
        assertTrue(new Record(9, a, 2).compareTo(new Record(1, b, 2)) < 0);
        assertEquals(0, new Record(9, a, 2).compareTo(new Record(1, a, 2)));
        // timestamps are unsigned
        assertTrue(new Record(1, a, -1L).compareTo(new Record(1, a, Long.MAX_VALUE)) > 0);
        assertTrue(Record.empty(5).isConsistent());
        assertFalse(new Record(0, a, 5).isConsistent());
        assertFalse(new Record(3, Hash.EMPTY, 5).isConsistent());
    }

    @Test
    void validationRules() {
        long now = 1_800_000_000_000_000L;
        SignedEntry ok = SignedEntry.sign(NS, ALICE, utf8("k"), new Record(1, Hash.of(utf8("x")), now));
        assertNull(ValidationFailure.check(ok, NS.id(), now));
        assertEquals(ValidationFailure.INVALID_NAMESPACE, ValidationFailure.check(ok, NamespaceSecret.fromBytes(filled(9)).id(), now));
        long limit = now + ValidationFailure.MAX_FUTURE_SHIFT_MICROS;
        SignedEntry edge = SignedEntry.sign(NS, ALICE, utf8("k"), new Record(1, Hash.of(utf8("x")), limit));
        assertNull(ValidationFailure.check(edge, NS.id(), now));
        SignedEntry future = SignedEntry.sign(NS, ALICE, utf8("k"), new Record(1, Hash.of(utf8("x")), limit + 1));
        assertEquals(ValidationFailure.TOO_FAR_IN_THE_FUTURE, ValidationFailure.check(future, NS.id(), now));
        SignedEntry inconsistent = SignedEntry.sign(NS, ALICE, utf8("k"), new Record(0, Hash.of(utf8("x")), now));
        assertEquals(ValidationFailure.INVALID_EMPTY_ENTRY, ValidationFailure.check(inconsistent, NS.id(), now));
        SignedEntry forged = SignedEntry.of(ok.id(), new Record(2, ok.contentHash(), now), ok.authorSignature(), ok.namespaceSignature());
        assertEquals(ValidationFailure.BAD_SIGNATURE, ValidationFailure.check(forged, NS.id(), now));
    }

    @Test
    void authorHeadsEncodeNewestFirstWithinALimit() throws Exception {
        AuthorHeads h = new AuthorHeads();
        for (int i = 0; i < 10; i++) {
            h.insert(Author.fromBytes(filled(10 + i)).id(), 1000 + i);
        }
        h.insert(Author.fromBytes(filled(10)).id(), 5);   // older: ignored
        byte[] all = h.encode(-1);
        assertEquals(h, AuthorHeads.decode(all));
        assertEquals(1 + 10 * (2 + 32), all.length);
        // 256 bytes hold 7 items of 34 bytes (+ 1 for the count); the newest are kept
        AuthorHeads cut = AuthorHeads.decode(h.encode(256));
        assertEquals(7, cut.size());
        assertEquals(1009, cut.get(Author.fromBytes(filled(19)).id()).getAsLong());
        assertTrue(cut.get(Author.fromBytes(filled(10)).id()).isEmpty());
        assertEquals(0, cut.newsFor(h));
        assertEquals(3, h.newsFor(cut));
        AuthorHeads newer = new AuthorHeads();
        newer.insert(Author.fromBytes(filled(19)).id(), 2000);
        assertEquals(1, newer.newsFor(h));
    }

    @Test
    void gossipOpsRoundTrip() throws Exception {
        SignedEntry e = SignedEntry.sign(NS, ALICE, utf8("k"), new Record(1, Hash.of(utf8("x")), 42));
        Op put = Op.decode(new Op.Put(e).encode());
        assertEquals(e, ((Op.Put) put).entry());
        assertEquals(0, new Op.Put(e).encode()[0]);
        byte[] ready = new Op.ContentReady(Hash.of(utf8("x"))).encode();
        assertEquals("01" + Hash.of(utf8("x")).toHex(), Hex.encode(ready));
        AuthorHeads h = new AuthorHeads();
        h.insert(ALICE.id(), 7);
        byte[] report = new Op.SyncReport(NS.id(), h.encode(-1)).encode();
        assertEquals("02" + NS.id() + "22" + "01" + "07" + ALICE.id(), Hex.encode(report));
        Op.SyncReport back = (Op.SyncReport) Op.decode(report);
        assertEquals(h, AuthorHeads.decode(back.heads()));
        assertThrows(PostcardException.class, () -> Op.decode(Hex.decode("03")));
        assertThrows(PostcardException.class, () -> Op.decode(Hex.decode("01" + "00".repeat(31))));
    }

    @Test
    void syncFramesRoundTrip() throws Exception {
        SignedEntry e = SignedEntry.sign(NS, ALICE, utf8("k"), new Record(1, Hash.of(utf8("x")), 42));
        Range all = new Range(RecordIdentifier.ZERO, RecordIdentifier.ZERO);
        SyncMessage m = new SyncMessage(List.of(new MessagePart.RangeFingerprint(all, Fingerprint.EMPTY),
                new MessagePart.RangeItem(new Range(e.id(), RecordIdentifier.ZERO),
                        List.of(new MessagePart.SyncValue(e, ContentStatus.MISSING)), true)));
        SyncFrame.Init init = (SyncFrame.Init) SyncFrame.decode(new SyncFrame.Init(NS.id(), m).encode());
        assertEquals(NS.id(), init.namespace());
        assertEquals(m, init.message());
        assertEquals(m, ((SyncFrame.Sync) SyncFrame.decode(new SyncFrame.Sync(m).encode())).message());
        assertEquals("0201", Hex.encode(new SyncFrame.Abort(AbortReason.ALREADY_SYNCING).encode()));
        assertInstanceOf(SyncFrame.Abort.class, SyncFrame.decode(Hex.decode("0202")));
        // the empty-store init: one fingerprint part over (zero id, zero id)
        byte[] emptyInit = new SyncFrame.Init(NS.id(), new SyncMessage(List.of(new MessagePart.RangeFingerprint(all,
                Fingerprint.EMPTY)))).encode();
        assertEquals("00" + NS.id() + "01" + "00" + "40" + "00".repeat(64) + "40" + "00".repeat(64)
                + Hex.encode(Blake3.hash(new byte[0])), Hex.encode(emptyInit));
        assertThrows(PostcardException.class, () -> SyncFrame.decode(Hex.decode("0203")));
        assertThrows(PostcardException.class, () -> SyncFrame.decode(Hex.decode("03")));
        assertThrows(PostcardException.class, () -> SyncFrame.decode(Hex.decode("01ffffffff0f")));
    }
}
