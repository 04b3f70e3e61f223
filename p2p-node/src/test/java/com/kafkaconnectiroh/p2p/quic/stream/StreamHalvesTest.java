package com.kafkaconnectiroh.p2p.quic.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamHalvesTest {

    @Test
    void chunkedBufferHoldsAnyOffsetAndFreesBelowBase() {
        ChunkPool pool = new ChunkPool(4);
        ChunkedBuffer b = new ChunkedBuffer(pool);
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);
        // written out of order
        b.write(50_000, data, 50_000, 50_000);
        b.write(0, data, 0, 50_000);
        byte[] back = new byte[100_000];
        b.read(0, back, 0, 100_000);
        assertArrayEquals(data, back);
        long held = b.allocatedBytes();
        b.discardBelow(70_000);
        assertTrue(b.allocatedBytes() < held);
        assertTrue(pool.idle() > 0, "freed chunks went back to the pool");
        b.read(70_000, back, 0, 10);
        assertEquals(data[70_000], back[0]);
        b.release();
        assertEquals(0, b.allocatedBytes());
    }

    @Test
    void sendStreamRetransmitsLostRangesAndFreesAckedData() {
        SendStream s = new SendStream(0, 1_000_000, 10_000);
        assertEquals(10_000, s.write(ByteBuffer.allocate(20_000), Long.MAX_VALUE), "bounded by the buffer");
        assertTrue(s.isWriteBlocked());
        long[] c = new long[4];
        assertTrue(s.nextChunk(4000, Long.MAX_VALUE, c));
        assertEquals(0, c[0]);
        assertEquals(4000, c[1]);
        s.onSent(0, 4000, false);
        assertTrue(s.nextChunk(4000, Long.MAX_VALUE, c));
        s.onSent(4000, 4000, false);
        s.onLost(0, 4000, false);
        // lost data first
        assertTrue(s.nextChunk(10_000, Long.MAX_VALUE, c));
        assertEquals(0, c[0]);
        assertEquals(4000, c[1]);
        assertEquals(0, c[3], "retransmissions are not new flow-control bytes");
        s.onSent(0, 4000, false);
        assertEquals(0, s.onAck(4000, 4000, false), "a gap below: nothing freed yet");
        assertEquals(8000, s.onAck(0, 4000, false));
        assertEquals(2000, s.buffered());
        assertEquals(8000, s.writable());
        s.finish();
        assertTrue(s.nextChunk(10_000, Long.MAX_VALUE, c));
        assertEquals(8000, c[0]);
        assertEquals(2000, c[1]);
        assertEquals(1, c[2], "FIN rides with the last data");
        s.onSent(8000, 2000, true);
        assertEquals(SendStream.State.DATA_SENT, s.state());
        s.onAck(8000, 2000, true);
        assertEquals(SendStream.State.DATA_RECVD, s.state());
        assertTrue(s.isDone());
    }

    @Test
    void sendStreamRespectsPeerCredit() {
        SendStream s = new SendStream(0, 1000, 10_000);
        s.write(ByteBuffer.allocate(5000), Long.MAX_VALUE);
        long[] c = new long[4];
        assertTrue(s.nextChunk(4000, Long.MAX_VALUE, c));
        assertEquals(1000, c[1], "stream credit");
        s.onSent(0, 1000, false);
        assertFalse(s.nextChunk(4000, Long.MAX_VALUE, c));
        assertTrue(s.isBlockedByStreamLimit());
        s.onMaxStreamData(3000);
        assertTrue(s.nextChunk(4000, 500, c));
        assertEquals(500, c[1], "connection credit");
    }

    @Test
    void recvStreamReassemblesShuffledDuplicatedFrames() throws TransportException {
        byte[] data = new byte[50_000];
        new Random(4).nextBytes(data);
        List<int[]> frames = new ArrayList<>();
        for (int off = 0; off < data.length; off += 1000) {
            frames.add(new int[] {off, Math.min(1000, data.length - off)});
            if (off % 7000 == 0) {
                frames.add(new int[] {Math.max(0, off - 300), 800}); // overlapping duplicate
            }
        }
        Collections.shuffle(frames, new Random(5));
        RecvStream r = new RecvStream(1, 100_000);
        for (int[] f : frames) {
            r.onData(f[0], data, f[0], f[1], f[0] + f[1] == data.length);
        }
        ByteBuffer out = ByteBuffer.allocate(60_000);
        while (r.read(out) > 0) {
            // drain
        }
        assertEquals(-1, r.read(out));
        out.flip();
        byte[] got = new byte[out.remaining()];
        out.get(got);
        assertArrayEquals(data, got);
        assertTrue(r.isDone());
    }

    @Test
    void recvStreamEnforcesFlowControlAndFinalSize() throws TransportException {
        RecvStream r = new RecvStream(1, 1000);
        TransportException e = assertThrows(TransportException.class, () -> r.onData(900, new byte[200], 0, 200, false));
        assertEquals(TransportError.FLOW_CONTROL_ERROR, e.error());
        r.onData(0, new byte[100], 0, 100, true);
        e = assertThrows(TransportException.class, () -> r.onData(100, new byte[1], 0, 1, false));
        assertEquals(TransportError.FINAL_SIZE_ERROR, e.error());
        e = assertThrows(TransportException.class, () -> r.onData(0, new byte[50], 0, 50, true));
        assertEquals(TransportError.FINAL_SIZE_ERROR, e.error());
        e = assertThrows(TransportException.class, () -> r.onReset(0, 99));
        assertEquals(TransportError.FINAL_SIZE_ERROR, e.error());
        // the window grows as the application reads
        RecvStream w = new RecvStream(5, 1000);
        w.onData(0, new byte[800], 0, 800, false);
        assertEquals(-1, w.windowUpdate());
        w.read(ByteBuffer.allocate(800));
        assertEquals(1800, w.windowUpdate());
    }

    @Test
    void resetDropsBufferedData() throws TransportException {
        RecvStream r = new RecvStream(1, 100_000);
        r.onData(0, new byte[50_000], 0, 50_000, false);
        assertTrue(r.allocatedBytes() > 0);
        assertEquals(10_000, r.onReset(42, 60_000), "final size charges the connection window");
        assertEquals(0, r.allocatedBytes());
        assertEquals(-2, r.read(ByteBuffer.allocate(10)));
        assertEquals(42, r.resetCode());
        assertTrue(r.isDone());
    }
}
