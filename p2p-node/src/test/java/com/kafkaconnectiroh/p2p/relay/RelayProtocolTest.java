package com.kafkaconnectiroh.p2p.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.ws.WebSocketFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The relay protocol cores without I/O: frame bytes against iroh's own vectors (IR {@code protos/relay.rs}
 * {@code test_relay_client_frames_snapshot}, {@code test_client_relay_frames_snapshot}), the upgrade and challenge
 * handshake between our client and server cores wired back to back, access control, keep-alive, and frames a
 * peer must not send.
 */
class RelayProtocolTest {
    static final long S = 1_000_000_000L;
    /** iroh's vectors use the public key of the secret [0x2a; 32]. */
    static final SecretKey KEY_2A = SecretKey.fromBytes(filled(32, 0x2a));
    static final String KEY_HEX = "197f6b23e16c8532c6abc838facd5ea789be0c76b2920334039bfa8b3d368d61";
    static final String HELLO = Hex.encode("Hello World!".getBytes(StandardCharsets.US_ASCII));

    static byte[] filled(int n, int b) {
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) b);
        return a;
    }

    /** The relay frame inside one WebSocket message (unmasked as the peer would read it). */
    static String frameOf(ByteBuf wsMessage) {
        byte[] b = ByteBufUtil.getBytes(wsMessage);
        wsMessage.release();
        int len = b[1] & 0x7F;
        int at = len == 126 ? 4 : len == 127 ? 10 : 2;
        boolean masked = (b[1] & 0x80) != 0;
        byte[] body = Arrays.copyOfRange(b, at + (masked ? 4 : 0), b.length);
        if (masked) {
            for (int i = 0; i < body.length; i++) {
                body[i] ^= b[at + (i & 3)];
            }
        }
        return Hex.encode(body);
    }

    @Test
    void keyOfTheVectorsIsIrohs() {
        assertEquals(KEY_HEX, KEY_2A.publicKey().toString());
    }

    @Test
    void relayToClientFramesMatchIrohsVectors() {
        PeerKey k = PeerKey.of(KEY_2A.publicKey());
        ByteBufAllocator a = ByteBufAllocator.DEFAULT;
        ByteBuf hello = Unpooled.wrappedBuffer("Hello World!".getBytes(StandardCharsets.US_ASCII));
        assertEquals("06" + KEY_HEX + "03" + HELLO, frameOf(RelayServerConnection.encodeDatagrams(a, k, 3, 0, hello, 0, 12)));
        assertEquals("07" + KEY_HEX + "03" + "0006" + HELLO, frameOf(RelayServerConnection.encodeDatagrams(a, k, 3, 6, hello, 0, 12)));
        assertEquals("08" + KEY_HEX, frameOf(RelayServerConnection.encodeEndpointGone(a, k)));
        assertEquals("0c0000000a00000014", frameOf(RelayServerConnection.encodeRestarting(a, 10, 20)));
        assertEquals("0d01", frameOf(RelayServerConnection.encodeStatus(a, RelayVersion.V2, RelayFrames.STATUS_SAME_ENDPOINT_ID_CONNECTED)));
        ByteBuf f = Unpooled.buffer();
        RelayFrames.writePing(f, RelayFrames.PING, 0x2a2a2a2a2a2a2a2aL);
        assertEquals("09" + "2a".repeat(8), Hex.encode(ByteBufUtil.getBytes(f)));
        f.clear();
        RelayFrames.writePing(f, RelayFrames.PONG, 0x2a2a2a2a2a2a2a2aL);
        assertEquals("0a" + "2a".repeat(8), Hex.encode(ByteBufUtil.getBytes(f)));
        f.clear();
        RelayFrames.writeHealth(f, "Hello? Yes this is dog.");
        assertEquals("0b" + Hex.encode("Hello? Yes this is dog.".getBytes(StandardCharsets.UTF_8)), Hex.encode(ByteBufUtil.getBytes(f)));
    }

    // ================================================================================================
    // Client and server cores back to back

    /** A client core and a server core exchanging bytes in memory, one message at a time. */
    static final class Pair {
        final SecretKey clientKey;
        final List<String> clientEvents = new ArrayList<>();
        final List<String> serverEvents = new ArrayList<>();
        final ArrayDeque<ByteBuf> toServer = new ArrayDeque<>();
        final ArrayDeque<ByteBuf> toClient = new ArrayDeque<>();
        final RelayClientConnection client;
        final RelayServerConnection server;
        Function<EndpointId, String> access = id -> null;
        boolean serverClosing;
        long now = 1_000 * S;

        Pair(SecretKey clientKey) {
            this.clientKey = clientKey;
            SplittableRandom rnd = new SplittableRandom(7);
            client = new RelayClientConnection(RelayUrl.parse("http://127.0.0.1:3340"), clientKey, ByteBufAllocator.DEFAULT,
                    rnd, RelayClientConnection.Timings.DEFAULT, new RelayClientConnection.Listener() {
                        @Override
                        public void onConnected(RelayVersion version) {
                            clientEvents.add("connected " + version);
                        }

                        @Override
                        public void onDatagrams(PeerKey source, int ecn, int segmentSize, ByteBuf buf, int index, int length) {
                            clientEvents.add("datagrams " + source + " ecn " + ecn + " seg " + segmentSize + " "
                                    + Hex.encode(ByteBufUtil.getBytes(buf, index, length)));
                        }

                        @Override
                        public void onEndpointGone(PeerKey endpoint) {
                            clientEvents.add("gone " + endpoint);
                        }

                        @Override
                        public void onStatus(String status) {
                            clientEvents.add("status " + status);
                        }

                        @Override
                        public void onRestarting(long reconnectInMillis, long tryForMillis) {
                            clientEvents.add("restarting " + reconnectInMillis + " " + tryForMillis);
                        }

                        @Override
                        public void onPong(long rttNanos) {
                            clientEvents.add("pong");
                        }
                    }, toServer::add);
            server = new RelayServerConnection(ByteBufAllocator.DEFAULT, new SplittableRandom(8),
                    RelayServerConnection.Timings.DEFAULT, "test", new RelayServerConnection.Listener() {
                        @Override
                        public String authorize(EndpointId id, RelayVersion version) {
                            return access.apply(id);
                        }

                        @Override
                        public void onAuthenticated(EndpointId id, PeerKey key, RelayVersion version) {
                            serverEvents.add("authenticated " + id + " " + version);
                        }

                        @Override
                        public void onDatagrams(PeerKey destination, int ecn, int segmentSize, ByteBuf buf, int index, int length) {
                            serverEvents.add("datagrams " + destination + " ecn " + ecn + " seg " + segmentSize + " "
                                    + Hex.encode(ByteBufUtil.getBytes(buf, index, length)));
                        }
                    }, new RelayServerConnection.Output() {
                        @Override
                        public void write(ByteBuf bytes) {
                            toClient.add(bytes);
                        }

                        @Override
                        public void closeAfterFlush() {
                            serverClosing = true;
                        }
                    }, now);
        }

        /** Delivers everything in flight, both ways, until quiet. */
        void pump() throws RelayException {
            while (!toServer.isEmpty() || !toClient.isEmpty()) {
                ByteBuf b;
                while ((b = toServer.poll()) != null) {
                    try {
                        server.onBytes(b, now);
                    } finally {
                        b.release();
                    }
                }
                while ((b = toClient.poll()) != null) {
                    try {
                        client.onBytes(b, now);
                    } finally {
                        b.release();
                    }
                }
            }
        }

        Pair connect() throws RelayException {
            client.start(now);
            pump();
            return this;
        }

        /** Raw bytes as the server would send them: one unmasked binary message holding {@code frameHex}. */
        void serverSends(String frameHex) throws RelayException {
            ByteBuf b = Unpooled.buffer();
            WebSocketFrames.writeFrame(b, WebSocketFrames.OP_BINARY, Hex.decode(frameHex), false, 0);
            client.onBytes(b, now);
        }

        /** Raw bytes as a client would send them: one masked binary message holding {@code frameHex}. */
        void clientSends(String frameHex) throws RelayException {
            ByteBuf b = Unpooled.buffer();
            WebSocketFrames.writeFrame(b, WebSocketFrames.OP_BINARY, Hex.decode(frameHex), true, 0x5a5a1234);
            server.onBytes(b, now);
        }
    }

    @Test
    void clientAndServerConnectWithTheChallengeHandshake() throws Exception {
        Pair p = new Pair(SecretKey.generate()).connect();
        assertEquals(List.of("connected V2"), p.clientEvents);
        assertEquals(List.of("authenticated " + p.clientKey.publicKey() + " V2"), p.serverEvents);
        assertTrue(p.client.isConnected());
        assertTrue(p.server.isConnected());
        assertEquals(p.clientKey.publicKey(), p.server.endpointId());
        assertFalse(p.serverClosing);
    }

    @Test
    void datagramsEitherWayCarryIrohsBytes() throws Exception {
        Pair p = new Pair(SecretKey.generate()).connect();
        PeerKey k = PeerKey.of(KEY_2A.publicKey());
        // what our client sends, as the relay reads it: iroh's client→relay vectors (ECN CE = 3)
        p.toServer.clear();
        ByteBuf hello = Unpooled.wrappedBuffer("Hello World!".getBytes(StandardCharsets.US_ASCII));
        assertTrue(p.client.sendDatagrams(k, 3, hello, 0, 12, 0));
        assertTrue(p.client.sendDatagrams(k, 3, hello, 0, 12, 6));
        assertEquals("04" + KEY_HEX + "03" + HELLO, frameOf(p.toServer.poll()));
        assertEquals("05" + KEY_HEX + "03" + "0006" + HELLO, frameOf(p.toServer.poll()));
        // the server core reads them
        p.clientSends("04" + KEY_HEX + "03" + HELLO);
        p.clientSends("05" + KEY_HEX + "03" + "0006" + HELLO);
        assertEquals("datagrams " + KEY_HEX + " ecn 3 seg 0 " + HELLO, p.serverEvents.get(1));
        assertEquals("datagrams " + KEY_HEX + " ecn 3 seg 6 " + HELLO, p.serverEvents.get(2));
        // the client core reads iroh's relay→client vectors
        p.serverSends("06" + KEY_HEX + "03" + HELLO);
        p.serverSends("07" + KEY_HEX + "03" + "0006" + HELLO);
        p.serverSends("08" + KEY_HEX);
        p.serverSends("0c0000000a00000014");
        p.serverSends("0d01");
        assertEquals(List.of("connected V2", "datagrams " + KEY_HEX + " ecn 3 seg 0 " + HELLO,
                "datagrams " + KEY_HEX + " ecn 3 seg 6 " + HELLO, "gone " + KEY_HEX, "restarting 10 20",
                "status another connection with our endpoint id took over"), p.clientEvents);
    }

    @Test
    void serverPicksTheHighestOfferedVersionAndRefusesUnknownOnes() throws Exception {
        assertEquals("101 iroh-relay-v2", upgradeWith("iroh-relay-v1, iroh-relay-v2"));
        assertEquals("101 iroh-relay-v1", upgradeWith("iroh-relay-v1"));
        assertEquals("400", upgradeWith("iroh-relay-v9"));
        assertEquals("400", upgradeWith(null));
    }

    static String upgradeWith(String protocols) throws RelayException {
        Pair p = new Pair(SecretKey.generate());
        ByteBuf req = Unpooled.copiedBuffer("GET /relay HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (protocols == null ? "" : "Sec-WebSocket-Protocol: " + protocols + "\r\n") + "\r\n", StandardCharsets.ISO_8859_1);
        p.server.onBytes(req, p.now);
        String head = p.toClient.poll().toString(StandardCharsets.ISO_8859_1);
        String status = head.substring(9, 12);
        if (!status.equals("101")) {
            assertTrue(p.serverClosing, head);
            return status;
        }
        assertTrue(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
        String proto = head.replaceAll("(?s).*Sec-WebSocket-Protocol: ([^\r]+).*", "$1");
        // the challenge follows at once
        assertEquals(RelayFrames.SERVER_CHALLENGE, Hex.decode(frameOf(p.toClient.poll()))[0]);
        return status + " " + proto;
    }

    @Test
    void v1ClientsGetHealthTextNotStatus() throws Exception {
        Pair p = new Pair(SecretKey.generate());
        ByteBuf req = Unpooled.copiedBuffer("GET /relay HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: iroh-relay-v1\r\n\r\n", StandardCharsets.ISO_8859_1);
        p.server.onBytes(req, p.now);
        assertEquals(RelayVersion.V1, p.server.version());
        String health = frameOf(RelayServerConnection.encodeStatus(ByteBufAllocator.DEFAULT, RelayVersion.V1,
                RelayFrames.STATUS_SAME_ENDPOINT_ID_CONNECTED));
        assertTrue(health.startsWith("0b"), health);
    }

    @Test
    void accessControlDeniesWithAReason() throws Exception {
        Pair p = new Pair(SecretKey.generate());
        p.access = id -> "not authorized";
        RelayException e = assertThrows(RelayException.class, p::connect);
        assertEquals("relay denied us: not authorized", e.getMessage());
        assertTrue(p.serverClosing);
        assertTrue(p.server.closeReason().startsWith("denied: not authorized"), p.server.closeReason());
        assertNull(p.server.endpointId());
    }

    @Test
    void aWrongSignatureIsDenied() throws Exception {
        Pair p = new Pair(SecretKey.generate());
        ByteBuf req = Unpooled.copiedBuffer("GET /relay HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: iroh-relay-v2\r\n\r\n", StandardCharsets.ISO_8859_1);
        p.server.onBytes(req, p.now);
        p.toClient.clear();
        // a ClientAuth for another challenge: the signature does not verify
        ByteBuf auth = Unpooled.buffer();
        RelayHandshake.writeClientAuth(auth, p.clientKey, new byte[16]);
        p.clientSends(Hex.encode(ByteBufUtil.getBytes(auth)));
        String denial = frameOf(p.toClient.poll());
        assertEquals("03" + "11" + Hex.encode("signature invalid".getBytes(StandardCharsets.UTF_8)), denial);
        assertTrue(p.serverClosing);
        assertFalse(p.server.isConnected());
    }

    @Test
    void challengeSignatureIsOverTheDerivedKey() {
        byte[] challenge = filled(16, 7);
        ByteBuf auth = Unpooled.buffer();
        RelayHandshake.writeClientAuth(auth, KEY_2A, challenge);
        assertEquals(RelayHandshake.CLIENT_AUTH_LENGTH, auth.readableBytes());
        byte[] sig = ByteBufUtil.getBytes(auth, 34, 64);
        assertTrue(KEY_2A.publicKey().verify(RelayHandshake.messageToSign(challenge), sig));
        assertFalse(KEY_2A.publicKey().verify(challenge, sig));
    }

    @Test
    void framesAPeerMustNotSendEndTheConnection() throws Exception {
        // a Health frame under v2, a Status frame under v1's rules is checked the same way
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().serverSends("0b6869"));
        // a datagram frame too short to hold the id and ECN byte (iroh's regression_client_to_relay_undersized…)
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().serverSends("06" + "00".repeat(20)));
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().clientSends("04" + "00".repeat(32)));
        // unknown types, client-only types from the server and server-only types from the client
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().serverSends("30"));
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().serverSends("04" + KEY_HEX + "00ff"));
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().clientSends("06" + KEY_HEX + "00ff"));
        // Ping with 7 bytes, EndpointGone with 31
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().clientSends("09" + "00".repeat(7)));
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().serverSends("08" + "00".repeat(31)));
        // a body over 64 KiB
        assertThrows(RelayException.class, () -> new Pair(SecretKey.generate()).connect().clientSends("04" + "00".repeat(65537)));
    }

    @Test
    void keepAliveBothWays() throws Exception {
        Pair p = new Pair(SecretKey.generate()).connect();
        // the client pings at once after the handshake; the server answers
        assertEquals(p.now, p.client.nextTimeout());
        p.client.onTimeout(p.now);
        p.pump();
        assertTrue(p.clientEvents.contains("pong"), p.clientEvents.toString());
        assertTrue(p.client.rttNanos() >= 0);
        // the server pings after 16-20 s without a frame and drops a client that does not answer within 5 s
        long ping = p.server.nextTimeout();
        assertTrue(ping >= p.now + 16 * S && ping <= p.now + 20 * S, "server ping at +" + (ping - p.now) / S + " s");
        p.now = ping;
        p.server.onTimeout(p.now);
        assertEquals(1, p.toClient.size());
        p.toClient.clear(); // the client never sees it
        p.now += 5 * S;
        RelayException e = assertThrows(RelayException.class, () -> p.server.onTimeout(p.now));
        assertTrue(e.getMessage().contains("no Pong"), e.getMessage());
    }

    @Test
    void aClientWhosePingGoesUnansweredGivesUp() throws Exception {
        Pair p = new Pair(SecretKey.generate()).connect();
        p.client.onTimeout(p.now);
        p.toServer.clear(); // the relay never sees the ping
        p.now += 5 * S;
        RelayException e = assertThrows(RelayException.class, () -> p.client.onTimeout(p.now));
        assertTrue(e.getMessage().contains("did not answer a ping"), e.getMessage());
    }

    @Test
    void setUpMustFinishInTime() throws Exception {
        Pair p = new Pair(SecretKey.generate());
        p.server.onBytes(Unpooled.copiedBuffer("GET /relay HTTP/1.1\r\n", StandardCharsets.ISO_8859_1), p.now);
        long deadline = p.server.nextTimeout();
        assertEquals(p.now + 30 * S, deadline);
        RelayException e = assertThrows(RelayException.class, () -> p.server.onTimeout(deadline));
        assertTrue(e.getMessage().contains("no relay handshake"), e.getMessage());
    }

    @Test
    void plainHttpRoutes() throws Exception {
        assertEquals("200", route("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n", "Access-Control-Allow-Origin: *"));
        assertEquals("204", route("GET /generate_204 HTTP/1.1\r\nX-Iroh-Challenge: abc.1_-Z\r\n\r\n", "X-Iroh-Response: response abc.1_-Z"));
        assertEquals("204", route("GET /generate_204 HTTP/1.1\r\nX-Iroh-Challenge: a b\r\n\r\n", null));
        assertEquals("200", route("GET /healthz HTTP/1.1\r\n\r\n", "\"status\":\"ok\""));
        assertEquals("404", route("GET /derp HTTP/1.1\r\n\r\n", "Not Found"));
        assertEquals("405", route("POST /ping HTTP/1.1\r\nContent-Length: 0\r\n\r\n", null));
        assertEquals("400", route("GET /relay HTTP/1.1\r\n\r\n", null)); // no upgrade
        assertEquals("400", route("GARBAGE\r\n\r\n", null));
        assertEquals("431", route("GET / HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n", null));
    }

    static String route(String request, String expect) throws Exception {
        Pair p = new Pair(SecretKey.generate());
        try {
            p.server.onBytes(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1), p.now);
        } catch (RelayException e) {
            // a malformed request is answered, then the connection ends
        }
        assertTrue(p.serverClosing, "the connection ends after a plain answer");
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b : p.toClient) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
        }
        String response = sb.toString();
        if (expect != null) {
            assertTrue(response.contains(expect), response);
        } else {
            assertFalse(response.contains("X-Iroh-Response"), response);
        }
        assertNotNull(response);
        return response.substring(9, 12);
    }

    @Test
    void bytesArrivingOneAtATimeConnectToo() throws Exception {
        Pair p = new Pair(SecretKey.generate());
        p.client.start(p.now);
        // deliver everything byte by byte, both ways
        while (!p.toServer.isEmpty() || !p.toClient.isEmpty()) {
            ByteBuf b;
            while ((b = p.toServer.poll()) != null) {
                while (b.isReadable()) {
                    p.server.onBytes(b.readSlice(1), p.now);
                }
                b.release();
            }
            while ((b = p.toClient.poll()) != null) {
                while (b.isReadable()) {
                    p.client.onBytes(b.readSlice(1), p.now);
                }
                b.release();
            }
        }
        assertTrue(p.client.isConnected());
        assertTrue(p.server.isConnected());
    }
}
