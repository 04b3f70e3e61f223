package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.wire.ByteWriter;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer that breaks the protocol: frames protected with valid keys but wrong in content. The receiver must close
 * with the RFC 9000 error code, and the misbehaving side must hear that code.
 */
class ProtocolErrorTest {

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("unknown frame type", TransportError.FRAME_ENCODING_ERROR.code(),
                        payload(w -> w.varint(0x21).varint(0))),
                Arguments.of("truncated frame", TransportError.FRAME_ENCODING_ERROR.code(),
                        payload(w -> w.u8(FrameType.MAX_STREAM_DATA).u8(0x40))),
                Arguments.of("packet without frames", TransportError.PROTOCOL_VIOLATION.code(), new byte[0]),
                Arguments.of("HANDSHAKE_DONE from a client", TransportError.PROTOCOL_VIOLATION.code(),
                        payload(w -> w.u8(FrameType.HANDSHAKE_DONE))),
                Arguments.of("NEW_TOKEN from a client", TransportError.PROTOCOL_VIOLATION.code(),
                        payload(w -> w.u8(FrameType.NEW_TOKEN).varint(3).bytes(new byte[] {1, 2, 3}))),
                Arguments.of("STREAM on the server's send-only stream", TransportError.STREAM_STATE_ERROR.code(),
                        payload(w -> w.u8(0x0a).varint(StreamId.of(false, false, 0)).varint(1).u8(7))),
                Arguments.of("STREAM on a stream the server never opened", TransportError.STREAM_STATE_ERROR.code(),
                        payload(w -> w.u8(0x0a).varint(StreamId.of(false, true, 5)).varint(1).u8(7))),
                Arguments.of("stream beyond the limit", TransportError.STREAM_LIMIT_ERROR.code(),
                        payload(w -> w.u8(0x0a).varint(StreamId.of(true, true, 100)).varint(1).u8(7))),
                Arguments.of("data beyond stream flow control", TransportError.FLOW_CONTROL_ERROR.code(),
                        payload(w -> w.u8(0x0e).varint(0).varint(1_250_000).varint(1).u8(7))),
                Arguments.of("final size changes", TransportError.FINAL_SIZE_ERROR.code(),
                        payload(w -> w.u8(0x0b).varint(0).varint(1).u8(7)
                                .u8(0x0f).varint(0).varint(5).varint(1).u8(8))),
                Arguments.of("reset below received data", TransportError.FINAL_SIZE_ERROR.code(),
                        payload(w -> w.u8(0x0a).varint(0).varint(10).bytes(new byte[10])
                                .u8(FrameType.RESET_STREAM).varint(0).varint(1).varint(3))),
                Arguments.of("ACK of a packet never sent", TransportError.PROTOCOL_VIOLATION.code(),
                        payload(w -> w.u8(FrameType.ACK).varint(1_000_000).varint(0).varint(0).varint(0))),
                Arguments.of("ACK range below zero", TransportError.FRAME_ENCODING_ERROR.code(),
                        payload(w -> w.u8(FrameType.ACK).varint(2).varint(0).varint(0).varint(5))),
                Arguments.of("MAX_STREAMS above 2^60", TransportError.FRAME_ENCODING_ERROR.code(),
                        payload(w -> w.u8(FrameType.MAX_STREAMS_BIDI).varint((1L << 60) + 1))),
                Arguments.of("RETIRE_CONNECTION_ID never issued", TransportError.PROTOCOL_VIOLATION.code(),
                        payload(w -> w.u8(FrameType.RETIRE_CONNECTION_ID).varint(1000))),
                Arguments.of("too many connection IDs", TransportError.CONNECTION_ID_LIMIT_ERROR.code(),
                        payload(w -> {
                            for (int i = 1; i <= 12; i++) {
                                byte[] b = new byte[64];
                                int n = FrameWriter.newConnectionId(b, 0, 100 + i, 0,
                                        ConnectionId.of(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i}), new byte[16]);
                                w.bytes(b, 0, n);
                            }
                        })),
                Arguments.of("NEW_CONNECTION_ID with retire_prior_to above sequence",
                        TransportError.FRAME_ENCODING_ERROR.code(),
                        payload(w -> w.u8(FrameType.NEW_CONNECTION_ID).varint(1).varint(2).u8(8)
                                .bytes(new byte[8]).bytes(new byte[16]))),
                Arguments.of("DATAGRAM not negotiated", TransportError.PROTOCOL_VIOLATION.code(),
                        payload(w -> w.u8(FrameType.DATAGRAM_LEN).varint(1).u8(0))),
                Arguments.of("STOP_SENDING on the client's own receive-only stream", TransportError.STREAM_STATE_ERROR.code(),
                        payload(w -> w.u8(FrameType.STOP_SENDING).varint(StreamId.of(true, false, 0)).varint(0))),
                Arguments.of("frame type not minimally encoded", TransportError.PROTOCOL_VIOLATION.code(),
                        payload(w -> w.u8(0x40).u8(0x01))));
    }

    private static byte[] payload(java.util.function.Consumer<ByteWriter> f) {
        ByteWriter w = new ByteWriter(1200);
        f.accept(w);
        return w.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void serverClosesWithTheRightCode(String what, long code, byte[] frames) {
        Pair p = new Pair(50, new TransportConfig(), new TransportConfig()).establish();
        byte[] pkt = p.client.sealRawPacket(p.sim.now, PacketSpace.APPLICATION, frames);
        assertNotNull(pkt);
        p.sim.inject(p.clientNode.addr, p.serverNode.addr, pkt);
        p.sim.runUntil(() -> p.server.isClosed() && p.client.isClosed(), 10_000_000_000L);
        CloseReason local = p.server.closeReason();
        assertEquals(CloseReason.Source.LOCAL, local.source(), what);
        assertFalse(local.application());
        assertEquals(TransportError.name(code), TransportError.name(local.errorCode()), what + ": " + local);
        CloseReason remote = p.client.closeReason();
        assertEquals(CloseReason.Source.PEER, remote.source());
        assertEquals(code, remote.errorCode(), what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handshakeSpaceViolations")
    void framesNotAllowedInHandshakePacketsAreProtocolViolations(String what, Function<Pair, byte[]> make) {
        Pair p = new Pair(51, new TransportConfig(), new TransportConfig());
        // stop after the server has Handshake keys and the client can still send Handshake packets
        p.sim.runUntil(() -> p.server != null && p.client.peerTransportParameters() != null, 10_000_000_000L);
        byte[] pkt = make.apply(p);
        assertNotNull(pkt, what);
        p.sim.inject(p.clientNode.addr, p.serverNode.addr, pkt);
        p.sim.runUntil(() -> p.server.isClosed(), 10_000_000_000L);
        assertEquals(TransportError.PROTOCOL_VIOLATION.code(), p.server.closeReason().errorCode(), what);
    }

    static Stream<Arguments> handshakeSpaceViolations() {
        byte[] stream = payload(w -> w.u8(0x0a).varint(0).varint(1).u8(7));
        byte[] appClose = payload(w -> w.u8(FrameType.CONNECTION_CLOSE_APP).varint(1).varint(0));
        return Stream.of(
                Arguments.of("STREAM in a Handshake packet",
                        (Function<Pair, byte[]>) p -> p.client.sealRawPacket(p.sim.now, PacketSpace.HANDSHAKE, stream)),
                Arguments.of("application CONNECTION_CLOSE in a Handshake packet",
                        (Function<Pair, byte[]>) p -> p.client.sealRawPacket(p.sim.now, PacketSpace.HANDSHAKE,
                                appClose)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clientSideViolations")
    void clientClosesWithTheRightCode(String what, long code, byte[] frames) {
        Pair p = new Pair(52, new TransportConfig(), new TransportConfig()).establish();
        byte[] pkt = p.server.sealRawPacket(p.sim.now, PacketSpace.APPLICATION, frames);
        p.sim.inject(p.serverNode.addr, p.clientNode.addr, pkt);
        p.sim.runUntil(() -> p.client.isClosed(), 10_000_000_000L);
        assertEquals(TransportError.name(code), TransportError.name(p.client.closeReason().errorCode()), what);
        assertTrue(p.sim.now > 0);
    }

    static Stream<Arguments> clientSideViolations() {
        return Stream.of(
                Arguments.of("CRYPTO data far beyond what TLS consumed", TransportError.CRYPTO_BUFFER_EXCEEDED.code(),
                        payload(w -> w.u8(FrameType.CRYPTO).varint(1_000_000).varint(1).u8(0))),
                Arguments.of("garbage post-handshake TLS message", TransportError.cryptoError(TlsAlert.UNEXPECTED_MESSAGE),
                        payload(w -> w.u8(FrameType.CRYPTO).varint(0).varint(4).bytes(new byte[] {20, 0, 0, 0}))));
    }
}
