package com.kafkaconnectiroh.p2p.quic.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.wire.ByteWriter;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class TransportParametersTest {

    private static TransportParameters full() {
        TransportParameters tp = new TransportParameters();
        tp.originalDestinationConnectionId = ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        tp.maxIdleTimeout = 30_000;
        tp.statelessResetToken = new byte[16];
        tp.maxUdpPayloadSize = 1472;
        tp.initialMaxData = 1L << 40;
        tp.initialMaxStreamDataBidiLocal = 1_250_000;
        tp.initialMaxStreamDataBidiRemote = 1_250_000;
        tp.initialMaxStreamDataUni = 1_250_000;
        tp.initialMaxStreamsBidi = 100;
        tp.initialMaxStreamsUni = 100;
        tp.ackDelayExponent = 4;
        tp.maxAckDelay = 30;
        tp.disableActiveMigration = true;
        tp.activeConnectionIdLimit = 5;
        tp.initialSourceConnectionId = ConnectionId.of(new byte[] {9, 9, 9, 9});
        tp.retrySourceConnectionId = ConnectionId.of(new byte[] {7, 7});
        tp.maxDatagramFrameSize = 65535;
        tp.preferredAddress = new PreferredAddress(new InetSocketAddress("1.2.3.4", 4433), null,
                ConnectionId.of(new byte[] {5, 5, 5}), new byte[16]);
        return tp;
    }

    @Test
    void roundTrip() throws TransportException {
        TransportParameters tp = full();
        TransportParameters back = TransportParameters.decode(tp.encode(), true);
        assertTrue(tp.sameAs(back), back.toString());
        assertEquals(30_000, back.maxIdleTimeout);
        assertEquals(1472, back.maxUdpPayloadSize);
        assertEquals(ConnectionId.of(new byte[] {7, 7}), back.retrySourceConnectionId);
        assertEquals(new InetSocketAddress("1.2.3.4", 4433), back.preferredAddress.ipv4());
        assertNull(back.preferredAddress.ipv6());
        assertEquals(65535, back.maxDatagramFrameSize);
    }

    @Test
    void defaultsWhenAbsent() throws TransportException {
        TransportParameters tp = TransportParameters.decode(new byte[0], true);
        assertEquals(65527, tp.maxUdpPayloadSize);
        assertEquals(3, tp.ackDelayExponent);
        assertEquals(25, tp.maxAckDelay);
        assertEquals(2, tp.activeConnectionIdLimit);
        assertNull(tp.initialSourceConnectionId);
    }

    @Test
    void unknownParametersAreSkipped() throws TransportException {
        // iroh sends min_ack_delay (0xff04de1b), a grease id and its multipath/NAT-traversal ids (the last two
        // are known now: decoded, not skipped)
        ByteWriter w = new ByteWriter(100);
        w.varint(0xff04de1bL).varint(2).varint(1000);
        w.varint(0x3d7f91120401L).varint(1).varint(32);
        w.varint(0x3e).varint(1).varint(7);
        w.varint(TransportParameters.INITIAL_MAX_DATA).varint(2).varint(1000);
        TransportParameters tp = TransportParameters.decode(w.toByteArray(), false);
        assertEquals(1000, tp.initialMaxData);
        assertEquals(7, tp.initialMaxPathId);
        assertEquals(32, tp.natTraversalMaxAddresses);
    }

    private static void rejects(byte[] body, boolean fromServer) {
        TransportException e = assertThrows(TransportException.class,
                () -> TransportParameters.decode(body, fromServer));
        assertEquals(TransportError.TRANSPORT_PARAMETER_ERROR, e.error());
    }

    @Test
    void invalidValuesAreTransportParameterErrors() {
        rejects(new ByteWriter(20).varint(3).varint(2).varint(1199).toByteArray(), true);
        rejects(new ByteWriter(20).varint(0x0a).varint(1).varint(21).toByteArray(), true);
        rejects(new ByteWriter(20).varint(0x0b).varint(2).varint(1 << 14).toByteArray(), true);
        rejects(new ByteWriter(20).varint(0x0e).varint(1).varint(1).toByteArray(), true);
        rejects(new ByteWriter(20).varint(0x08).varint(8).varint((1L << 60) + 1).toByteArray(), true);
        rejects(new ByteWriter(20).varint(0x02).varint(3).bytes(new byte[3]).toByteArray(), true);
        rejects(new ByteWriter(20).varint(0x0c).varint(1).u8(0).toByteArray(), true);
        // duplicate
        rejects(new ByteWriter(20).varint(4).varint(1).varint(1).varint(4).varint(1).varint(1).toByteArray(), true);
        // truncated
        rejects(new byte[] {0x04, 0x05, 0x01}, true);
        // trailing bytes inside a value
        rejects(new ByteWriter(20).varint(4).varint(2).varint(1).u8(0).toByteArray(), true);
    }

    @Test
    void clientsMustNotSendServerOnlyParameters() {
        TransportParameters tp = new TransportParameters();
        tp.originalDestinationConnectionId = ConnectionId.of(new byte[8]);
        rejects(tp.encode(), false);
        tp = new TransportParameters();
        tp.statelessResetToken = new byte[16];
        rejects(tp.encode(), false);
        tp = new TransportParameters();
        tp.retrySourceConnectionId = ConnectionId.of(new byte[8]);
        rejects(tp.encode(), false);
        tp = full();
        tp.originalDestinationConnectionId = null;
        tp.statelessResetToken = null;
        tp.retrySourceConnectionId = null;
        tp.preferredAddress = new PreferredAddress(null, null, ConnectionId.of(new byte[] {1}), new byte[16]);
        rejects(tp.encode(), false);
    }

    @Test
    void preferredAddressNeedsAConnectionId() {
        ByteWriter w = new ByteWriter(100);
        w.varint(0x0d).varint(4 + 2 + 16 + 2 + 1 + 16).zeros(24).u8(0).zeros(16);
        rejects(w.toByteArray(), true);
        TransportParameters tp = full();
        assertNotNull(tp.preferredAddress);
        assertArrayEquals(tp.encode(), tp.encode(), "deterministic encoding");
    }
}
