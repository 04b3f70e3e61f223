package com.kafkaconnectiroh.p2p.relay.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.PeerKey;
import com.kafkaconnectiroh.p2p.relay.RelayFrames;
import com.kafkaconnectiroh.p2p.relay.RelayHandshake;
import com.kafkaconnectiroh.p2p.relay.RelayServerConnection;
import com.kafkaconnectiroh.p2p.relay.ws.WebSocketFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a client that breaks the protocol gets from our relay over a real socket: a clean end of its connection
 * (an HTTP error or a WebSocket close, then the TCP close), counted, while the relay goes on serving everyone else.
 */
@Timeout(60)
class RelayServerHostileInputTest {
    RelayServer relay;
    InetSocketAddress at;

    @BeforeEach
    void start() throws Exception {
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0))
                .timings(new RelayServerConnection.Timings(15_000_000_000L, 5_000_000_000L, 1_000_000_000L)));
        at = relay.localAddress();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    /** Two fresh clients still get a datagram through. */
    void relayStillServes() throws IOException {
        try (RawRelayClient a = RawRelayClient.connected(at, SecretKey.generate());
             RawRelayClient b = RawRelayClient.connected(at, SecretKey.generate())) {
            byte[] d = "still here".getBytes(StandardCharsets.UTF_8);
            a.sendDatagram(b.key, d);
            RawRelayClient.Message m = b.readMessage();
            assertEquals(RelayFrames.RELAY_TO_CLIENT_DATAGRAM, m.relayType());
            assertArrayEquals(a.key.toBytes(), Arrays.copyOfRange(m.payload(), 1, 33), "source id rewritten");
            assertArrayEquals(d, Arrays.copyOfRange(m.payload(), RelayFrames.DATAGRAM_HEADER, m.payload().length));
        }
    }

    long metric(String name) {
        return relay.metrics().snapshot().get(name);
    }

    /** Sends {@code bytes} on a new connection and returns the HTTP answer, which must end with the connection. */
    String httpAnswer(byte[] bytes) throws IOException {
        try (RawRelayClient c = new RawRelayClient(at)) {
            c.writeRaw(bytes);
            return new String(c.readToClose(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void malformedHttpGetsAnErrorStatusAndTheConnectionEnds() throws Exception {
        assertTrue(httpAnswer("\u0016\u0003\u0001 not http at all\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))
                .startsWith("HTTP/1.1 400 "));
        byte[] endless = new byte[64 << 10];
        Arrays.fill(endless, (byte) 'a');
        byte[] request = ("GET / HTTP/1.1\r\nX-Long: " + new String(endless, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        String tooLong = httpAnswer(request);
        assertTrue(tooLong.startsWith("HTTP/1.1 431 ") || tooLong.startsWith("HTTP/1.1 400 "), tooLong);
        assertTrue(httpAnswer("POST /relay HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))
                .startsWith("HTTP/1.1 405 "));
        String noProtocol = httpAnswer(("GET /relay HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: some-other-protocol\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(noProtocol.startsWith("HTTP/1.1 400 ") && noProtocol.contains("iroh-relay-v2"), noProtocol);
        String oldVersion = httpAnswer(("GET /relay HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n"
                + "Sec-WebSocket-Protocol: iroh-relay-v2\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(oldVersion.startsWith("HTTP/1.1 400 ") && oldVersion.contains("Sec-WebSocket-Version: 13"), oldVersion);
        relayStillServes();
    }

    @Test
    void aSilentConnectionIsClosedAtTheSetUpDeadline() throws Exception {
        try (RawRelayClient c = new RawRelayClient(at)) {
            long t0 = System.nanoTime();
            assertEquals(0, c.readToClose().length);
            assertTrue(System.nanoTime() - t0 < 8_000_000_000L, "closed within the 1 s set-up deadline (and slack)");
        }
        try (RawRelayClient c = new RawRelayClient(at)) {
            c.upgrade();
            c.readChallenge(); // and never answer it
            c.readToClose();
        }
        relayStillServes();
    }

    /** Upgraded and authenticated, sends {@code frame} raw and expects the relay to close with {@code closeCode}. */
    void brokenFrameEndsTheConnection(byte[] frameBytes, int closeCode) throws Exception {
        long before = metric("disconnects_protocol_error_total");
        try (RawRelayClient c = RawRelayClient.connected(at, SecretKey.generate())) {
            c.writeRaw(frameBytes);
            byte[] rest = c.readToClose();
            // the last thing before the TCP close is a WebSocket close frame with the code (2 bytes header, code)
            assertTrue(rest.length >= 4, "no WebSocket close before the end: " + rest.length + " bytes");
            int at = rest.length - 4;
            while (at >= 0 && !((rest[at] & 0xFF) == (0x80 | WebSocketFrames.OP_CLOSE))) {
                at--;
            }
            assertTrue(at >= 0, "no WebSocket close frame");
            assertEquals(closeCode, ((rest[at + 2] & 0xFF) << 8) | (rest[at + 3] & 0xFF));
        }
        RelayServerTest.waitFor("the disconnect to be counted", () -> metric("disconnects_protocol_error_total") == before + 1);
    }

    static byte[] maskedFrame(int firstByte, byte[] payload) {
        ByteBuf f = Unpooled.buffer();
        WebSocketFrames.writeHeader(f, firstByte & 0x0F, payload.length, true, 0x01020304);
        f.setByte(0, firstByte);
        int at = f.writerIndex();
        f.writeBytes(payload);
        WebSocketFrames.mask(f, at, payload.length, 0x01020304);
        return RawRelayClient.bytes(f);
    }

    @Test
    void badWebSocketFramesEndTheConnectionWithAProtocolErrorClose() throws Exception {
        byte[] ping = {RelayFrames.PING, 1, 2, 3, 4, 5, 6, 7, 8};
        // not masked
        brokenFrameEndsTheConnection(new byte[] {(byte) 0x82, 9, RelayFrames.PING, 1, 2, 3, 4, 5, 6, 7, 8}, 1002);
        // reserved bit
        brokenFrameEndsTheConnection(maskedFrame(0x80 | 0x40 | WebSocketFrames.OP_BINARY, ping), 1002);
        // unknown opcode
        brokenFrameEndsTheConnection(maskedFrame(0x80 | 0x3, ping), 1002);
        // fragmented control frame
        brokenFrameEndsTheConnection(maskedFrame(WebSocketFrames.OP_PING, new byte[4]), 1002);
        relayStillServes();
    }

    @Test
    void anOversizeFrameEndsTheConnectionBeforeItIsRead() throws Exception {
        // a header announcing 1 TiB: refused from the header alone (1009 message too big)
        byte[] header = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        brokenFrameEndsTheConnection(header, 1009);
        // one byte over the largest relay frame
        brokenFrameEndsTheConnection(maskedFrame(0x80 | WebSocketFrames.OP_BINARY, new byte[RelayFrames.MAX_MESSAGE + 1]), 1009);
        relayStillServes();
    }

    @Test
    void unknownOrMalformedRelayFramesEndTheConnection() throws Exception {
        brokenFrameEndsTheConnection(maskedFrame(0x80 | WebSocketFrames.OP_BINARY, new byte[] {0x30, 1, 2}), 1002);
        brokenFrameEndsTheConnection(maskedFrame(0x80 | WebSocketFrames.OP_BINARY, new byte[] {(byte) 0xC0, 1}), 1002);
        // a server-to-client frame type from a client
        brokenFrameEndsTheConnection(maskedFrame(0x80 | WebSocketFrames.OP_BINARY, new byte[33]), 1002);
        // a datagram frame too short for its destination id
        brokenFrameEndsTheConnection(maskedFrame(0x80 | WebSocketFrames.OP_BINARY,
                new byte[] {RelayFrames.CLIENT_TO_RELAY_DATAGRAM, 1, 2, 3}), 1002);
        // a ping with 3 bytes instead of 8
        brokenFrameEndsTheConnection(maskedFrame(0x80 | WebSocketFrames.OP_BINARY, new byte[] {RelayFrames.PING, 1, 2, 3}), 1002);
        relayStillServes();
    }

    @Test
    void aBadSignatureIsDeniedAndTheConnectionEnds() throws Exception {
        SecretKey key = SecretKey.generate();
        try (RawRelayClient c = new RawRelayClient(at)) {
            c.upgrade();
            byte[] challenge = c.readChallenge();
            challenge[0] ^= 1; // sign something else
            ByteBuf auth = Unpooled.buffer();
            RelayHandshake.writeClientAuth(auth, key, challenge);
            c.sendMessage(RawRelayClient.bytes(auth));
            RawRelayClient.Message m = c.readMessage();
            assertEquals(RelayFrames.SERVER_DENIES_AUTH, m.relayType());
            ByteBuf p = Unpooled.wrappedBuffer(m.payload());
            assertEquals("signature invalid", RelayHandshake.readDenyReason(p, 0, p.readableBytes()));
            c.readToClose();
        }
        // a ClientAuth of the wrong length, and a datagram before authenticating
        for (byte[] instead : new byte[][] {new byte[] {RelayFrames.CLIENT_AUTH, 1, 2}, new byte[40]}) {
            try (RawRelayClient c = new RawRelayClient(at)) {
                c.upgrade();
                c.readChallenge();
                instead[0] = instead.length == 40 ? RelayFrames.CLIENT_TO_RELAY_DATAGRAM : instead[0];
                c.sendMessage(instead);
                c.readToClose();
            }
        }
        assertEquals(0, relay.clientCount());
        Map<String, Long> m = relay.metrics().snapshot();
        assertEquals(0L, m.get("clients_authenticated_total"), m.toString());
        assertEquals(2L, m.get("handshakes_failed_total"), m.toString());
        relayStillServes();
    }

    @Test
    void aClientThatNeverAnswersPingsIsDropped() throws Exception {
        relay.close();
        // keep-alive after 100 ms (+ iroh's 1-5 s of jitter), Pong within 300 ms
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0))
                .timings(new RelayServerConnection.Timings(100_000_000L, 300_000_000L, 5_000_000_000L)));
        at = relay.localAddress();
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (RawRelayClient mute = RawRelayClient.connected(at, SecretKey.generate());
             RawRelayClient polite = RawRelayClient.connected(at, SecretKey.generate())) {
            // the polite one answers every Ping while the test waits for the mute one to be dropped
            java.util.concurrent.Future<RawRelayClient.Message> next = reader.submit(polite::readAnsweringPings);
            assertEquals(RelayFrames.PING, mute.readMessage().relayType());
            mute.readToClose();
            RelayServerTest.waitFor("the mute one to be gone", () -> relay.clientCount() == 1);
            assertTrue(metric("disconnects_timeout_total") >= 1);
            PeerKey self = polite.key;
            polite.sendDatagram(self, new byte[] {42}); // to itself: still served
            RawRelayClient.Message echo = next.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(RelayFrames.RELAY_TO_CLIENT_DATAGRAM, echo.relayType());
            assertEquals(0L, metric("disconnects_timeout_total") - 1, "only the mute one timed out");
        } finally {
            reader.shutdownNow();
        }
    }
}
