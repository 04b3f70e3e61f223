package com.kafkaconnectiroh.p2p.relay;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.ws.HttpHead;
import com.kafkaconnectiroh.p2p.relay.ws.WebSocketDecoder;
import com.kafkaconnectiroh.p2p.relay.ws.WebSocketException;
import com.kafkaconnectiroh.p2p.relay.ws.WebSocketFrames;
import com.kafkaconnectiroh.p2p.relay.ws.WebSocketHandshake;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.random.RandomGenerator;

/**
 * The client side of one connection to an iroh 1.x relay, without I/O (the driver owns the TCP or TLS stream, the
 * clock and the timer): the HTTP upgrade to a WebSocket on {@code /relay} offering {@link RelayVersion#OFFER}
 * (IR {@code iroh-relay/src/client.rs}), the challenge handshake ({@link RelayHandshake}), then datagrams to and from
 * peers by endpoint id, pings both ways, and the relay's notices (EndpointGone, Health/Status, Restarting).
 *
 * <p>Driving it: {@link #start} writes the upgrade request; feed every byte read to {@link #onBytes}; call
 * {@link #onTimeout} at {@link #nextTimeout()}. Bytes to send go to the {@link Output}, received datagrams and
 * notices to the {@link Listener}, both called from inside these methods. A {@link RelayException} from any of
 * them means the connection is over: close the stream (after writing what was output). Not thread-safe.
 *
 * <p>Keep-alive as iroh 1.0.2's relay actor ({@code iroh/src/socket/transports/relay/actor.rs}): a Ping right after
 * the handshake and every {@link Timings#pingIntervalNanos()}, and no Pong within {@link Timings#pongTimeoutNanos()}
 * ends the connection (the driver reconnects).
 */
public final class RelayClientConnection {
    /** What a relay connection tells its owner. Datagram bytes are valid only during the call. */
    public interface Listener {
        void onConnected(RelayVersion version);

        /** One datagram, or a batch of {@code segmentSize}-byte datagrams (the last may be shorter) if it is above 0. */
        void onDatagrams(PeerKey source, int ecn, int segmentSize, ByteBuf buf, int index, int length);

        /** A peer we sent to left the relay. */
        default void onEndpointGone(PeerKey endpoint) {
        }

        /** The relay's view of this connection (v2 Status, v1 Health text). */
        default void onStatus(String status) {
        }

        default void onRestarting(long reconnectInMillis, long tryForMillis) {
        }

        default void onPong(long rttNanos) {
        }
    }

    /** Where bytes to send go; takes ownership of each buffer. */
    public interface Output {
        void write(ByteBuf bytes);
    }

    /** Keep-alive and set-up limits. */
    public record Timings(long pingIntervalNanos, long pongTimeoutNanos, long establishTimeoutNanos) {
        /** iroh 1.0.2: Ping every 15 s, Pong within 5 s, connected (upgrade and handshake) within 10 s. */
        public static final Timings DEFAULT = new Timings(15_000_000_000L, 5_000_000_000L, 10_000_000_000L);
    }

    private enum State { UPGRADING, HANDSHAKING, CONNECTED, CLOSED }

    /** iroh's client accepts WebSocket messages up to 1 MiB; relay frames are never larger than 64 KiB + 1. */
    private static final int MAX_WS_MESSAGE = 1 << 20;

    private final RelayUrl url;
    private final SecretKey key;
    private final ByteBufAllocator alloc;
    private final RandomGenerator random;
    private final Listener listener;
    private final Output output;
    private final Timings timings;
    private final WebSocketDecoder ws;
    private final WebSocketDecoder.Handler<RelayException> onMessage = this::onMessage;
    private ByteBuf received;
    private State state = State.UPGRADING;
    private String acceptExpected;
    private RelayVersion version;
    private long establishDeadline = Long.MAX_VALUE;
    private long nextPingAt = Long.MAX_VALUE;
    private long pongDeadline = Long.MAX_VALUE;
    private long pingData;
    private long pingSentAt;
    private long rttNanos = -1;
    private long now;

    public RelayClientConnection(RelayUrl url, SecretKey key, ByteBufAllocator alloc, RandomGenerator random,
                                 Timings timings, Listener listener, Output output) {
        this.url = url;
        this.key = key;
        this.alloc = alloc;
        this.random = random;
        this.timings = timings;
        this.listener = listener;
        this.output = output;
        this.ws = new WebSocketDecoder(false, MAX_WS_MESSAGE, alloc);
    }

    /** Writes the upgrade request (the stream, TLS included, is open). */
    public void start(long now) {
        this.now = now;
        establishDeadline = now + timings.establishTimeoutNanos();
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String wsKey = WebSocketHandshake.clientKey(nonce);
        acceptExpected = WebSocketHandshake.accept(wsKey);
        int defaultPort = url.isHttps() ? 443 : 80;
        String host = url.host() + (url.port() == defaultPort ? "" : ":" + url.port());
        String request = "GET " + RelayPaths.RELAY + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + wsKey + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + RelayVersion.OFFER + "\r\n"
                + "User-Agent: p2p-node\r\n"
                + "\r\n";
        ByteBuf out = alloc.buffer(request.length());
        out.writeCharSequence(request, StandardCharsets.ISO_8859_1);
        output.write(out);
    }

    /** Bytes read from the stream. */
    public void onBytes(ByteBuf in, long now) throws RelayException {
        this.now = now;
        if (state == State.CLOSED) {
            return;
        }
        if (received == null) {
            received = alloc.heapBuffer(Math.max(1024, in.readableBytes()));
        }
        received.writeBytes(in);
        try {
            if (state == State.UPGRADING && !readUpgradeResponse()) {
                return;
            }
            ws.decode(received, onMessage);
        } catch (WebSocketException e) {
            fail(e.closeCode(), "relay broke the WebSocket protocol: " + e.getMessage());
        } catch (HttpHead.HttpException e) {
            fail(0, "relay's upgrade response: " + e.getMessage());
        }
        if (received != null) {
            received.discardSomeReadBytes();
        }
    }

    private boolean readUpgradeResponse() throws HttpHead.HttpException, RelayException {
        int n = HttpHead.headLength(received, HttpHead.MAX_HEAD);
        if (n < 0) {
            return false;
        }
        HttpHead h = HttpHead.parseResponse(received, n);
        if (h.status() != 101) {
            fail(0, "relay answered '" + h.statusLine() + "' to the WebSocket upgrade on " + RelayPaths.RELAY);
        }
        if (!h.headerHasToken("upgrade", "websocket") || !acceptExpected.equals(h.header("sec-websocket-accept"))) {
            fail(0, "relay's upgrade response is not a WebSocket upgrade (Upgrade '" + h.header("upgrade")
                    + "', Sec-WebSocket-Accept '" + h.header("sec-websocket-accept") + "')");
        }
        version = RelayVersion.of(h.header("sec-websocket-protocol"));
        if (version == null) {
            fail(0, "relay chose sub-protocol '" + h.header("sec-websocket-protocol") + "', expected "
                    + RelayVersion.OFFER);
        }
        state = State.HANDSHAKING;
        return true;
    }

    private void onMessage(int opcode, ByteBuf buf, int index, int length) throws RelayException {
        switch (opcode) {
                case WebSocketFrames.OP_BINARY -> onFrame(buf, index, length);
            case WebSocketFrames.OP_PING -> {
                byte[] data = new byte[length];
                buf.getBytes(index, data);
                writeControl(WebSocketFrames.OP_PONG, data);
            }
            case WebSocketFrames.OP_CLOSE -> {
                String why = length >= 2 ? "code " + buf.getUnsignedShort(index)
                        + (length > 2 ? " " + buf.toString(index + 2, length - 2, StandardCharsets.UTF_8) : "") : "no code";
                writeControl(WebSocketFrames.OP_CLOSE, WebSocketFrames.closePayload(1000, ""));
                fail(-1, "relay closed the WebSocket (" + why + ")");
            }
            default -> {
                // pong: nothing to do; text: iroh ignores it too
            }
        }
    }

    private void onFrame(ByteBuf buf, int index, int length) throws RelayException {
        int type = RelayFrames.type(buf, index, length);
        if (state == State.HANDSHAKING) {
            switch (type) {
                case RelayFrames.SERVER_CHALLENGE -> {
                    RelayFrames.expectBody(type, length, RelayHandshake.CHALLENGE_LENGTH);
                    byte[] challenge = new byte[RelayHandshake.CHALLENGE_LENGTH];
                    buf.getBytes(index + 1, challenge);
                    ByteBuf frame = alloc.heapBuffer(RelayHandshake.CLIENT_AUTH_LENGTH);
                    try {
                        RelayHandshake.writeClientAuth(frame, key, challenge);
                        writeMessage(frame, 0, frame.readableBytes());
                    } finally {
                        frame.release();
                    }
                }
                case RelayFrames.SERVER_CONFIRMS_AUTH -> {
                    state = State.CONNECTED;
                    establishDeadline = Long.MAX_VALUE;
                    nextPingAt = now; // iroh pings at once: the first RTT sample
                    listener.onConnected(version);
                }
                case RelayFrames.SERVER_DENIES_AUTH ->
                        fail(WebSocketException.POLICY_VIOLATION, "relay denied us: " + RelayHandshake.readDenyReason(buf, index, length));
                default -> fail(WebSocketException.PROTOCOL_ERROR, "relay sent " + RelayFrames.name(type) + " during the handshake");
            }
            return;
        }
        if (state != State.CONNECTED) {
            return;
        }
        switch (type) {
            case RelayFrames.RELAY_TO_CLIENT_DATAGRAM, RelayFrames.RELAY_TO_CLIENT_DATAGRAM_BATCH -> {
                boolean batch = type == RelayFrames.RELAY_TO_CLIENT_DATAGRAM_BATCH;
                int payload = RelayFrames.datagramPayload(type, index, length, batch);
                PeerKey source = PeerKey.read(buf, index + 1);
                int ecn = buf.getUnsignedByte(index + 1 + PeerKey.LENGTH);
                int segment = batch ? buf.getUnsignedShort(index + 2 + PeerKey.LENGTH) : 0;
                int n = index + length - payload;
                if (n > 0) {
                    listener.onDatagrams(source, ecn, segment, buf, payload, n);
                }
            }
            case RelayFrames.ENDPOINT_GONE -> {
                RelayFrames.expectBody(type, length, PeerKey.LENGTH);
                listener.onEndpointGone(PeerKey.read(buf, index + 1));
            }
            case RelayFrames.PING -> {
                RelayFrames.expectBody(type, length, 8);
                writePing(RelayFrames.PONG, buf.getLong(index + 1));
            }
            case RelayFrames.PONG -> {
                RelayFrames.expectBody(type, length, 8);
                if (pongDeadline != Long.MAX_VALUE && buf.getLong(index + 1) == pingData) {
                    pongDeadline = Long.MAX_VALUE;
                    rttNanos = now - pingSentAt;
                    listener.onPong(rttNanos);
                }
            }
            case RelayFrames.HEALTH -> {
                if (version != RelayVersion.V1) {
                    fail(WebSocketException.PROTOCOL_ERROR, "relay sent a Health frame under " + version.subprotocol());
                }
                listener.onStatus(buf.toString(index + 1, length - 1, StandardCharsets.UTF_8));
            }
            case RelayFrames.STATUS -> {
                if (version == RelayVersion.V1 || length < 2) {
                    fail(WebSocketException.PROTOCOL_ERROR, "relay sent a malformed or disallowed Status frame");
                }
                int s = buf.getUnsignedByte(index + 1);
                listener.onStatus(switch (s) {
                    case RelayFrames.STATUS_HEALTHY -> "healthy";
                    case RelayFrames.STATUS_SAME_ENDPOINT_ID_CONNECTED -> "another connection with our endpoint id took over";
                    default -> "status " + s;
                });
            }
            case RelayFrames.RESTARTING -> {
                RelayFrames.expectBody(type, length, 8);
                listener.onRestarting(buf.getUnsignedInt(index + 1), buf.getUnsignedInt(index + 5));
            }
            default -> fail(WebSocketException.PROTOCOL_ERROR, "relay sent a " + RelayFrames.name(type) + " frame");
        }
    }

    /**
     * Sends one datagram to {@code destination}, or a batch of {@code segmentSize}-byte datagrams (the last may be
     * shorter) when {@code segmentSize} is above 0 and below {@code length}. Copies the bytes.
     *
     * @return false if not connected (the datagram is dropped, as a lossy link would)
     */
    public boolean sendDatagrams(PeerKey destination, int ecn, ByteBuf data, int index, int length, int segmentSize) {
        if (state != State.CONNECTED || length == 0) {
            return false;
        }
        int segment = segmentSize > 0 && segmentSize < length ? segmentSize : 0;
        int body = RelayFrames.datagramHeaderLength(segment) + length;
        if (body - 1 > RelayFrames.MAX_PACKET_SIZE) {
            throw new IllegalArgumentException("datagrams of " + length + " bytes do not fit one relay frame");
        }
        int mask = random.nextInt();
        ByteBuf out = alloc.directBuffer(WebSocketFrames.headerLength(body, true) + body);
        WebSocketFrames.writeHeader(out, WebSocketFrames.OP_BINARY, body, true, mask);
        int at = out.writerIndex();
        RelayFrames.writeDatagramHeader(out, RelayFrames.CLIENT_TO_RELAY_DATAGRAM, destination, ecn, segment);
        out.writeBytes(data, index, length);
        WebSocketFrames.mask(out, at, body, mask);
        output.write(out);
        return true;
    }

    /** The next time {@link #onTimeout} must run, or {@link Long#MAX_VALUE}. */
    public long nextTimeout() {
        if (state == State.CLOSED) {
            return Long.MAX_VALUE;
        }
        long t = Math.min(establishDeadline, pongDeadline);
        return pongDeadline == Long.MAX_VALUE ? Math.min(t, nextPingAt) : t;
    }

    public void onTimeout(long now) throws RelayException {
        this.now = now;
        if (state == State.CLOSED) {
            return;
        }
        if (now >= establishDeadline) {
            fail(0, "no relay handshake within " + timings.establishTimeoutNanos() / 1_000_000 + " ms");
        }
        if (now >= pongDeadline) {
            fail(WebSocketException.POLICY_VIOLATION, "relay did not answer a ping within "
                    + timings.pongTimeoutNanos() / 1_000_000 + " ms");
        }
        if (state == State.CONNECTED && pongDeadline == Long.MAX_VALUE && now >= nextPingAt) {
            pingData = random.nextLong();
            pingSentAt = now;
            pongDeadline = now + timings.pongTimeoutNanos();
            nextPingAt = now + timings.pingIntervalNanos();
            writePing(RelayFrames.PING, pingData);
        }
    }

    /** Says goodbye with a WebSocket close (code 1000); the driver closes the stream after writing it. */
    public void close() {
        if (state == State.CONNECTED || state == State.HANDSHAKING) {
            writeControl(WebSocketFrames.OP_CLOSE, WebSocketFrames.closePayload(1000, ""));
        }
        state = State.CLOSED;
        releaseBuffers();
    }

    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    /** The negotiated version, or null before the upgrade. */
    public RelayVersion version() {
        return version;
    }

    /** The round trip of the last answered Ping, or -1. */
    public long rttNanos() {
        return rttNanos;
    }

    /** Frees what the connection holds (the driver calls it when the stream closed). */
    public void releaseBuffers() {
        if (received != null) {
            received.release();
            received = null;
        }
        ws.release();
    }

    private void fail(int closeCode, String why) throws RelayException {
        if (closeCode > 0 && state != State.UPGRADING) {
            writeControl(WebSocketFrames.OP_CLOSE, WebSocketFrames.closePayload(closeCode, ""));
        }
        state = State.CLOSED;
        throw new RelayException(why);
    }

    private void writePing(int type, long data) {
        ByteBuf frame = alloc.heapBuffer(9);
        try {
            RelayFrames.writePing(frame, type, data);
            writeMessage(frame, 0, 9);
        } finally {
            frame.release();
        }
    }

    /** A binary message holding the relay frame in {@code frame}, masked. */
    private void writeMessage(ByteBuf frame, int index, int length) {
        int mask = random.nextInt();
        ByteBuf out = alloc.buffer(WebSocketFrames.headerLength(length, true) + length);
        WebSocketFrames.writeHeader(out, WebSocketFrames.OP_BINARY, length, true, mask);
        int at = out.writerIndex();
        out.writeBytes(frame, index, length);
        WebSocketFrames.mask(out, at, length, mask);
        output.write(out);
    }

    private void writeControl(int opcode, byte[] payload) {
        ByteBuf out = alloc.buffer(WebSocketFrames.headerLength(payload.length, true) + payload.length);
        WebSocketFrames.writeFrame(out, opcode, payload, true, random.nextInt());
        output.write(out);
    }
}
