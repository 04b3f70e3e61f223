package com.kafkaconnectiroh.p2p.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.postcard.PostcardException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {

    private static List<byte[]> decodeAll(FrameDecoder d, byte[] stream, SplittableRandom rnd, int max) throws PostcardException {
        List<byte[]> frames = new ArrayList<>();
        int pos = 0;
        while (pos < stream.length) {
            int n = 1 + rnd.nextInt(Math.min(stream.length - pos, 1 + rnd.nextInt(64)));
            ByteBuffer chunk = ByteBuffer.wrap(stream, pos, n);
            byte[] f;
            while ((f = d.next(chunk)) != null) {
                frames.add(f);
                assertTrue(d.bufferedBytes() <= 4 + max);
            }
            assertEquals(0, chunk.remaining(), "a chunk is consumed completely when no frame completes");
            pos += n;
        }
        return frames;
    }

    @Test
    void reassemblesFramesAcrossAnySplit() throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int round = 0; round < 200; round++) {
            List<byte[]> bodies = new ArrayList<>();
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int count = 1 + rnd.nextInt(8);
            for (int i = 0; i < count; i++) {
                byte[] body = new byte[rnd.nextInt(600)];
                rnd.nextBytes(body);
                bodies.add(body);
                stream.writeBytes(GossipWire.frame(body, 4096));
            }
            FrameDecoder d = new FrameDecoder(4096);
            List<byte[]> frames = decodeAll(d, stream.toByteArray(), rnd, 4096);
            assertEquals(bodies.size(), frames.size());
            for (int i = 0; i < bodies.size(); i++) {
                assertArrayEquals(bodies.get(i), frames.get(i));
            }
            d.endOfStream();
        }
    }

    @Test
    void everySplitPointOfTwoFrames() throws Exception {
        byte[] a = GossipWire.frame(new byte[] {1, 2, 3}, 512);
        byte[] b = GossipWire.frame(new byte[0], 512);
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        for (int split = 0; split <= all.length; split++) {
            FrameDecoder d = new FrameDecoder(512);
            List<byte[]> got = new ArrayList<>();
            for (ByteBuffer part : new ByteBuffer[] {ByteBuffer.wrap(all, 0, split), ByteBuffer.wrap(all, split, all.length - split)}) {
                byte[] f;
                while ((f = d.next(part)) != null) {
                    got.add(f);
                }
            }
            assertEquals(2, got.size(), "split at " + split);
            assertArrayEquals(new byte[] {1, 2, 3}, got.get(0));
            assertEquals(0, got.get(1).length);
            assertTrue(d.atFrameBoundary());
        }
    }

    @Test
    void rejectsOversizedLengthBeforeBuffering() {
        FrameDecoder d = new FrameDecoder(4096);
        ByteBuffer hostile = ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        PostcardException e = assertThrows(PostcardException.class, () -> d.next(hostile));
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
        assertTrue(d.bufferedBytes() <= 4);
    }

    @Test
    void streamEndingMidFrameIsAnError() throws Exception {
        FrameDecoder d = new FrameDecoder(512);
        assertNull(d.next(ByteBuffer.wrap(new byte[] {0, 0})));
        assertThrows(PostcardException.class, d::endOfStream);
        FrameDecoder d2 = new FrameDecoder(512);
        assertNull(d2.next(ByteBuffer.wrap(new byte[] {0, 0, 0, 5, 1})));
        assertEquals(5, d2.bufferedBytes());
        assertThrows(PostcardException.class, d2::endOfStream);
    }
}
