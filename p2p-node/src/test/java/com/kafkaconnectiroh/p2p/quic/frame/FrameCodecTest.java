package com.kafkaconnectiroh.p2p.quic.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.util.RangeSet;
import com.kafkaconnectiroh.p2p.quic.wire.ByteReader;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import com.kafkaconnectiroh.p2p.quic.wire.VarInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    /** Decodes {@code b[0, len)} as exactly one frame. */
    static Frame one(byte[] b, int len) throws TransportException {
        FrameParser p = new FrameParser().reset(b, 0, len);
        Frame f = p.next();
        assertFalse(p.hasNext(), "exactly one frame");
        return f;
    }

    @Test
    void varintsMatchRfc9000AppendixA1() throws TransportException {
        // RFC 9000 §A.1 examples
        assertEquals(151288809941952652L, new ByteReader(Hex.decode("c2197c5eff14e88c")).varint());
        assertEquals(494878333L, new ByteReader(Hex.decode("9d7f3e7d")).varint());
        assertEquals(15293L, new ByteReader(Hex.decode("7bbd")).varint());
        assertEquals(37L, new ByteReader(Hex.decode("25")).varint());
        assertEquals(37L, new ByteReader(Hex.decode("4025")).varint());
        byte[] b = new byte[8];
        assertEquals(8, VarInt.write(b, 0, 151288809941952652L));
        assertEquals("c2197c5eff14e88c", Hex.encode(b));
        Random rnd = new Random(1);
        for (int i = 0; i < 10000; i++) {
            long v = rnd.nextLong() >>> (2 + rnd.nextInt(62));
            int n = VarInt.write(b, 0, v);
            assertEquals(VarInt.size(v), n);
            assertEquals(v, new ByteReader(b, 0, n).varint());
        }
        assertThrows(IllegalArgumentException.class, () -> VarInt.size(VarInt.MAX + 1));
    }

    @Test
    void streamFramesRoundTrip() throws TransportException {
        byte[] b = new byte[100];
        byte[] data = {1, 2, 3, 4, 5};
        int p = FrameWriter.streamHeader(b, 0, 6, 1000, 5, true, true);
        System.arraycopy(data, 0, b, p, 5);
        Frame.Stream s = (Frame.Stream) one(b, p + 5);
        assertEquals(6, s.streamId());
        assertEquals(1000, s.offset());
        assertEquals(5, s.len());
        assertTrue(s.fin());
        // without length: runs to the end; offset 0 omitted
        p = FrameWriter.streamHeader(b, 0, 4, 0, 5, false, false);
        assertEquals(2, p);
        System.arraycopy(data, 0, b, p, 5);
        s = (Frame.Stream) one(b, p + 5);
        assertEquals(0, s.offset());
        assertEquals(5, s.len());
        assertFalse(s.fin());
    }

    @Test
    void ackFrameCarriesRangesNewestFirst() throws TransportException {
        RangeSet r = new RangeSet();
        r.add(0, 3);
        r.add(5, 6);
        r.add(10, 20);
        byte[] b = new byte[100];
        int n = FrameWriter.ack(b, 0, r, 7, 100, 64, -1, -1, -1);
        Frame.Ack a = (Frame.Ack) one(b, n);
        assertEquals(19, a.largest());
        assertEquals(7, a.ackDelay());
        assertArrayEquals(new long[] {19, 10, 5, 5, 2, 0}, a.ranges());
        assertEquals(FrameType.ACK, a.type());
        // ECN counts
        n = FrameWriter.ack(b, 0, r, 0, 100, 64, 1, 2, 3);
        a = (Frame.Ack) one(b, n);
        assertEquals(3, a.ce());
        assertEquals(FrameType.ACK_ECN, a.type());
        // too little room for every range: the newest ones are kept
        n = FrameWriter.ack(b, 0, r, 0, 8, 64, -1, -1, -1);
        a = (Frame.Ack) one(b, n);
        assertEquals(19, a.largest());
        assertTrue(a.rangeCount() < 3);
    }

    @Test
    void controlFramesRoundTrip() throws TransportException {
        byte[] b = new byte[200];
        assertEquals(new Frame.ResetStream(4, 9, 100), one(b, FrameWriter.resetStream(b, 0, 4, 9, 100)));
        assertEquals(new Frame.StopSending(8, 1), one(b, FrameWriter.stopSending(b, 0, 8, 1)));
        assertEquals(new Frame.MaxData(1 << 20), one(b, FrameWriter.maxData(b, 0, 1 << 20)));
        assertEquals(new Frame.MaxStreamData(2, 77), one(b, FrameWriter.maxStreamData(b, 0, 2, 77)));
        assertEquals(new Frame.MaxStreams(false, 100), one(b, FrameWriter.maxStreams(b, 0, false, 100)));
        assertEquals(new Frame.DataBlocked(5), one(b, FrameWriter.dataBlocked(b, 0, 5)));
        assertEquals(new Frame.StreamDataBlocked(3, 6), one(b, FrameWriter.streamDataBlocked(b, 0, 3, 6)));
        assertEquals(new Frame.StreamsBlocked(true, 7), one(b, FrameWriter.streamsBlocked(b, 0, true, 7)));
        assertEquals(new Frame.RetireConnectionId(3), one(b, FrameWriter.retireConnectionId(b, 0, 3)));
        assertEquals(new Frame.PathChallenge(0x0102030405060708L), one(b, FrameWriter.pathChallenge(b, 0,
                0x0102030405060708L)));
        assertEquals(new Frame.PathResponse(-1L), one(b, FrameWriter.pathResponse(b, 0, -1L)));
        assertTrue(one(b, FrameWriter.handshakeDone(b, 0)) instanceof Frame.HandshakeDone);
        assertTrue(one(b, FrameWriter.ping(b, 0)) instanceof Frame.Ping);
        assertEquals(new Frame.Padding(7), one(b, FrameWriter.padding(b, 0, 7)));

        byte[] token = new byte[16];
        token[3] = 9;
        ConnectionId cid = ConnectionId.of(new byte[] {1, 2, 3, 4});
        Frame.NewConnectionId n = (Frame.NewConnectionId) one(b, FrameWriter.newConnectionId(b, 0, 5, 2, cid, token));
        assertEquals(5, n.sequence());
        assertEquals(2, n.retirePriorTo());
        assertEquals(cid, n.id());
        assertArrayEquals(token, n.resetToken());

        Frame.ConnectionClose c = (Frame.ConnectionClose) one(b, FrameWriter.connectionClose(b, 0, false, 0x0a, 0x08,
                "bad".getBytes(), 3));
        assertFalse(c.application());
        assertEquals(0x0a, c.errorCode());
        assertEquals(0x08, c.frameType());
        assertEquals("bad", new String(c.reason()));
        c = (Frame.ConnectionClose) one(b, FrameWriter.connectionClose(b, 0, true, 77, 0, new byte[0], 0));
        assertTrue(c.application());
        assertEquals(77, c.errorCode());

        Frame.Datagram d = (Frame.Datagram) one(b, FrameWriter.datagram(b, 0, new byte[] {5, 6}, 0, 2, true));
        assertEquals(2, d.len());
        Frame.Crypto cr = (Frame.Crypto) one(b, FrameWriter.cryptoHeader(b, 0, 10, 0));
        assertEquals(10, cr.offset());
        Frame.NewToken t = (Frame.NewToken) one(b, FrameWriter.newToken(b, 0, new byte[] {1, 2}));
        assertEquals(2, t.length());
    }

    @Test
    void malformedFramesAreEncodingErrors() {
        TransportException e = assertThrows(TransportException.class, () -> one(new byte[] {0x21}, 1));
        assertEquals(TransportError.FRAME_ENCODING_ERROR, e.error());
        assertEquals(0x21, e.frameType());
        // NEW_TOKEN with an empty token
        e = assertThrows(TransportException.class, () -> one(new byte[] {0x07, 0x00}, 2));
        assertEquals(TransportError.FRAME_ENCODING_ERROR, e.error());
        // NEW_CONNECTION_ID with a zero-length ID
        e = assertThrows(TransportException.class, () -> one(new byte[] {0x18, 1, 0, 0}, 4));
        assertEquals(TransportError.FRAME_ENCODING_ERROR, e.error());
        // STREAM length beyond the packet
        e = assertThrows(TransportException.class, () -> one(new byte[] {0x0a, 0, 9, 1}, 4));
        assertEquals(TransportError.FRAME_ENCODING_ERROR, e.error());
        assertEquals(0x0a, e.frameType());
        // ACK with a first range larger than the largest acknowledged
        e = assertThrows(TransportException.class, () -> one(new byte[] {0x02, 1, 0, 0, 2}, 5));
        assertEquals(TransportError.FRAME_ENCODING_ERROR, e.error());
    }

    @Test
    void onlyPaddingPingAckCryptoAndTransportCloseInHandshakeSpaces() {
        for (int t = 0; t <= 0x1e; t++) {
            boolean allowed = t == 0 || t == 1 || t == 2 || t == 3 || t == 6 || t == 0x1c;
            assertEquals(allowed, FrameType.allowedInHandshakeSpaces(t), "type 0x" + Integer.toHexString(t));
        }
        assertFalse(FrameType.allowedInHandshakeSpaces(FrameType.DATAGRAM));
    }
}
