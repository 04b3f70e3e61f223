package com.kafkaconnectiroh.p2p.discovery.tracker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Announce;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Kind;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Query;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.Request;
import com.kafkaconnectiroh.p2p.discovery.tracker.TrackerMessages.SignedAnnounce;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The postcard layout of iroh-content-discovery's protocol.rs (wire map §8a), signatures, and hostile bytes. */
class TrackerMessagesTest {
    static final SecretKey ZERO = SecretKey.fromBytes(new byte[32]);
    static final String ZERO_PK = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";

    static Hash counting() {
        byte[] h = new byte[32];
        for (int i = 0; i < 32; i++) {
            h[i] = (byte) i;
        }
        return Hash.fromBytes(h);
    }

    @Test
    void announceAndQueryEncodeAsHandComputed() throws Exception {
        String hash = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
        // host ‖ hash ‖ Raw (0) ‖ Complete (1) ‖ varint(1_700_000_000_000_000 µs) = 80 80 f9 c0 c1 c4 82 03
        Announce a = new Announce(ZERO.publicKey(), HashAndFormat.raw(counting()), Kind.COMPLETE, 1_700_000_000_000_000L);
        assertEquals(ZERO_PK + hash + "00" + "01" + "8080f9c0c1c48203", Hex.encode(a.encode()));

        SignedAnnounce sa = a.sign(ZERO);
        byte[] req = Request.of(sa).encode();
        // variant 0 (Announce) ‖ Announce ‖ the 64 signature bytes, no length prefix (BigArray)
        assertEquals("00" + Hex.encode(a.encode()) + Hex.encode(sa.signature()), Hex.encode(req));
        assertEquals(1 + 74 + 64, req.length);

        // variant 1 (Query) ‖ hash ‖ HashSeq (1) ‖ complete true ‖ verified false
        byte[] q = Request.of(new Query(HashAndFormat.hashSeq(counting()), true, false)).encode();
        assertEquals("01" + hash + "01" + "01" + "00", Hex.encode(q));

        // Response::QueryResponse (0) ‖ length 1 ‖ SignedAnnounce
        assertEquals("0001" + Hex.encode(req).substring(2), Hex.encode(TrackerMessages.encodeResponse(List.of(sa))));
        assertEquals("0000", Hex.encode(TrackerMessages.encodeResponse(List.of())));
    }

    @Test
    void roundTrips() throws Exception {
        SecretKey k = SecretKey.generate();
        for (Kind kind : Kind.values()) {
            for (HashAndFormat c : List.of(HashAndFormat.raw(Hash.of(new byte[] {1})), HashAndFormat.hashSeq(counting()))) {
                SignedAnnounce sa = new Announce(k.publicKey(), c, kind, Long.MAX_VALUE).sign(k);
                assertEquals(Request.of(sa), Request.decode(Request.of(sa).encode()));
                assertTrue(Request.decode(Request.of(sa).encode()).announce().verify());
                assertEquals(List.of(sa, sa), TrackerMessages.decodeResponse(TrackerMessages.encodeResponse(List.of(sa, sa))));
                for (boolean complete : new boolean[] {false, true}) {
                    Query q = new Query(c, complete, !complete);
                    assertEquals(Request.of(q), Request.decode(Request.of(q).encode()));
                }
            }
        }
    }

    @Test
    void aTamperedAnnouncementFailsVerification() throws Exception {
        SignedAnnounce sa = new Announce(ZERO.publicKey(), HashAndFormat.raw(counting()), Kind.COMPLETE, 1).sign(ZERO);
        assertTrue(sa.verify());
        byte[] b = Request.of(sa).encode();
        for (int i = 1; i < b.length; i++) {
            byte[] t = b.clone();
            t[i] ^= 0x01;
            SignedAnnounce decoded;
            try {
                decoded = Request.decode(t).announce();
            } catch (PostcardException e) {
                continue; // e.g. an invalid host key or kind: refused before verification
            }
            assertFalse(decoded.verify(), "byte " + i + " flipped and still verified");
        }
        SecretKey other = SecretKey.generate();
        assertThrows(IllegalArgumentException.class, () -> sa.announce().sign(other));
    }

    @Test
    void trailingAndUnknownBytesAreRefused() {
        byte[] q = Request.of(new Query(HashAndFormat.raw(counting()), false, false)).encode();
        byte[] longer = java.util.Arrays.copyOf(q, q.length + 1);
        assertThrows(PostcardException.class, () -> Request.decode(longer));
        byte[] badVariant = q.clone();
        badVariant[0] = 2;
        assertThrows(PostcardException.class, () -> Request.decode(badVariant));
        byte[] badFormat = q.clone();
        badFormat[33] = 2;
        assertThrows(PostcardException.class, () -> Request.decode(badFormat));
        byte[] badBool = q.clone();
        badBool[34] = 2;
        assertThrows(PostcardException.class, () -> Request.decode(badBool));
        // a response claiming a billion hosts allocates nothing
        assertThrows(PostcardException.class, () -> TrackerMessages.decodeResponse(Hex.decode("0080a8d6b907")));
    }

    /** Whatever bytes arrive, decoding returns a message or throws PostcardException, never anything else. */
    @Test
    void mutatedAndRandomBytesDecodeOrFailCleanly() {
        SignedAnnounce sa = new Announce(ZERO.publicKey(), HashAndFormat.raw(counting()), Kind.PARTIAL, 12345).sign(ZERO);
        List<byte[]> bases = List.of(Request.of(sa).encode(),
                Request.of(new Query(HashAndFormat.hashSeq(counting()), true, true)).encode(),
                TrackerMessages.encodeResponse(List.of(sa, sa)));
        Random rnd = new Random(16);
        int decoded = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] b;
            if (i % 10 == 0) {
                b = new byte[rnd.nextInt(200)];
                rnd.nextBytes(b);
            } else {
                b = bases.get(i % bases.size()).clone();
                for (int j = 1 + rnd.nextInt(4); j > 0; j--) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt();
                }
                if (i % 7 == 0) {
                    b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
                }
            }
            try {
                Request.decode(b);
                decoded++;
            } catch (PostcardException e) {
                assertTrue(e.getMessage() != null);
            }
            try {
                TrackerMessages.decodeResponse(b);
                decoded++;
            } catch (PostcardException e) {
                assertTrue(e.getMessage() != null);
            }
        }
        assertTrue(decoded > 1000, "decoded only " + decoded);
    }

    @Test
    void signatureBytesComeFromTheHostsKey() {
        SignedAnnounce sa = new Announce(ZERO.publicKey(), HashAndFormat.raw(counting()), Kind.COMPLETE, 1).sign(ZERO);
        assertArrayEquals(ZERO.sign(sa.announce().encode()), sa.signature());
    }
}
