package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.quic.frame.Frame;
import com.kafkaconnectiroh.p2p.quic.frame.FrameParser;
import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.params.ObservedAddrRole;
import com.kafkaconnectiroh.p2p.quic.params.TransportParameters;
import com.kafkaconnectiroh.p2p.quic.wire.ByteWriter;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.quic.wire.TransportException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * QUIC address discovery (observed_addr, OBSERVED_IPV4/6_ADDR; IROH-WIRE-MAP-RELAY §2.2): the codec against the
 * wire map's derived bytes, the role negotiation, when reports go out and how a receiver takes them.
 */
class AddressDiscoveryTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void observedIpv4AddrMatchesTheWireMapExample() throws TransportException {
        InetSocketAddress addr = new InetSocketAddress("203.0.113.7", 54321);
        byte[] b = new byte[32];
        int n = FrameWriter.observedAddr(b, 0, 0, addr);
        assertEquals("809f81a600cb007107d431", Hex.encode(Arrays.copyOf(b, n)));
        assertEquals(n, FrameWriter.observedAddrSize(0, addr));
        Frame f = new FrameParser().reset(b, 0, n).next();
        assertEquals(new Frame.ObservedAddr(0, addr), f);
        assertEquals(FrameType.OBSERVED_IPV4_ADDR, f.type());
    }

    @Test
    void observedIpv6AddrRoundTrips() throws TransportException {
        InetSocketAddress addr = new InetSocketAddress("2001:db8::7", 443);
        byte[] b = new byte[40];
        int n = FrameWriter.observedAddr(b, 0, 300, addr);
        assertEquals("809f81a7412c20010db8000000000000000000000007" + "01bb", Hex.encode(Arrays.copyOf(b, n)));
        Frame.ObservedAddr f = (Frame.ObservedAddr) new FrameParser().reset(b, 0, n).next();
        assertEquals(300, f.sequence());
        assertEquals(addr, f.address());
        assertEquals(FrameType.OBSERVED_IPV6_ADDR, f.type());
    }

    @Test
    void aTruncatedReportIsAFrameEncodingError() {
        byte[] b = Hex.decode("809f81a600cb0071");
        TransportException e = assertThrows(TransportException.class, () -> new FrameParser().reset(b, 0, b.length).next());
        assertEquals(TransportError.FRAME_ENCODING_ERROR, e.error());
    }

    @Test
    void theParameterCarriesTheRoleAsAVarint() throws TransportException {
        TransportParameters tp = new TransportParameters();
        tp.observedAddr = ObservedAddrRole.RECEIVE_ONLY;
        byte[] enc = tp.encode();
        // the wire map's derived client parameter: id 0x9f81a176 (8-byte varint), length 1, role 1
        assertTrue(Hex.encode(enc).contains("c00000009f81a1760101"), Hex.encode(enc));
        assertEquals(ObservedAddrRole.RECEIVE_ONLY, TransportParameters.decode(enc, false).observedAddr);
        assertNull(TransportParameters.decode(new TransportParameters().encode(), false).observedAddr);
        for (ObservedAddrRole r : ObservedAddrRole.values()) {
            tp.observedAddr = r;
            assertEquals(r, TransportParameters.decode(tp.encode(), true).observedAddr);
        }
    }

    @Test
    void badRolesAreTransportParameterErrors() {
        byte[] role3 = new ByteWriter(16).varint(TransportParameters.OBSERVED_ADDR).varint(1).varint(3).toByteArray();
        byte[] trailing = new ByteWriter(16).varint(TransportParameters.OBSERVED_ADDR).varint(2).varint(1).u8(0)
                .toByteArray();
        byte[] empty = new ByteWriter(16).varint(TransportParameters.OBSERVED_ADDR).varint(0).toByteArray();
        ByteWriter twice = new ByteWriter(32);
        twice.varint(TransportParameters.OBSERVED_ADDR).varint(1).varint(1);
        twice.varint(TransportParameters.OBSERVED_ADDR).varint(1).varint(0);
        for (byte[] bad : List.of(role3, trailing, empty, twice.toByteArray())) {
            TransportException e = assertThrows(TransportException.class, () -> TransportParameters.decode(bad, true),
                    Hex.encode(bad));
            assertEquals(TransportError.TRANSPORT_PARAMETER_ERROR, e.error(), e.getMessage());
        }
    }

    @Test
    void aSendOnlyServerTellsAReceiveOnlyClientItsAddress() {
        Pair p = new Pair(71, new TransportConfig().observedAddrRole(ObservedAddrRole.RECEIVE_ONLY),
                new TransportConfig().observedAddrRole(ObservedAddrRole.SEND_ONLY)).establish();
        p.sim.runFor(SECOND);
        assertEquals(p.clientNode.addr, p.client.observedAddress());
        assertEquals(List.of(new ConnectionEvent.ObservedAddress(p.clientNode.addr)),
                Pair.of(p.clientEvents, ConnectionEvent.ObservedAddress.class));
        assertNull(p.server.observedAddress(), "the client reports nothing");
        assertTrue(Pair.of(p.serverEvents, ConnectionEvent.ObservedAddress.class).isEmpty());
    }

    @Test
    void bothRolesReportBothWays() {
        Pair p = new Pair(72, new TransportConfig().observedAddrRole(ObservedAddrRole.BOTH),
                new TransportConfig().observedAddrRole(ObservedAddrRole.BOTH)).establish();
        p.sim.runFor(SECOND);
        assertEquals(p.clientNode.addr, p.client.observedAddress());
        assertEquals(p.serverNode.addr, p.server.observedAddress());
    }

    @Test
    void noReportsWithoutAMatchingRole() {
        // two receivers, and one side without the parameter: nobody sends
        for (TransportConfig[] cfg : List.of(
                new TransportConfig[] {new TransportConfig().observedAddrRole(ObservedAddrRole.RECEIVE_ONLY),
                        new TransportConfig().observedAddrRole(ObservedAddrRole.RECEIVE_ONLY)},
                new TransportConfig[] {new TransportConfig().observedAddrRole(ObservedAddrRole.RECEIVE_ONLY),
                        new TransportConfig()})) {
            Pair p = new Pair(73, cfg[0], cfg[1]).establish();
            p.sim.runFor(SECOND);
            assertNull(p.client.observedAddress());
            assertNull(p.server.observedAddress());
            assertTrue(p.client.isHandshakeConfirmed() && !p.client.isClosed());
        }
    }

    @Test
    void aNewAddressIsReportedAgainAndAnOldSequenceNumberIsIgnored() {
        Pair p = new Pair(74, new TransportConfig().observedAddrRole(ObservedAddrRole.RECEIVE_ONLY),
                new TransportConfig().observedAddrRole(ObservedAddrRole.SEND_ONLY)).establish();
        p.sim.runFor(SECOND);
        InetSocketAddress first = p.clientNode.addr;
        assertEquals(first, p.client.observedAddress());

        // the client's NAT rebinds: the server moves to the new path and reports the new address (seq 1)
        InetSocketAddress rebound = new InetSocketAddress("10.0.0.99", 6000);
        p.sim.rebind(p.clientNode, rebound);
        p.stream(p.client, false, 20_000);
        p.sim.runUntil(() -> rebound.equals(p.client.observedAddress()), 30 * SECOND);
        assertEquals(List.of(new ConnectionEvent.ObservedAddress(first), new ConnectionEvent.ObservedAddress(rebound)),
                Pair.of(p.clientEvents, ConnectionEvent.ObservedAddress.class));

        // a late copy of the first report (seq 0) changes nothing
        byte[] frame = new byte[32];
        int n = FrameWriter.observedAddr(frame, 0, 0, first);
        p.sim.inject(p.serverNode.addr, rebound, p.server.sealRawPacket(p.sim.now, PacketSpace.APPLICATION,
                Arrays.copyOf(frame, n)));
        p.sim.runFor(SECOND);
        assertEquals(rebound, p.client.observedAddress());
        assertEquals(2, Pair.of(p.clientEvents, ConnectionEvent.ObservedAddress.class).size());
        assertTrue(!p.client.isClosed());
    }

    @Test
    void aLostReportIsSentAgain() {
        Pair p = new Pair(75, new TransportConfig().observedAddrRole(ObservedAddrRole.RECEIVE_ONLY),
                new TransportConfig().observedAddrRole(ObservedAddrRole.SEND_ONLY));
        // drop the server's first 1-RTT packets: the report in them is lost and must come again
        int[] dropped = {0};
        p.sim.filter = (from, to, data) -> from.equals(p.serverNode.addr) && (data[0] & 0x80) == 0 && dropped[0]++ < 2
                ? null : data;
        p.establish();
        p.sim.runUntil(() -> p.client.observedAddress() != null, 30 * SECOND);
        assertTrue(dropped[0] >= 2, "1-RTT packets were dropped: " + dropped[0]);
        assertEquals(p.clientNode.addr, p.client.observedAddress());
    }

    @Test
    void aReportThatWasNotNegotiatedIsAProtocolViolation() {
        // neither side sent observed_addr: a report breaks the rules
        Pair p = new Pair(76, new TransportConfig(), new TransportConfig()).establish();
        byte[] frame = new byte[32];
        int n = FrameWriter.observedAddr(frame, 0, 0, p.clientNode.addr);
        p.sim.inject(p.serverNode.addr, p.clientNode.addr, p.server.sealRawPacket(p.sim.now, PacketSpace.APPLICATION,
                Arrays.copyOf(frame, n)));
        p.sim.runUntil(() -> p.client.isClosed(), 10 * SECOND);
        assertEquals(TransportError.PROTOCOL_VIOLATION.code(), p.client.closeReason().errorCode());
        assertEquals(FrameType.OBSERVED_IPV4_ADDR, p.client.closeReason().frameType());
    }

    @Test
    void aReportInAHandshakePacketIsAProtocolViolation() {
        Pair p = new Pair(77, new TransportConfig().observedAddrRole(ObservedAddrRole.BOTH),
                new TransportConfig().observedAddrRole(ObservedAddrRole.BOTH));
        p.sim.runUntil(() -> p.server != null && p.client.peerTransportParameters() != null, 10 * SECOND);
        byte[] frame = new byte[32];
        int n = FrameWriter.observedAddr(frame, 0, 0, p.serverNode.addr);
        p.sim.inject(p.clientNode.addr, p.serverNode.addr, p.client.sealRawPacket(p.sim.now, PacketSpace.HANDSHAKE,
                Arrays.copyOf(frame, n)));
        p.sim.runUntil(() -> p.server.isClosed(), 10 * SECOND);
        assertEquals(TransportError.PROTOCOL_VIOLATION.code(), p.server.closeReason().errorCode());
    }

    @Test
    void aPacketWithOnlyAReportIsProbingAndDoesNotMigrate() {
        // noq sends OBSERVED_ADDR beside PATH_CHALLENGE on paths it probes; such a packet must not move us there
        Pair p = new Pair(78, new TransportConfig().observedAddrRole(ObservedAddrRole.BOTH),
                new TransportConfig().observedAddrRole(ObservedAddrRole.BOTH)).establish();
        p.sim.runFor(SECOND);
        InetSocketAddress home = p.clientNode.addr;
        InetSocketAddress probe = new InetSocketAddress("10.0.0.77", 7000);
        byte[] frame = new byte[32];
        int n = FrameWriter.observedAddr(frame, 0, 5, p.serverNode.addr);
        p.sim.inject(probe, p.serverNode.addr, p.client.sealRawPacket(p.sim.now, PacketSpace.APPLICATION,
                Arrays.copyOf(frame, n)));
        p.sim.runFor(SECOND);
        assertEquals(home, p.server.remoteAddress());
        assertTrue(!p.server.isClosed());
    }
}
