package com.kafkaconnectiroh.p2p.envelope;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {
    private static final EndpointAddr PROVIDER = EndpointAddr.of(SecretKey.fromBytes(new byte[32]).publicKey(), null,
            List.of(new InetSocketAddress("192.168.1.7", 4450), new InetSocketAddress("::1", 4451)));

    static Envelope full() {
        return new Envelope("key".getBytes(UTF_8),
                List.of(new Envelope.Header("a", "1".getBytes(UTF_8)), new Envelope.Header("a", null),
                        new Envelope.Header("", new byte[] {(byte) 0xff})),
                new Envelope.Origin("orders", 3, 1234567890123L, 1_733_000_000_000L),
                new Envelope.Inline("value".getBytes(UTF_8)));
    }

    @Test
    void everyShapeRoundTrips() throws Exception {
        BlobRef ref = new BlobRef(HashAndFormat.raw(Hash.of(new byte[] {1})), 20L << 20, List.of(PROVIDER));
        List<Envelope> shapes = List.of(
                full(),
                Envelope.of(Envelope.ABSENT),
                Envelope.of(new Envelope.Inline(new byte[0])),
                new Envelope(null, List.of(), new Envelope.Origin("t", 0, 0, null), new Envelope.Blob(ref)),
                new Envelope(new byte[0], List.of(), null,
                        new Envelope.Blob(new BlobRef(HashAndFormat.hashSeq(Hash.of(new byte[0])), 0, List.of()))));
        for (Envelope e : shapes) {
            byte[] bytes = EnvelopeCodec.encode(e);
            assertTrue(EnvelopeCodec.isEnvelope(bytes));
            Message m = EnvelopeCodec.decode(bytes);
            assertEquals(e, assertInstanceOf(Message.Full.class, m).envelope(), e.toString());
        }
        byte[] indirect = EnvelopeCodec.encodeIndirect(ref);
        assertEquals(ref, assertInstanceOf(Message.Indirect.class, EnvelopeCodec.decode(indirect)).envelopeBlob());
    }

    /** The layout docs/envelope.md promises, byte for byte, for an envelope without blob. */
    @Test
    void theDocumentedBytes() throws Exception {
        Envelope e = new Envelope("k".getBytes(UTF_8), List.of(new Envelope.Header("h", "v".getBytes(UTF_8))),
                new Envelope.Origin("t", 2, 300, null), new Envelope.Inline("hi".getBytes(UTF_8)));
        assertEquals("894b4349" + "01" + "00"     // magic, version 1, kind 0 (envelope)
                        + "01" + "01" + "6b"           // key: Some, 1 byte, 'k'
                        + "01" + "01" + "68" + "01" + "01" + "76" // 1 header: "h", Some(1 byte "v")
                        + "01" + "01" + "74" + "02" + "ac02" + "00" // origin: Some, "t", partition 2, offset 300, no ts
                        + "01" + "02" + "6869",        // payload: Inline, 2 bytes "hi"
                Hex.encode(EnvelopeCodec.encode(e)));
    }

    @Test
    void messagesWithoutTheMagicAreRawAndTextNeverLooksLikeAnEnvelope() throws Exception {
        for (String text : List.of("", "hello", "\u0089KCI", "KCI")) {
            byte[] b = text.getBytes(UTF_8);
            assertFalse(EnvelopeCodec.isEnvelope(b), text);
            assertArrayEquals(b, assertInstanceOf(Message.Raw.class, EnvelopeCodec.decode(b)).bytes());
        }
    }

    @Test
    void unknownVersionsKindsAndTrailingBytesAreNamed() {
        byte[] good = EnvelopeCodec.encode(full());
        byte[] v2 = good.clone();
        v2[4] = 2;
        assertTrue(assertThrows(EnvelopeException.class, () -> EnvelopeCodec.decode(v2)).getMessage()
                .contains("version 2"));
        byte[] kind9 = good.clone();
        kind9[5] = 9;
        assertTrue(assertThrows(EnvelopeException.class, () -> EnvelopeCodec.decode(kind9)).getMessage()
                .contains("kind 9"));
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(EnvelopeException.class, () -> EnvelopeCodec.decode(trailing)).getMessage()
                .contains("trailing"));
        byte[] rawInBlob = "not an envelope".getBytes(UTF_8);
        assertThrows(EnvelopeException.class, () -> EnvelopeCodec.decodeStored(rawInBlob));
        byte[] nested = EnvelopeCodec.encodeIndirect(new BlobRef(HashAndFormat.raw(Hash.EMPTY), 0, List.of()));
        assertThrows(EnvelopeException.class, () -> EnvelopeCodec.decodeStored(nested));
    }

    /**
     * Seeded mutations of valid envelopes (truncations, flipped bytes, inflated lengths) either decode to some
     * envelope or fail with EnvelopeException: never another exception, never an allocation beyond the input.
     */
    @Test
    void fuzzedEnvelopesFailCleanly() {
        BlobRef ref = new BlobRef(HashAndFormat.raw(Hash.of(new byte[] {9})), 77, List.of(PROVIDER, PROVIDER));
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(EnvelopeCodec.encode(full()));
        seeds.add(EnvelopeCodec.encode(new Envelope(null, List.of(), null, new Envelope.Blob(ref))));
        seeds.add(EnvelopeCodec.encodeIndirect(ref));
        Random rnd = new Random(20261206);
        int decoded = 0;
        int refused = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] b = seeds.get(rnd.nextInt(seeds.size())).clone();
            switch (rnd.nextInt(4)) {
                case 0 -> b = Arrays.copyOf(b, EnvelopeCodec.HEADER_SIZE + rnd.nextInt(b.length - EnvelopeCodec.HEADER_SIZE + 1));
                case 1 -> b[EnvelopeCodec.HEADER_SIZE + rnd.nextInt(b.length - EnvelopeCodec.HEADER_SIZE)] ^= (byte) (1 << rnd.nextInt(8));
                case 2 -> b[EnvelopeCodec.HEADER_SIZE + rnd.nextInt(b.length - EnvelopeCodec.HEADER_SIZE)] = (byte) 0xff;
                default -> {
                    for (int k = EnvelopeCodec.HEADER_SIZE; k < b.length; k++) {
                        if (rnd.nextInt(8) == 0) {
                            b[k] = (byte) rnd.nextInt(256);
                        }
                    }
                }
            }
            try {
                EnvelopeCodec.decode(b);
                decoded++;
            } catch (EnvelopeException e) {
                refused++;
            }
        }
        assertTrue(decoded > 0 && refused > 0, decoded + " decoded, " + refused + " refused");
    }
}
