package com.kafkaconnectiroh.p2p.relay.server;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.PeerKey;
import com.kafkaconnectiroh.p2p.relay.RelayFrames;
import com.kafkaconnectiroh.p2p.relay.RelayHandshake;
import com.kafkaconnectiroh.p2p.relay.ws.WebSocketFrames;
import com.kafkaconnectiroh.p2p.relay.ws.WebSocketHandshake;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A relay client on a plain blocking socket that does only what the test says: the upgrade, the handshake, single
 * frames, or bytes that break the protocol; and it reads only when asked (a reader that never reads is one that
 * never calls {@link #readMessage}). Frames are masked as a client's must be (RFC 6455 §5.1).
 */
final class RawRelayClient implements AutoCloseable {
    /** A WebSocket message as read: opcode and payload. */
    record Message(int opcode, byte[] payload) {
        int relayType() {
            return payload.length == 0 ? -1 : payload[0] & 0xFF;
        }
    }

    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    PeerKey key;
    volatile int pongsSent;

    RawRelayClient(InetSocketAddress relay) throws IOException {
        this(relay, -1);
    }

    /** @param receiveBuffer the socket's receive buffer (small for a reader that must fill up fast), or -1 */
    RawRelayClient(InetSocketAddress relay, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.connect(relay, 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Upgraded and authenticated as {@code secret}. */
    static RawRelayClient connected(InetSocketAddress relay, SecretKey secret) throws IOException {
        return connected(relay, secret, -1);
    }

    static RawRelayClient connected(InetSocketAddress relay, SecretKey secret, int receiveBuffer) throws IOException {
        RawRelayClient c = new RawRelayClient(relay, receiveBuffer);
        c.upgrade();
        c.authenticate(secret);
        return c;
    }

    /** Sends the WebSocket upgrade request for {@code /relay} and checks the 101 answer. */
    String upgrade() throws IOException {
        return upgrade("iroh-relay-v2, iroh-relay-v1");
    }

    /** The upgrade offering these sub-protocols; returns the one the relay chose. */
    String upgrade(String protocols) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        writeRaw(("GET /relay HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + WebSocketHandshake.clientKey(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + protocols + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        String head = readHead();
        if (!head.startsWith("HTTP/1.1 101 ")) {
            throw new IOException("expected 101, got: " + head);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\nSec-WebSocket-Protocol: *([^\r]*)\r\n").matcher(head);
        return m.find() ? m.group(1) : null;
    }

    /** Answers the challenge with a valid signature and expects ServerConfirmsAuth. */
    void authenticate(SecretKey secret) throws IOException {
        byte[] challenge = readChallenge();
        ByteBuf auth = Unpooled.buffer();
        RelayHandshake.writeClientAuth(auth, secret, challenge);
        sendMessage(bytes(auth));
        Message m = readMessage();
        if (m.relayType() != RelayFrames.SERVER_CONFIRMS_AUTH) {
            throw new IOException("expected ServerConfirmsAuth, got frame type " + m.relayType());
        }
        key = PeerKey.of(secret.publicKey());
    }

    byte[] readChallenge() throws IOException {
        Message m = readMessage();
        if (m.relayType() != RelayFrames.SERVER_CHALLENGE) {
            throw new IOException("expected ServerChallenge, got frame type " + m.relayType());
        }
        return Arrays.copyOfRange(m.payload(), 1, 1 + RelayHandshake.CHALLENGE_LENGTH);
    }

    /** One ClientToRelayDatagram to {@code to}. */
    void sendDatagram(PeerKey to, byte[] datagram) throws IOException {
        ByteBuf f = Unpooled.buffer(RelayFrames.DATAGRAM_HEADER + datagram.length);
        RelayFrames.writeDatagramHeader(f, RelayFrames.CLIENT_TO_RELAY_DATAGRAM, to, 0, 0);
        f.writeBytes(datagram);
        sendMessage(bytes(f));
    }

    /** One binary WebSocket message, masked. */
    void sendMessage(byte[] payload) throws IOException {
        sendFrame(0x80 | WebSocketFrames.OP_BINARY, payload);
    }

    /** A frame with this first header byte (FIN, RSV, opcode) and payload, masked. */
    void sendFrame(int firstByte, byte[] payload) throws IOException {
        ByteBuf f = Unpooled.buffer(WebSocketFrames.MAX_HEADER + payload.length);
        int mask = ThreadLocalRandom.current().nextInt();
        WebSocketFrames.writeHeader(f, firstByte & 0x0F, payload.length, true, mask);
        f.setByte(0, firstByte);
        int at = f.writerIndex();
        f.writeBytes(payload);
        WebSocketFrames.mask(f, at, payload.length, mask);
        writeRaw(bytes(f));
    }

    /** The next message that is not a relay Ping; Pings are answered with Pongs as a live client does. */
    Message readAnsweringPings() throws IOException {
        while (true) {
            Message m = readMessage();
            if (m.relayType() != RelayFrames.PING) {
                return m;
            }
            byte[] pong = m.payload().clone();
            pong[0] = RelayFrames.PONG;
            sendMessage(pong);
            pongsSent++;
        }
    }

    synchronized void writeRaw(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** The next message, skipping WebSocket pings and pongs. */
    Message readMessage() throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7F;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            if ((b1 & 0x80) != 0 || len > (1 << 20)) {
                throw new IOException("the server sent a masked or oversized frame");
            }
            byte[] p = new byte[(int) len];
            in.readFully(p);
            int opcode = b0 & 0x0F;
            if (opcode != WebSocketFrames.OP_PING && opcode != WebSocketFrames.OP_PONG) {
                return new Message(opcode, p);
            }
        }
    }

    /** The HTTP response head (status line and headers). */
    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed in the HTTP head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads until the server closes the connection (within the socket timeout), returning what came: what a client
     * sees when the relay ends it.
     */
    byte[] readToClose() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            InputStream s = socket.getInputStream();
            for (int n; (n = s.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("the relay did not close the connection within " + socket.getSoTimeout() + " ms; got "
                    + all.size() + " bytes", e);
        } catch (IOException reset) {
            // a reset is a close too
        }
        return all.toByteArray();
    }

    static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        b.release();
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
