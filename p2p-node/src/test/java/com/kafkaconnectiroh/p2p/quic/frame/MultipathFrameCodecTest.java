package com.kafkaconnectiroh.p2p.quic.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.params.TransportParameters;
import com.kafkaconnectiroh.p2p.quic.util.RangeSet;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The multipath frames (draft-ietf-quic-multipath at noq-proto 1.0.1's codepoints) and n0's NAT traversal frames
 * and transport parameters, against the derived byte examples of IROH-WIRE-MAP-RELAY.md §3 and §4, and against
 * malformed input.
 */
class MultipathFrameCodecTest {

    private static Frame one(byte[] b, int len) throws TransportException {
        return FrameCodecTest.one(b, len);
    }

    @Test
    void frameTypesUseNoqsCodepointsAsVarints() {
        byte[] b = new byte[64];
        assertEquals("7e75013e", Hex.encode(b, 0, FrameWriter.pathAbandon(b, 0, 1, 0x3e)));
        assertEquals("7e760203", Hex.encode(b, 0, FrameWriter.pathStatus(b, 0, 2, 3, false)));
        assertEquals("7e770203", Hex.encode(b, 0, FrameWriter.pathStatus(b, 0, 2, 3, true)));
        assertEquals("7e790105", Hex.encode(b, 0, FrameWriter.pathRetireConnectionId(b, 0, 1, 5)));
        assertEquals("7e7a07", Hex.encode(b, 0, FrameWriter.maxPathId(b, 0, 7)));
        assertEquals("7e7b07", Hex.encode(b, 0, FrameWriter.pathsBlocked(b, 0, 7)));
        assertEquals("7e7c0102", Hex.encode(b, 0, FrameWriter.pathCidsBlocked(b, 0, 1, 2)));
        assertEquals("803d7f9405", Hex.encode(b, 0, FrameWriter.removeAddress(b, 0, 5)));
        int n = FrameWriter.pathNewConnectionId(b, 0, 1, 2, 0, ConnectionId.of(new byte[] {9, 9, 9, 9}), new byte[16]);
        assertEquals("7e78" + "01" + "02" + "00" + "04" + "09090909" + "00".repeat(16), Hex.encode(b, 0, n));
    }

    @Test
    void addAddressMatchesTheWireMapExample() throws TransportException {
        // IROH-WIRE-MAP-RELAY.md §4.2 (derived): ADD_ADDRESS seq 0, 192.0.2.1:4433
        byte[] b = new byte[64];
        InetSocketAddress a = new InetSocketAddress("192.0.2.1", 4433);
        int n = FrameWriter.addAddress(b, 0, 0, a);
        assertEquals("803d7f9000c00002011151", Hex.encode(b, 0, n));
        assertEquals(n, FrameWriter.addressFrameSize(0, a));
        Frame.AddAddress f = (Frame.AddAddress) one(b, n);
        assertEquals(0, f.sequence());
        assertEquals(a, f.address());
        assertEquals(FrameType.ADD_ADDRESS_V4, f.type());
    }

    @Test
    void natTraversalFramesRoundTripForBothFamilies() throws TransportException {
        byte[] b = new byte[64];
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::7", 50000);
        int n = FrameWriter.addAddress(b, 0, 300, v6);
        assertEquals("803d7f91", Hex.encode(b, 0, 4));
        assertEquals(new Frame.AddAddress(300, v6), one(b, n));
        n = FrameWriter.reachOut(b, 0, 3, new InetSocketAddress("10.1.2.3", 7));
        assertEquals("803d7f92030a0102030007", Hex.encode(b, 0, n));
        assertEquals(new Frame.ReachOut(3, new InetSocketAddress("10.1.2.3", 7)), one(b, n));
        n = FrameWriter.reachOut(b, 0, 4, v6);
        assertEquals(new Frame.ReachOut(4, v6), one(b, n));
        assertEquals(FrameType.REACH_OUT_V6, one(b, n).type());
        n = FrameWriter.removeAddress(b, 0, 300);
        assertEquals(new Frame.RemoveAddress(300), one(b, n));
    }

    @Test
    void pathAckCarriesThePathAndItsRanges() throws TransportException {
        RangeSet r = new RangeSet(8);
        for (long pn : new long[] {0, 1, 2, 5, 6, 9}) {
            r.add(pn);
        }
        byte[] b = new byte[64];
        int n = FrameWriter.pathAck(b, 0, 3, r, 7, 64, 64);
        assertEquals("3e03", Hex.encode(b, 0, 2));
        Frame.PathAck f = (Frame.PathAck) one(b, n);
        assertEquals(3, f.pathId());
        assertEquals(9, f.ack().largest());
        assertEquals(7, f.ack().ackDelay());
        assertArrayEquals(new long[] {9, 9, 6, 5, 2, 0}, f.ack().ranges());
        assertEquals(FrameType.PATH_ACK, f.type());
        assertFalse(FrameType.isAckEliciting(FrameType.PATH_ACK));
        // the ECN variant
        byte[] ecn = Hex.decode("3f0105000000" + "010203");
        Frame.PathAck e = (Frame.PathAck) one(ecn, ecn.length);
        assertEquals(1, e.pathId());
        assertEquals(3, e.ack().ce());
        assertEquals(FrameType.PATH_ACK_ECN, e.type());
    }

    @Test
    void multipathControlFramesRoundTrip() throws TransportException {
        byte[] b = new byte[64];
        assertEquals(new Frame.PathAbandon(5, 0x3e75), one(b, FrameWriter.pathAbandon(b, 0, 5, 0x3e75)));
        assertEquals(new Frame.PathStatus(1, 9, true), one(b, FrameWriter.pathStatus(b, 0, 1, 9, true)));
        assertEquals(new Frame.PathStatus(1, 10, false), one(b, FrameWriter.pathStatus(b, 0, 1, 10, false)));
        assertEquals(new Frame.PathRetireConnectionId(2, 3), one(b, FrameWriter.pathRetireConnectionId(b, 0, 2, 3)));
        assertEquals(new Frame.MaxPathId(0xffff_ffffL), one(b, FrameWriter.maxPathId(b, 0, 0xffff_ffffL)));
        assertEquals(new Frame.PathsBlocked(7), one(b, FrameWriter.pathsBlocked(b, 0, 7)));
        assertEquals(new Frame.PathCidsBlocked(1, 4), one(b, FrameWriter.pathCidsBlocked(b, 0, 1, 4)));
        ConnectionId cid = ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        byte[] token = new byte[16];
        Arrays.fill(token, (byte) 0xab);
        int n = FrameWriter.pathNewConnectionId(b, 0, 4, 6, 2, cid, token);
        assertEquals(n, FrameWriter.pathNewConnectionIdSize(4, 6, 2, cid));
        Frame.PathNewConnectionId f = (Frame.PathNewConnectionId) one(b, n);
        assertEquals(4, f.pathId());
        assertEquals(6, f.sequence());
        assertEquals(2, f.retirePriorTo());
        assertEquals(cid, f.id());
        assertArrayEquals(token, f.resetToken());
        for (long t : new long[] {FrameType.PATH_ACK, FrameType.PATH_ABANDON, FrameType.PATH_CIDS_BLOCKED}) {
            assertTrue(FrameType.isMultipath(t));
            assertFalse(FrameType.isNatTraversal(t));
        }
        assertTrue(FrameType.isNatTraversal(FrameType.REMOVE_ADDRESS));
        assertFalse(FrameType.isMultipath(FrameType.ACK));
    }

    @Test
    void malformedFramesAreEncodingErrors() {
        List<String> bad = List.of(
                "3e", // PATH_ACK without fields
                "3e0105000500", // first range beyond largest
                "7e75", "7e7601", "7e7a", // truncated
                "7e7a" + "c000000100000000", // path id above 2^32-1
                "7e7801020304" + "0909", // PATH_NEW_CONNECTION_ID retire_prior_to > sequence
                "7e780101" + "00" + "00" + "00".repeat(16), // zero-length CID
                "7e780101" + "00" + "15" + "00".repeat(37), // CID of 21 bytes
                "7e780101000409090909" + "00".repeat(15), // token cut short
                "803d7f9000c0000201", // ADD_ADDRESS without its port
                "803d7f91" + "00" + "00".repeat(10), // v6 address cut short
                "803d7f92", "803d7f94");
        for (String hex : bad) {
            byte[] b = Hex.decode(hex);
            TransportException e = assertThrows(TransportException.class, () -> one(b, b.length), hex);
            assertEquals(TransportError.FRAME_ENCODING_ERROR, e.error(), hex + ": " + e.getMessage());
            assertTrue(e.frameType() != 0, hex + " names the frame type");
        }
    }

    @Test
    void randomBytesAfterEachNewTypeNeverEscapeAsAnythingButATransportError() {
        long[] types = {FrameType.PATH_ACK, FrameType.PATH_ACK_ECN, FrameType.PATH_ABANDON,
            FrameType.PATH_STATUS_BACKUP, FrameType.PATH_STATUS_AVAILABLE, FrameType.PATH_NEW_CONNECTION_ID,
            FrameType.PATH_RETIRE_CONNECTION_ID, FrameType.MAX_PATH_ID, FrameType.PATHS_BLOCKED,
            FrameType.PATH_CIDS_BLOCKED, FrameType.ADD_ADDRESS_V4, FrameType.ADD_ADDRESS_V6, FrameType.REACH_OUT_V4,
            FrameType.REACH_OUT_V6, FrameType.REMOVE_ADDRESS};
        Random rnd = new Random(15);
        byte[] b = new byte[80];
        int errors = 0;
        for (int i = 0; i < 20_000; i++) {
            long type = types[rnd.nextInt(types.length)];
            int p = com.kafkaconnectiroh.p2p.quic.wire.VarInt.write(b, 0, type);
            int len = p + rnd.nextInt(b.length - p);
            for (int k = p; k < len; k++) {
                b[k] = (byte) rnd.nextInt();
            }
            FrameParser parser = new FrameParser().reset(b, 0, len);
            try {
                while (parser.hasNext()) {
                    parser.next();
                }
            } catch (TransportException e) {
                errors++;
                assertTrue(e.error() == TransportError.FRAME_ENCODING_ERROR
                        || e.error() == TransportError.PROTOCOL_VIOLATION, e.toString());
            } catch (RuntimeException e) {
                fail("type 0x" + Long.toHexString(type) + " input " + Hex.encode(b, 0, len) + " threw " + e);
            }
        }
        assertTrue(errors > 1000, "most random inputs are malformed: " + errors);
    }

    @Test
    void transportParametersMatchTheWireMapExamples() throws TransportException {
        TransportParameters tp = new TransportParameters();
        tp.initialMaxPathId = 7;
        tp.natTraversalMaxAddresses = 32;
        String hex = Hex.encode(tp.encode());
        // IROH-WIRE-MAP-RELAY.md §3.1 and §4.1 (derived)
        assertTrue(hex.contains("3e0107"), hex);
        assertTrue(hex.contains("c0003d7f911204010120"), hex);
        TransportParameters back = TransportParameters.decode(tp.encode(), false);
        assertEquals(7, back.initialMaxPathId);
        assertEquals(32, back.natTraversalMaxAddresses);
        TransportParameters none = TransportParameters.decode(new TransportParameters().encode(), false);
        assertEquals(-1, none.initialMaxPathId, "absent: no multipath");
        assertEquals(0, none.natTraversalMaxAddresses, "absent: no NAT traversal");
    }

    @Test
    void malformedExtensionParametersAreTransportParameterErrors() {
        for (String hex : List.of("3e0107" + "3e0107", // duplicate
                "3e08c000000100000000", // path id above 2^32-1
                "c0003d7f91120401" + "00", // QNT with no value
                "c0003d7f91120401" + "0200" + "20", // QNT of two bytes
                "c0003d7f91120401" + "0100", // QNT allowing 0 addresses
                "c0003d7f911204010120" + "c0003d7f911204010120")) { // duplicate
            TransportException e = assertThrows(TransportException.class,
                    () -> TransportParameters.decode(Hex.decode(hex), false), hex);
            assertEquals(TransportError.TRANSPORT_PARAMETER_ERROR, e.error(), hex);
        }
    }
}
