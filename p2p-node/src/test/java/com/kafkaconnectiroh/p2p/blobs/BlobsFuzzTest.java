package com.kafkaconnectiroh.p2p.blobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecodeException;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoDecoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEncoder;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoEvent;
import com.kafkaconnectiroh.p2p.blobs.bao.ChunkRanges;
import com.kafkaconnectiroh.p2p.blobs.bao.Outboard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of valid blobs-protocol inputs (requests, tickets, collection metadata, BAO streams): each
 * decodes or fails with the parser's own exception, never another one, and a damaged BAO stream never yields a
 * byte that differs from the original.
 */
class BlobsFuzzTest {
    private final SplittableRandom rnd = new SplittableRandom(5150);

    @Test
    void getRequestsRoundTripAndMutationsFailCleanly() {
        for (int i = 0; i < 3000; i++) {
            GetRequest req = randomRequest();
            byte[] wire = req.encode();
            try {
                assertEquals(req, GetRequest.decode(wire));
            } catch (PostcardException e) {
                fail("valid request did not decode: " + req, e);
            }
            byte[] bad = mutate(wire);
            try {
                GetRequest.decode(bad);
            } catch (PostcardException expected) {
                // the parser's own, clean failure
            } catch (RuntimeException e) {
                fail("mutated request " + Arrays.toString(bad) + " escaped as " + e, e);
            }
        }
    }

    @Test
    void blobTicketMutationsFailCleanly() {
        for (int i = 0; i < 3000; i++) {
            byte[] key = new byte[32];
            rnd.nextBytes(key);
            List<InetSocketAddress> addrs = new ArrayList<>();
            for (int a = rnd.nextInt(3); a > 0; a--) {
                addrs.add(new InetSocketAddress("10.0.0." + rnd.nextInt(256), 1 + rnd.nextInt(65535)));
            }
            BlobTicket t = new BlobTicket(EndpointAddr.of(SecretKey.fromBytes(key).publicKey(), null, addrs),
                    randomHash(), rnd.nextBoolean() ? BlobFormat.RAW : BlobFormat.HASH_SEQ);
            assertEquals(t.toString(), BlobTicket.parse(t.toString()).toString());
            byte[] bad = mutate(t.toBytes());
            try {
                BlobTicket.fromBytes(bad);
            } catch (PostcardException expected) {
                // clean
            } catch (RuntimeException e) {
                fail("mutated ticket " + Arrays.toString(bad) + " escaped as " + e, e);
            }
        }
    }

    @Test
    void collectionMetadataMutationsFailCleanly() {
        for (int i = 0; i < 3000; i++) {
            List<Collection.Entry> entries = new ArrayList<>();
            for (int n = rnd.nextInt(5); n > 0; n--) {
                entries.add(new Collection.Entry("file-" + rnd.nextInt(1000) + ".bin", randomHash()));
            }
            Collection c = new Collection(entries);
            byte[] meta = mutate(c.metaBytes());
            try {
                Collection.parse(c.hashSeq(), meta);
            } catch (PostcardException expected) {
                // clean
            } catch (RuntimeException e) {
                fail("mutated collection metadata " + Arrays.toString(meta) + " escaped as " + e, e);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> HashSeq.parse(new byte[33]));
    }

    /** Any change to a verified stream (a flipped byte, a cut, extra bytes) is caught; nothing false gets out. */
    @Test
    void damagedBaoStreamsNeverYieldWrongBytes() throws IOException {
        int[] sizes = {0, 1, 1023, 1024, 1025, 16384, 16385, 40_000, 100_000};
        for (int round = 0; round < 600; round++) {
            byte[] data = new byte[sizes[round % sizes.length]];
            rnd.nextBytes(data);
            Outboard ob = Outboard.compute(data);
            ChunkRanges ranges = rnd.nextInt(3) == 0 ? ChunkRanges.all()
                    : ChunkRanges.of(rnd.nextInt(40), 40 + rnd.nextInt(100));
            byte[] encoded = encode(data, ob, ranges);
            byte[] bad = damage(encoded);
            try {
                for (BaoEvent e : BaoDecoder.decodeAll(ob.root(), ranges, bad)) {
                    if (e instanceof BaoEvent.Leaf leaf) {
                        byte[] got = new byte[leaf.data().remaining()];
                        leaf.data().get(got);
                        byte[] want = Arrays.copyOfRange(data, (int) leaf.offset(), (int) leaf.offset() + got.length);
                        assertArrayEquals(want, got, "leaf at " + leaf.offset() + " of a damaged stream");
                    }
                }
                fail("a damaged stream (size " + data.length + ", ranges " + ranges + ") decoded completely");
            } catch (BaoDecodeException expected) {
                // caught
            } catch (RuntimeException e) {
                fail("damaged stream escaped as " + e, e);
            }
        }
    }

    private static byte[] encode(byte[] data, Outboard ob, ChunkRanges ranges) throws IOException {
        BaoEncoder enc = new BaoEncoder(BaoEncoder.DataReader.of(data), ob, ranges);
        ByteBuffer out = ByteBuffer.allocate(8 + data.length + (int) ob.tree().outboardSize() + 64);
        if (!enc.writeTo(out)) {
            throw new IllegalStateException("encoding larger than size + outboard");
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    /** A flipped bit, a cut, or appended bytes: each makes a stream that must not verify. */
    private byte[] damage(byte[] encoded) {
        switch (rnd.nextInt(3)) {
            case 0 -> {
                byte[] b = encoded.clone();
                b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                return b;
            }
            case 1 -> {
                return Arrays.copyOf(encoded, rnd.nextInt(encoded.length));
            }
            default -> {
                byte[] b = Arrays.copyOf(encoded, encoded.length + 1 + rnd.nextInt(64));
                return b;
            }
        }
    }

    private GetRequest randomRequest() {
        Hash h = randomHash();
        return switch (rnd.nextInt(3)) {
            case 0 -> GetRequest.single(h);
            case 1 -> GetRequest.all(h);
            default -> GetRequest.ranges(h, ChunkRanges.of(rnd.nextInt(1 << 20), (1 << 20) + rnd.nextInt(1 << 20)));
        };
    }

    private Hash randomHash() {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return Hash.fromBytes(b);
    }

    /** Flips, truncates, extends, or overwrites a run with random or extreme bytes. */
    private byte[] mutate(byte[] in) {
        byte[] b = in.clone();
        switch (rnd.nextInt(5)) {
            case 0 -> {
                if (b.length > 0) {
                    b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 2 -> {
                byte[] extra = new byte[1 + rnd.nextInt(16)];
                rnd.nextBytes(extra);
                byte[] c = Arrays.copyOf(b, b.length + extra.length);
                System.arraycopy(extra, 0, c, b.length, extra.length);
                b = c;
            }
            case 3 -> {
                if (b.length > 0) {
                    int at = rnd.nextInt(b.length);
                    Arrays.fill(b, at, Math.min(b.length, at + 1 + rnd.nextInt(10)), (byte) 0xff);
                }
            }
            default -> {
                if (b.length > 0) {
                    int at = rnd.nextInt(b.length);
                    for (int i = at; i < Math.min(b.length, at + 1 + rnd.nextInt(10)); i++) {
                        b[i] = (byte) rnd.nextInt(256);
                    }
                }
            }
        }
        return b;
    }
}
