package com.kafkaconnectiroh.p2p.docs.proto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of valid sync frames and gossip ops: decoding either yields a value or fails with
 * {@link PostcardException}, never another exception, and never allocates for a length the input cannot hold.
 */
class SyncCodecFuzzTest {
    static List<byte[]> samples() {
        NamespaceSecret ns = NamespaceSecret.fromBytes(DocsWireTest.filled(5));
        Author a = Author.fromBytes(DocsWireTest.filled(6));
        List<MessagePart.SyncValue> values = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            values.add(new MessagePart.SyncValue(SignedEntry.sign(ns, a, ("k" + i).getBytes(), new Record(1, Hash.of(new byte[] {(byte) i}), 1000 + i)),
                    ContentStatus.values()[i]));
        }
        Range r = new Range(values.get(0).entry().id(), values.get(2).entry().id());
        SyncMessage m = new SyncMessage(List.of(new MessagePart.RangeFingerprint(r, Fingerprint.EMPTY),
                new MessagePart.RangeItem(r, values, false)));
        AuthorHeads h = new AuthorHeads();
        h.insert(a.id(), 77);
        return List.of(new SyncFrame.Init(ns.id(), m).encode(), new SyncFrame.Sync(m).encode(),
                new SyncFrame.Abort(AbortReason.INTERNAL_SERVER_ERROR).encode(), new Op.Put(values.get(1).entry()).encode(),
                new Op.ContentReady(Hash.of(new byte[0])).encode(), new Op.SyncReport(ns.id(), h.encode(-1)).encode());
    }

    @Test
    void mutatedInputsDecodeOrFailWithPostcardException() {
        Random rnd = new Random(99);
        int decoded = 0;
        int refused = 0;
        for (byte[] sample : samples()) {
            for (int i = 0; i < 4000; i++) {
                byte[] b = mutate(sample, rnd);
                for (boolean frame : new boolean[] {true, false}) {
                    try {
                        if (frame) {
                            SyncFrame.decode(b);
                        } else {
                            Op.decode(b);
                        }
                        decoded++;
                    } catch (PostcardException e) {
                        refused++;
                    } catch (RuntimeException e) {
                        throw new AssertionError("decoding " + com.kafkaconnectiroh.p2p.base.Hex.encode(b) + " threw " + e, e);
                    }
                }
            }
        }
        assertTrue(refused > 1000 && decoded > 100, "decoded " + decoded + ", refused " + refused);
    }

    static byte[] mutate(byte[] s, Random rnd) {
        byte[] b;
        switch (rnd.nextInt(4)) {
            case 0 -> b = java.util.Arrays.copyOf(s, rnd.nextInt(s.length + 1));                 // truncate
            case 1 -> {
                b = s.clone();
                b[rnd.nextInt(b.length)] = (byte) (rnd.nextBoolean() ? 0xff : rnd.nextInt(256)); // overwrite
            }
            case 2 -> {
                b = java.util.Arrays.copyOf(s, s.length + 1 + rnd.nextInt(8));                   // append
                for (int i = s.length; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
            }
            default -> {
                b = s.clone();
                int at = rnd.nextInt(b.length);
                for (int i = at; i < Math.min(b.length, at + 10); i++) {
                    b[i] = (byte) 0xff;                                                           // huge varints
                }
            }
        }
        return b;
    }
}
