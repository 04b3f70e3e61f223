package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.packet.PacketHeader;
import com.kafkaconnectiroh.p2p.quic.packet.PacketType;
import com.kafkaconnectiroh.p2p.quic.packet.RetryPacket;
import com.kafkaconnectiroh.p2p.quic.packet.VersionNegotiation;
import com.kafkaconnectiroh.p2p.quic.protection.InitialSecrets;
import com.kafkaconnectiroh.p2p.quic.protection.PacketKey;
import com.kafkaconnectiroh.p2p.quic.protection.PacketSealer;
import com.kafkaconnectiroh.p2p.quic.util.LongMap;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sans-IO core of one UDP socket: routes datagrams to connections by Destination Connection ID, accepts new
 * server connections from valid Initials (including the duplicates iroh 1.x sends over several paths, which
 * route to the same connection by their original DCID), answers unknown versions with Version Negotiation and
 * unknown short-header packets with rate-limited stateless resets, recognises stateless resets sent to us, and
 * drops everything else silently.
 *
 * <p>Driver loop: {@link #handleDatagram} for every received datagram (it returns the connection that took it,
 * if any), then {@link #pollTransmit} for endpoint-level replies and {@link #pollIncoming} for new connections;
 * each connection is driven as {@link QuicConnection} describes. Drained connections remove themselves.
 * Not thread-safe: the endpoint and its connections share one thread.
 */
public final class QuicEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(QuicEndpoint.class);
    private static final int MAX_QUEUED_TRANSMITS = 64;
    private static final int MIN_INITIAL_DCID = 8;
    /** Our Retry tokens start with this byte; their length is this plus the original DCID's. */
    private static final byte RETRY_TOKEN_MAGIC = 0x52;
    private static final int RETRY_TOKEN_BASE = 1 + 1 + 8 + 16;

    private record Outgoing(InetSocketAddress to, byte[] data) {
    }

    private final EndpointConfig config;
    private final TransportConfig transportConfig;
    private final TlsSessionFactory serverTls;
    private final RandomGenerator random;
    private final int cidLength;
    private final Mac resetMac;

    private final LongMap<QuicConnection> byCid = new LongMap<>(64);
    private final Map<ConnectionId, QuicConnection> byOriginalDcid = new HashMap<>();
    private final Map<QuicConnection, ConnectionId> originalDcidOf = new HashMap<>();
    private final Map<TokenKey, QuicConnection> byResetToken = new HashMap<>();
    private final Map<QuicConnection, TokenKey> resetTokenOf = new HashMap<>();
    private final Set<QuicConnection> connections = new LinkedHashSet<>();
    private final ArrayDeque<QuicConnection> incoming = new ArrayDeque<>();
    private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();
    private final Registry registry = new Registry();
    private final Scratch scratch = new Scratch();
    private final HalfOpenLimits halfOpen;
    private byte[] rx = new byte[2048];

    private double resetTokens;
    private long resetRefill = Long.MIN_VALUE;

    private long droppedDatagrams;
    private long statelessResetsSent;
    private long versionNegotiationsSent;
    private long retriesSent;
    private final PacketHeader header = new PacketHeader();

    /** A 16-byte token as a map key. */
    private record TokenKey(long hi, long lo) {
        static TokenKey of(byte[] b, int off) {
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (b[off + i] & 0xFF);
                lo = (lo << 8) | (b[off + 8 + i] & 0xFF);
            }
            return new TokenKey(hi, lo);
        }
    }

    /**
     * @param serverTls makes the TLS session for each accepted connection; null for a client-only endpoint
     * @param random    randomness for connection IDs and the like (a SecureRandom in production)
     */
    public QuicEndpoint(EndpointConfig config, TransportConfig transportConfig, TlsSessionFactory serverTls,
                        RandomGenerator random) {
        this.config = config;
        this.transportConfig = transportConfig.copy();
        this.serverTls = serverTls;
        this.random = random;
        this.cidLength = config.localCidLength();
        byte[] key = config.statelessResetKey();
        if (key == null) {
            key = new byte[32];
            random.nextBytes(key);
        }
        try {
            resetMac = Mac.getInstance("HmacSHA256");
            resetMac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
        resetTokens = config.statelessResetsPerSecond();
        halfOpen = new HalfOpenLimits(config);
    }

    /** Starts a client connection to {@code remote}; its first datagrams are ready in {@code pollTransmit}. */
    public QuicConnection connect(long now, InetSocketAddress remote, TlsSessionFactory tls) {
        return connect(now, remote, tls, transportConfig);
    }

    /** Like {@link #connect(long, InetSocketAddress, TlsSessionFactory)} with its own transport settings. */
    public QuicConnection connect(long now, InetSocketAddress remote, TlsSessionFactory tls, TransportConfig tc) {
        ConnectionId local = registry.newConnectionId();
        // RFC 9000 §7.2: the first DCID is random and at least 8 bytes
        ConnectionId dcid = ConnectionId.random(random, Math.max(MIN_INITIAL_DCID, cidLength));
        QuicConnection c = new QuicConnection(true, tc, registry, cidLength, remote, local, dcid, dcid, null, tls,
                scratch, now);
        connections.add(c);
        c.start(now);
        return c;
    }

    /**
     * A datagram from {@code from}. Returns the connection it was delivered to (possibly a new incoming one), or
     * null if the endpoint handled or dropped it. Reads the buffer from position to limit; does not retain it.
     */
    public QuicConnection handleDatagram(long now, InetSocketAddress from, ByteBuffer datagram) {
        int len = datagram.remaining();
        if (len > rx.length) {
            if (len > 65535) {
                droppedDatagrams++;
                return null;
            }
            rx = new byte[Integer.highestOneBit(len) << 1];
        }
        datagram.get(rx, 0, len);
        return handleDatagram(now, from, rx, len);
    }

    private QuicConnection handleDatagram(long now, InetSocketAddress from, byte[] b, int len) {
        if (len < 1) {
            droppedDatagrams++;
            return null;
        }
        boolean isLong = (b[0] & 0x80) != 0;
        if (!isLong) {
            if (len < 1 + cidLength) {
                droppedDatagrams++;
                return null;
            }
            QuicConnection c = byCid.get(cidKey(b, 1, cidLength));
            if (c != null) {
                c.handleDatagram(now, from, b, 0, len);
                return c;
            }
            return onUnknownShortHeader(now, from, b, len);
        }
        if (len < 7) {
            droppedDatagrams++;
            return null;
        }
        int version = PacketHeader.peekVersion(b, 0);
        int dcidLen = b[5] & 0xFF;
        if (6 + dcidLen >= len) {
            droppedDatagrams++;
            return null;
        }
        int scidLenOff = 6 + dcidLen;
        int scidLen = b[scidLenOff] & 0xFF;
        if (scidLenOff + 1 + scidLen > len) {
            droppedDatagrams++;
            return null;
        }
        if (dcidLen == cidLength) {
            QuicConnection c = byCid.get(cidKey(b, 6, dcidLen));
            if (c != null) {
                c.handleDatagram(now, from, b, 0, len);
                return c;
            }
        }
        if (version != PacketHeader.VERSION_1) {
            // RFC 9000 §6.1: answer only datagrams big enough to be a client's first flight
            if (version != 0 && len >= QuicConnection.MIN_INITIAL_SIZE) {
                sendVersionNegotiation(from, b, dcidLen, scidLenOff + 1, scidLen);
            } else {
                droppedDatagrams++;
            }
            return null;
        }
        if (dcidLen > ConnectionId.MAX_LENGTH || scidLen > ConnectionId.MAX_LENGTH) {
            droppedDatagrams++;
            return null;
        }
        ConnectionId dcid = ConnectionId.of(b, 6, dcidLen);
        QuicConnection c = byOriginalDcid.get(dcid);
        if (c != null) {
            // a retransmitted or duplicated Initial of a handshake we already serve (iroh 1.x copies its
            // Initial to every known path)
            c.handleDatagram(now, from, b, 0, len);
            return c;
        }
        int type = (b[0] >>> 4) & 0x3;
        if (type != 0 || serverTls == null || len < QuicConnection.MIN_INITIAL_SIZE || dcidLen < MIN_INITIAL_DCID
                || (b[0] & PacketHeader.FIXED_BIT) == 0 || connections.size() >= config.maxConnections()) {
            droppedDatagrams++;
            return null;
        }
        ConnectionId clientScid = ConnectionId.of(b, scidLenOff + 1, scidLen);
        if (!header.parse(b, 0, len, cidLength) || header.type != PacketType.INITIAL) {
            droppedDatagrams++;
            return null;
        }
        ConnectionId original = dcid;
        ConnectionId retrySource = null;
        if (header.tokenLen > RETRY_TOKEN_BASE && b[header.tokenOff] == RETRY_TOKEN_MAGIC
                && header.tokenLen == RETRY_TOKEN_BASE + (b[header.tokenOff + 1] & 0xFF)) {
            // the answer to one of our Retries: valid only from the address it went to, to the connection ID it
            // named, and for a while (RFC 9000 §8.1.2-8.1.4)
            original = validateRetryToken(now, from, dcid, b, header.tokenOff, header.tokenLen);
            if (original == null) {
                halfOpen.invalidToken();
                droppedDatagrams++;
                sendInvalidTokenClose(now, from, clientScid, dcid);
                return null;
            }
            retrySource = dcid;
        } // any other token (none of ours: we send no NEW_TOKEN) counts as none (RFC 9000 §8.1.3)
        long source = HalfOpenLimits.sourceKey(from.getAddress());
        switch (halfOpen.admit(source, retrySource != null)) {
            case RETRY -> {
                sendRetry(now, from, clientScid, dcid);
                return null;
            }
            case DROP -> {
                droppedDatagrams++;
                return null;
            }
            case ACCEPT -> {
                // below
            }
        }
        ConnectionId local = registry.newConnectionId();
        QuicConnection conn = new QuicConnection(false, transportConfig, registry, cidLength, from, local, clientScid,
                original, retrySource, serverTls, scratch, now);
        connections.add(conn);
        byOriginalDcid.put(dcid, conn);
        originalDcidOf.put(conn, dcid);
        conn.start(now);
        conn.handleDatagram(now, from, b, 0, len);
        if (conn.packetsAuthenticated() == 0) {
            // not a genuine Initial (it did not decrypt): keep no state for it
            conn.abandon();
            droppedDatagrams++;
            return null;
        }
        if (conn.isDrained()) {
            return null;
        }
        halfOpen.add(conn, source, now);
        registry.halfOpenChanged(conn);
        if (conn.isDrained()) {
            return null; // its first flight alone was over the budget
        }
        incoming.add(conn);
        return conn;
    }

    private void sendRetry(long now, InetSocketAddress to, ConnectionId clientScid, ConnectionId originalDcid) {
        ConnectionId retryScid = registry.newConnectionId();
        byte[] token = retryToken(now, to, originalDcid, retryScid);
        byte[] out = new byte[7 + clientScid.length() + retryScid.length() + token.length + 16];
        int n = RetryPacket.write(out, 0, clientScid, retryScid, token, originalDcid, random);
        queue(to, Arrays.copyOf(out, n));
        retriesSent++;
    }

    /**
     * RFC 9000 §8.1.2: a client that answered a Retry accepts no second one, so one whose token we refuse (it
     * moved address, or took longer than the token's lifetime) is told at once with INVALID_TOKEN instead of
     * waiting for its handshake to time out. No state is kept: a server Initial under the keys of the DCID the
     * client used, carrying only CONNECTION_CLOSE. Spoofed sources can make us send it, so it shares the stateless
     * reset rate limit; it is smaller than what came, so it amplifies nothing.
     */
    private void sendInvalidTokenClose(long now, InetSocketAddress to, ConnectionId clientScid, ConnectionId dcid) {
        if (!takeResetToken(now)) {
            return;
        }
        long code = TransportError.INVALID_TOKEN.code();
        byte[] payload = new byte[FrameWriter.connectionCloseSize(false, code, 0, 0)];
        FrameWriter.connectionClose(payload, 0, false, code, 0, new byte[0], 0);
        byte[] out = new byte[PacketSealer.longHeaderSize(clientScid.length(), dcid.length(), 0, true, 1)
                + payload.length + PacketKey.TAG_LENGTH];
        int n = new PacketSealer().sealLong(out, 0, PacketSealer.INITIAL, clientScid, dcid, new byte[0], 0, 1, payload,
                payload.length, InitialSecrets.serverKeys(dcid.toBytes()));
        queue(to, Arrays.copyOf(out, n));
    }

    /**
     * Token: a magic byte, the original DCID, the issue time, and a MAC binding them to the client's address and
     * port and to the Retry's SCID (the DCID the client must use next), so it opens exactly one connection from
     * where it was sent: a copy replayed to another connection ID or from another address is worthless.
     */
    private byte[] retryToken(long now, InetSocketAddress client, ConnectionId originalDcid, ConnectionId retryScid) {
        byte[] odcid = originalDcid.toBytes();
        byte[] t = new byte[RETRY_TOKEN_BASE + odcid.length];
        t[0] = RETRY_TOKEN_MAGIC;
        t[1] = (byte) odcid.length;
        System.arraycopy(odcid, 0, t, 2, odcid.length);
        for (int i = 0; i < 8; i++) {
            t[2 + odcid.length + i] = (byte) (now >>> (56 - 8 * i));
        }
        byte[] mac = tokenMac(client, retryScid, t, 2 + odcid.length + 8);
        System.arraycopy(mac, 0, t, 2 + odcid.length + 8, 16);
        return t;
    }

    /** The original DCID a valid token names, or null. The caller checked the magic byte and the length. */
    private ConnectionId validateRetryToken(long now, InetSocketAddress client, ConnectionId dcid, byte[] b, int off,
                                            int len) {
        int odcidLen = b[off + 1] & 0xFF;
        if (odcidLen > ConnectionId.MAX_LENGTH) {
            return null;
        }
        int body = 2 + odcidLen + 8;
        byte[] mac = tokenMac(client, dcid, Arrays.copyOfRange(b, off, off + body), body);
        if (!MessageDigest.isEqual(mac, Arrays.copyOfRange(b, off + body, off + len))) {
            return null;
        }
        long issued = 0;
        for (int i = 0; i < 8; i++) {
            issued = (issued << 8) | (b[off + 2 + odcidLen + i] & 0xFF);
        }
        if (now - issued > config.retryTokenLifetimeNanos() || issued - now > 1_000_000_000L) {
            return null;
        }
        return ConnectionId.of(b, off + 2, odcidLen);
    }

    private byte[] tokenMac(InetSocketAddress client, ConnectionId retryScid, byte[] body, int len) {
        resetMac.update((byte) 0x52); // domain separation from reset tokens
        resetMac.update(client.getAddress().getAddress());
        resetMac.update((byte) (client.getPort() >>> 8));
        resetMac.update((byte) client.getPort());
        resetMac.update(retryScid.toBytes());
        resetMac.update(body, 0, len);
        return Arrays.copyOf(resetMac.doFinal(), 16);
    }

    private QuicConnection onUnknownShortHeader(long now, InetSocketAddress from, byte[] b, int len) {
        if (len >= 21) {
            QuicConnection c = byResetToken.get(TokenKey.of(b, len - 16));
            if (c != null) {
                c.handleStatelessReset();
                return c;
            }
        }
        // RFC 9000 §10.3: reset connections we do not know, smaller than what came (so two endpoints cannot
        // loop) and never for packets too short to hide a reset in, at a limited rate
        int minPacket = 1 + cidLength + 1 + 16 + 4;
        if (len < minPacket || (b[0] & PacketHeader.FIXED_BIT) == 0 || !takeResetToken(now)) {
            droppedDatagrams++;
            return null;
        }
        int size = Math.min(len - 1, 40);
        byte[] reset = new byte[size];
        random.nextBytes(reset);
        reset[0] = (byte) (0x40 | (reset[0] & 0x3f));
        byte[] token = resetToken(b, 1, cidLength);
        System.arraycopy(token, 0, reset, size - 16, 16);
        queue(from, reset);
        statelessResetsSent++;
        return null;
    }

    private boolean takeResetToken(long now) {
        int rate = config.statelessResetsPerSecond();
        if (rate == 0) {
            return false;
        }
        if (resetRefill != Long.MIN_VALUE) {
            resetTokens = Math.min(rate, resetTokens + (now - resetRefill) / 1e9 * rate);
        }
        resetRefill = now;
        if (resetTokens >= 1) {
            resetTokens -= 1;
            return true;
        }
        return false;
    }

    private void sendVersionNegotiation(InetSocketAddress to, byte[] b, int dcidLen, int scidOff, int scidLen) {
        byte[] out = new byte[7 + dcidLen + scidLen + 8];
        int n = VersionNegotiation.write(out, 0, b, 6, dcidLen, scidOff, scidLen, random);
        queue(to, Arrays.copyOf(out, n));
        versionNegotiationsSent++;
    }

    private void queue(InetSocketAddress to, byte[] data) {
        if (outgoing.size() < MAX_QUEUED_TRANSMITS) {
            outgoing.add(new Outgoing(to, data));
        }
    }

    /** The next endpoint-level datagram (version negotiation, stateless reset) written into {@code out}, or null. */
    public Transmit pollTransmit(ByteBuffer out) {
        Outgoing o = outgoing.peek();
        if (o == null || out.remaining() < o.data().length) {
            return null;
        }
        outgoing.poll();
        out.put(o.data());
        return new Transmit(o.to(), o.data().length, o.data().length, 1);
    }

    /** The next connection a client opened to us, or null. */
    public QuicConnection pollIncoming() {
        QuicConnection c;
        while ((c = incoming.poll()) != null) {
            if (!c.isDrained()) {
                return c;
            }
        }
        return null;
    }

    /** Handshake deadlines moved earlier (the endpoint came under load): the driver must re-read these. */
    public java.util.List<QuicConnection> pollRescheduled() {
        return halfOpen.drainRescheduled();
    }

    /** Server connections whose handshake is in progress, and how they were bounded. */
    public HalfOpenStats halfOpenStats() {
        return halfOpen.stats();
    }

    /** Live connections (a read-only view). */
    public Collection<QuicConnection> connections() {
        return Collections.unmodifiableSet(connections);
    }

    public int connectionCount() {
        return connections.size();
    }

    /** Number of routing entries (connection IDs, original DCIDs, reset tokens): bounded by live connections. */
    int routingEntries() {
        return byCid.size() + byOriginalDcid.size() + byResetToken.size();
    }

    public long droppedDatagrams() {
        return droppedDatagrams;
    }

    public long statelessResetsSent() {
        return statelessResetsSent;
    }

    public long retriesSent() {
        return retriesSent;
    }

    public long versionNegotiationsSent() {
        return versionNegotiationsSent;
    }

    private static long cidKey(byte[] b, int off, int len) {
        if (len > 8) {
            // longer IDs: fold; collisions are resolved by the connection's own DCID check
            long h = 0;
            for (int i = 0; i < len; i++) {
                h = h * 31 + (b[off + i] & 0xFF);
            }
            return h;
        }
        long k = 0;
        for (int i = 0; i < len; i++) {
            k = (k << 8) | (b[off + i] & 0xFF);
        }
        return k;
    }

    private byte[] resetToken(byte[] b, int off, int len) {
        resetMac.update(b, off, len);
        return Arrays.copyOf(resetMac.doFinal(), 16);
    }

    private final class Registry implements ConnectionIdRegistry {
        @Override
        public ConnectionId newConnectionId() {
            while (true) {
                ConnectionId cid = ConnectionId.random(random, cidLength);
                byte[] b = cid.toBytes();
                long key = cidKey(b, 0, b.length);
                if (key != Long.MIN_VALUE && byCid.get(key) == null) {
                    return cid;
                }
            }
        }

        @Override
        public void register(ConnectionId cid, QuicConnection connection) {
            byte[] b = cid.toBytes();
            byCid.put(cidKey(b, 0, b.length), connection);
        }

        @Override
        public void unregister(ConnectionId cid) {
            byte[] b = cid.toBytes();
            byCid.remove(cidKey(b, 0, b.length));
        }

        @Override
        public byte[] resetToken(ConnectionId cid) {
            byte[] b = cid.toBytes();
            return QuicEndpoint.this.resetToken(b, 0, b.length);
        }

        @Override
        public void peerResetToken(QuicConnection connection, byte[] token) {
            TokenKey old = resetTokenOf.remove(connection);
            if (old != null) {
                byResetToken.remove(old);
            }
            if (token != null) {
                TokenKey k = TokenKey.of(token, 0);
                byResetToken.put(k, connection);
                resetTokenOf.put(connection, k);
            }
        }

        @Override
        public void halfOpenChanged(QuicConnection connection) {
            if (!halfOpen.recharge(connection)) {
                connection.forget(new CloseReason(CloseReason.Source.LOCAL, false,
                        com.kafkaconnectiroh.p2p.quic.wire.TransportError.CONNECTION_REFUSED, 0,
                        "the endpoint's budget for handshakes in progress is used up"));
            }
        }

        @Override
        public void drained(QuicConnection connection) {
            halfOpen.remove(connection);
            connection.connectionIds().unregisterAll();
            ConnectionId odcid = originalDcidOf.remove(connection);
            if (odcid != null) {
                byOriginalDcid.remove(odcid);
            }
            peerResetToken(connection, null);
            connections.remove(connection);
            LOG.debug("{} drained; {} connections left", connection, connections.size());
        }

        @Override
        public RandomGenerator random() {
            return random;
        }
    }

    static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
