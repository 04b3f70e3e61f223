package com.kafkaconnectiroh.p2p.relay;

import com.kafkaconnectiroh.p2p.base.EndpointId;
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
 * The server side of one TCP (or TLS) connection to the relay, without I/O: the HTTP request (the routes of
 * {@link RelayPaths}: the WebSocket upgrade on {@code /relay}, the latency probe, health, captive-portal check,
 * metrics), then for a relay client the challenge handshake and access check ({@link RelayHandshake}), then its
 * frames: datagrams to forward (handed to the {@link Listener}), pings both ways.
 *
 * <p>Upgrade as IR {@code iroh-relay/src/server/http_server.rs}: {@code GET /relay} with {@code Upgrade: websocket},
 * a valid {@code Sec-WebSocket-Key}, {@code Sec-WebSocket-Version: 13} (else 400 naming version 13) and a
 * {@code Sec-WebSocket-Protocol} offer holding a known version (the highest is chosen; none: 400). Keep-alive as
 * IR {@code server/client.rs}: a Ping after {@link Timings#pingIntervalNanos()} plus a random 1-5 s without a frame
 * from the client, and no Pong within {@link Timings#pongTimeoutNanos()} ends the connection; the whole set-up
 * (request, upgrade, handshake) must finish within {@link Timings#establishTimeoutNanos()}.
 *
 * <p>Frames for this client from elsewhere (datagrams from other clients, notices) are encoded by the static
 * {@code encode…} methods, on any thread, and queued by the driver. Not thread-safe otherwise.
 */
public final class RelayServerConnection {
    /** What the connection asks of and tells the server around it. Datagram bytes are valid only during the call. */
    public interface Listener {
        /** Whether {@code id} may use the relay: null to allow, else the reason sent with ServerDeniesAuth. */
        String authorize(EndpointId id, RelayVersion version);

        void onAuthenticated(EndpointId id, PeerKey key, RelayVersion version);

        /** Datagrams the client sent to {@code destination}: one, or a batch when {@code segmentSize} is above 0. */
        void onDatagrams(PeerKey destination, int ecn, int segmentSize, ByteBuf buf, int index, int length);

        /** The WebSocket upgrade was accepted with {@code version}, for metrics. */
        default void onUpgrade(RelayVersion version) {
        }

        /** The client failed the challenge (bad or malformed signature) and was denied, for metrics. */
        default void onHandshakeFailed(String why) {
        }

        /** An HTTP request was answered (not counting the upgrade), for metrics. */
        default void onHttpRequest(String path, int status) {
        }

        /** The body of {@code GET /metrics}. */
        default String metricsText() {
            return "";
        }
    }

    /** Where bytes to send go (ownership passes); {@link #closeAfterFlush} ends the stream once they are out. */
    public interface Output {
        void write(ByteBuf bytes);

        void closeAfterFlush();
    }

    /** Keep-alive and set-up limits. */
    public record Timings(long pingIntervalNanos, long pongTimeoutNanos, long establishTimeoutNanos) {
        /** iroh 1.0.2: Ping after 15 s (+1-5 s) without a frame, Pong within 5 s, set-up within 30 s. */
        public static final Timings DEFAULT = new Timings(15_000_000_000L, 5_000_000_000L, 30_000_000_000L);
    }

    private enum State { HTTP, HANDSHAKING, CONNECTED, CLOSED }

    private final ByteBufAllocator alloc;
    private final RandomGenerator random;
    private final Timings timings;
    private final String serverName;
    private final Listener listener;
    private final Output output;
    private final WebSocketDecoder ws;
    private final WebSocketDecoder.Handler<RelayException> onMessage = this::onMessage;
    private ByteBuf received;
    private State state = State.HTTP;
    private RelayVersion version;
    private byte[] challenge;
    private EndpointId id;
    private long establishDeadline;
    private long nextPingAt = Long.MAX_VALUE;
    private long pongDeadline = Long.MAX_VALUE;
    private long pingData;
    private String closeReason;
    /** The path of the request being answered, for metrics. */
    private String route;
    private long now;

    /**
     * @param serverName what {@code /healthz} reports as the version
     * @param now        when the stream was accepted (the set-up deadline runs from here)
     */
    public RelayServerConnection(ByteBufAllocator alloc, RandomGenerator random, Timings timings, String serverName,
                                 Listener listener, Output output, long now) {
        this.alloc = alloc;
        this.random = random;
        this.timings = timings;
        this.serverName = serverName;
        this.listener = listener;
        this.output = output;
        this.ws = new WebSocketDecoder(true, RelayFrames.MAX_MESSAGE, alloc);
        this.now = now;
        this.establishDeadline = now + timings.establishTimeoutNanos();
    }

    /** Bytes read from the stream. */
    public void onBytes(ByteBuf in, long now) throws RelayException {
        this.now = now;
        if (state == State.CLOSED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (received == null) {
            received = alloc.heapBuffer(Math.max(1024, in.readableBytes()));
        }
        received.writeBytes(in);
        try {
            if (state == State.HTTP && !readRequest()) {
                return;
            }
            if (state == State.HANDSHAKING || state == State.CONNECTED) {
                ws.decode(received, onMessage);
            }
        } catch (WebSocketException e) {
            fail(e.closeCode(), "client broke the WebSocket protocol: " + e.getMessage());
        } catch (RelayException e) {
            if (state == State.CLOSED) {
                throw e;
            }
            // a malformed relay frame (unknown type, wrong size): tell the client before the stream ends
            fail(WebSocketException.PROTOCOL_ERROR, e.getMessage());
        }
        if (received != null) {
            received.discardSomeReadBytes();
        }
    }

    private boolean readRequest() throws RelayException {
        HttpHead h;
        try {
            int n = HttpHead.headLength(received, HttpHead.MAX_HEAD);
            if (n < 0) {
                return false;
            }
            h = HttpHead.parseRequest(received, n);
        } catch (HttpHead.HttpException e) {
            respond(e.status(), "", e.getMessage() + "\n");
            throw new RelayException("bad HTTP request: " + e.getMessage());
        }
        String path = h.path();
        route = path;
        if (!h.method().equals("GET")) {
            respond(405, "Allow: GET\r\n", "only GET is served\n");
        } else if (path.equals(RelayPaths.RELAY)) {
            upgrade(h);
        } else if (path.equals(RelayPaths.PING)) {
            respond(200, "Access-Control-Allow-Origin: *\r\n", "");
        } else if (path.equals(RelayPaths.HEALTHZ)) {
            respond(200, "Content-Type: application/json\r\n",
                    "{\"status\":\"ok\",\"version\":\"" + serverName.replace("\"", "") + "\"}\n");
        } else if (path.equals(RelayPaths.GENERATE_204)) {
            String challenge = h.header("x-iroh-challenge");
            boolean echo = challenge != null && challenge.length() < 64 && challenge.matches("[A-Za-z0-9._-]+");
            respond(204, echo ? "X-Iroh-Response: response " + challenge + "\r\n" : "", "");
        } else if (path.equals(RelayPaths.METRICS)) {
            respond(200, "Content-Type: text/plain; version=0.0.4\r\n", listener.metricsText());
        } else if (path.equals(RelayPaths.ROBOTS)) {
            respond(200, "Content-Type: text/plain\r\n", "User-agent: *\nDisallow: /\n");
        } else if (path.equals("/") || path.equals("/index.html")) {
            respond(200, "Content-Type: text/plain\r\n", "an iroh relay (" + serverName + ")\n");
        } else {
            respond(404, "Content-Type: text/plain\r\n", "Not Found\n");
        }
        return state != State.CLOSED;
    }

    private void upgrade(HttpHead h) throws RelayException {
        if (!h.headerHasToken("upgrade", "websocket")) {
            respond(400, "", "expected Upgrade: websocket on " + RelayPaths.RELAY + "\n");
            return;
        }
        if (!"13".equals(h.header("sec-websocket-version"))) {
            respond(400, "Sec-WebSocket-Version: 13\r\n", "unsupported WebSocket version\n");
            return;
        }
        String key = h.header("sec-websocket-key");
        if (!WebSocketHandshake.isValidClientKey(key)) {
            respond(400, "", "missing or malformed Sec-WebSocket-Key\n");
            return;
        }
        version = RelayVersion.pick(h.header("sec-websocket-protocol"));
        if (version == null) {
            respond(400, "", "no supported relay protocol in Sec-WebSocket-Protocol (expected " + RelayVersion.OFFER + ")\n");
            return;
        }
        String response = "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WebSocketHandshake.accept(key) + "\r\n"
                + "Sec-WebSocket-Protocol: " + version.subprotocol() + "\r\n"
                + "\r\n";
        ByteBuf out = alloc.buffer(response.length());
        out.writeCharSequence(response, StandardCharsets.ISO_8859_1);
        output.write(out);
        listener.onUpgrade(version);
        state = State.HANDSHAKING;
        challenge = new byte[RelayHandshake.CHALLENGE_LENGTH];
        random.nextBytes(challenge);
        ByteBuf frame = alloc.heapBuffer(1 + RelayHandshake.CHALLENGE_LENGTH);
        try {
            RelayHandshake.writeServerChallenge(frame, challenge);
            writeMessage(frame);
        } finally {
            frame.release();
        }
    }

    /** Answers a plain HTTP request and ends the stream (no keep-alive: probes open one connection each). */
    private void respond(int status, String headers, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + headers
                + (status == 204 ? "" : "Content-Length: " + b.length + "\r\n")
                + "Connection: close\r\n\r\n";
        ByteBuf out = alloc.buffer(head.length() + b.length);
        out.writeCharSequence(head, StandardCharsets.ISO_8859_1);
        if (status != 204) {
            out.writeBytes(b);
        }
        output.write(out);
        output.closeAfterFlush();
        listener.onHttpRequest(status == 404 || route == null ? "other" : route, status);
        state = State.CLOSED;
        closeReason = "HTTP " + status;
        releaseBuffers();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 431 -> "Request Header Fields Too Large";
            default -> "Error";
        };
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
                writeControl(WebSocketFrames.OP_CLOSE, WebSocketFrames.closePayload(1000, ""));
                output.closeAfterFlush();
                state = State.CLOSED;
                closeReason = "client closed";
                releaseBuffers();
            }
            default -> {
                // pong: nothing; text: ignored, as iroh does
            }
        }
    }

    private void onFrame(ByteBuf buf, int index, int length) throws RelayException {
        int type = RelayFrames.type(buf, index, length);
        if (state == State.HANDSHAKING) {
            if (type != RelayFrames.CLIENT_AUTH) {
                fail(WebSocketException.PROTOCOL_ERROR, "client sent " + RelayFrames.name(type) + " instead of ClientAuth");
            }
            EndpointId who;
            try {
                who = RelayHandshake.verifyClientAuth(buf, index, length, challenge);
            } catch (RelayException e) {
                deny("signature invalid", e.getMessage());
                listener.onHandshakeFailed(e.getMessage());
                return;
            }
            String refused = listener.authorize(who, version);
            if (refused != null) {
                deny(refused, "not authorized: " + who);
                return;
            }
            id = who;
            ByteBuf frame = alloc.heapBuffer(1);
            try {
                RelayHandshake.writeConfirms(frame);
                writeMessage(frame);
            } finally {
                frame.release();
            }
            state = State.CONNECTED;
            establishDeadline = Long.MAX_VALUE;
            scheduleKeepAlive();
            listener.onAuthenticated(who, PeerKey.of(who), version);
            return;
        }
        scheduleKeepAlive();
        switch (type) {
            case RelayFrames.CLIENT_TO_RELAY_DATAGRAM, RelayFrames.CLIENT_TO_RELAY_DATAGRAM_BATCH -> {
                boolean batch = type == RelayFrames.CLIENT_TO_RELAY_DATAGRAM_BATCH;
                int payload = RelayFrames.datagramPayload(type, index, length, batch);
                int n = index + length - payload;
                if (n > 0) {
                    listener.onDatagrams(PeerKey.read(buf, index + 1), buf.getUnsignedByte(index + 1 + PeerKey.LENGTH),
                            batch ? buf.getUnsignedShort(index + 2 + PeerKey.LENGTH) : 0, buf, payload, n);
                }
            }
            case RelayFrames.PING -> {
                RelayFrames.expectBody(type, length, 8);
                ByteBuf frame = alloc.heapBuffer(9);
                try {
                    RelayFrames.writePing(frame, RelayFrames.PONG, buf.getLong(index + 1));
                    writeMessage(frame);
                } finally {
                    frame.release();
                }
            }
            case RelayFrames.PONG -> {
                RelayFrames.expectBody(type, length, 8);
                if (buf.getLong(index + 1) == pingData) {
                    pongDeadline = Long.MAX_VALUE;
                }
            }
            default -> fail(WebSocketException.PROTOCOL_ERROR, "client sent a " + RelayFrames.name(type) + " frame");
        }
    }

    private void deny(String reason, String why) {
        ByteBuf frame = alloc.heapBuffer(16 + reason.length() * 3);
        try {
            RelayHandshake.writeDenies(frame, reason);
            writeMessage(frame);
        } finally {
            frame.release();
        }
        output.closeAfterFlush();
        state = State.CLOSED;
        closeReason = "denied: " + why;
        releaseBuffers();
    }

    /** Every frame from the client pushes the next keep-alive Ping out (1-5 s of jitter, as iroh's server). */
    private void scheduleKeepAlive() {
        nextPingAt = now + timings.pingIntervalNanos() + 1_000_000_000L + random.nextLong(4_000_000_000L);
    }

    /** The next time {@link #onTimeout} must run, or {@link Long#MAX_VALUE}. */
    public long nextTimeout() {
        if (state == State.CLOSED) {
            return Long.MAX_VALUE;
        }
        return Math.min(establishDeadline, pongDeadline == Long.MAX_VALUE ? nextPingAt : pongDeadline);
    }

    public void onTimeout(long now) throws RelayException {
        this.now = now;
        if (state == State.CLOSED) {
            return;
        }
        if (now >= establishDeadline) {
            fail(0, "no relay handshake within " + timings.establishTimeoutNanos() / 1_000_000 + " ms of connecting");
        }
        if (now >= pongDeadline) {
            fail(WebSocketException.POLICY_VIOLATION, "no Pong within " + timings.pongTimeoutNanos() / 1_000_000 + " ms");
        }
        if (state == State.CONNECTED && pongDeadline == Long.MAX_VALUE && now >= nextPingAt) {
            pingData = random.nextLong();
            pongDeadline = now + timings.pongTimeoutNanos();
            ByteBuf frame = alloc.heapBuffer(9);
            try {
                RelayFrames.writePing(frame, RelayFrames.PING, pingData);
                writeMessage(frame);
            } finally {
                frame.release();
            }
        }
    }

    /** Ends the connection with a WebSocket close (e.g. the relay shuts down), after what is queued. */
    public void close(String why) {
        if (state == State.CONNECTED || state == State.HANDSHAKING) {
            writeControl(WebSocketFrames.OP_CLOSE, WebSocketFrames.closePayload(1001, why));
        }
        if (state != State.CLOSED) {
            closeReason = why;
        }
        state = State.CLOSED;
        output.closeAfterFlush();
        releaseBuffers();
    }

    /** The authenticated endpoint id, or null. */
    public EndpointId endpointId() {
        return id;
    }

    public RelayVersion version() {
        return version;
    }

    public boolean isConnected() {
        return state == State.CONNECTED;
    }

    /** Why the connection ended, or null while it is open. */
    public String closeReason() {
        return closeReason;
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
        if (closeCode > 0 && (state == State.CONNECTED || state == State.HANDSHAKING)) {
            writeControl(WebSocketFrames.OP_CLOSE, WebSocketFrames.closePayload(closeCode, ""));
        }
        state = State.CLOSED;
        closeReason = why;
        throw new RelayException(why);
    }

    private void writeMessage(ByteBuf frame) {
        int n = frame.readableBytes();
        ByteBuf out = alloc.buffer(WebSocketFrames.headerLength(n, false) + n);
        WebSocketFrames.writeHeader(out, WebSocketFrames.OP_BINARY, n, false, 0);
        out.writeBytes(frame, frame.readerIndex(), n);
        output.write(out);
    }

    private void writeControl(int opcode, byte[] payload) {
        ByteBuf out = alloc.buffer(2 + payload.length);
        WebSocketFrames.writeFrame(out, opcode, payload, false, 0);
        output.write(out);
    }

    // ================================================================================================
    // Frames for this client from elsewhere (any thread): whole WebSocket messages, ready to write

    /** Datagrams from {@code source}: one, or a batch of {@code segmentSize}-byte datagrams if above 0. */
    public static ByteBuf encodeDatagrams(ByteBufAllocator alloc, PeerKey source, int ecn, int segmentSize, ByteBuf data,
                                          int index, int length) {
        int body = RelayFrames.datagramHeaderLength(segmentSize) + length;
        ByteBuf out = alloc.directBuffer(WebSocketFrames.headerLength(body, false) + body);
        WebSocketFrames.writeHeader(out, WebSocketFrames.OP_BINARY, body, false, 0);
        RelayFrames.writeDatagramHeader(out, RelayFrames.RELAY_TO_CLIENT_DATAGRAM, source, ecn, segmentSize);
        out.writeBytes(data, index, length);
        return out;
    }

    public static ByteBuf encodeEndpointGone(ByteBufAllocator alloc, PeerKey gone) {
        ByteBuf out = alloc.buffer(2 + 1 + PeerKey.LENGTH);
        WebSocketFrames.writeHeader(out, WebSocketFrames.OP_BINARY, 1 + PeerKey.LENGTH, false, 0);
        RelayFrames.writeEndpointGone(out, gone);
        return out;
    }

    /**
     * The connection's health for its version: v2 a Status frame, v1 Health text (empty when healthy, as iroh's
     * v1 clients take any text for a problem).
     */
    public static ByteBuf encodeStatus(ByteBufAllocator alloc, RelayVersion version, int status) {
        ByteBuf frame = alloc.heapBuffer(128);
        try {
            if (version == RelayVersion.V2) {
                RelayFrames.writeStatus(frame, status);
            } else {
                RelayFrames.writeHealth(frame, status == RelayFrames.STATUS_SAME_ENDPOINT_ID_CONNECTED
                        ? RelayFrames.SAME_ENDPOINT_ID_TEXT : "");
            }
            int n = frame.readableBytes();
            ByteBuf out = alloc.buffer(4 + n);
            WebSocketFrames.writeHeader(out, WebSocketFrames.OP_BINARY, n, false, 0);
            out.writeBytes(frame);
            return out;
        } finally {
            frame.release();
        }
    }

    /** Restarting: reconnect in {@code reconnectInMillis}, keep trying for {@code tryForMillis}. */
    public static ByteBuf encodeRestarting(ByteBufAllocator alloc, long reconnectInMillis, long tryForMillis) {
        ByteBuf out = alloc.buffer(2 + 9);
        WebSocketFrames.writeHeader(out, WebSocketFrames.OP_BINARY, 9, false, 0);
        RelayFrames.writeRestarting(out, reconnectInMillis, tryForMillis);
        return out;
    }
}
