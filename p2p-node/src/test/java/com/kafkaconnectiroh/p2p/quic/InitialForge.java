package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.quic.frame.FrameWriter;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.params.TransportParameters;
import com.kafkaconnectiroh.p2p.quic.protection.InitialSecrets;
import com.kafkaconnectiroh.p2p.quic.protection.PacketSealer;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.TlsClientSession;
import com.kafkaconnectiroh.p2p.tls.TlsEvent;
import com.kafkaconnectiroh.p2p.tls.TlsException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Makes genuine client Initials, the way a flood would: each with fresh random connection IDs (so each looks like
 * a new connection to the server), a real ClientHello (a server does its full TLS work for it) and, if wanted, a
 * token of any size. Nothing is remembered: the sender never answers what comes back, as with spoofed sources.
 */
public final class InitialForge {
    private final TlsClientConfig tls;
    private final RandomGenerator random;
    private final PacketSealer sealer = new PacketSealer();
    private final byte[] payload = new byte[1200];
    /** The ClientHello and SCID {@link #nextSameHello} reuses; made on its first call. */
    private byte[] hello;
    private ConnectionId helloScid;

    /** Initials asking {@code server} for {@code alpn}, from one throw-away client identity. */
    public InitialForge(EndpointId server, String alpn, RandomGenerator random) {
        this.tls = new TlsClientConfig(SecretKey.generate(), server, List.of(alpn.getBytes(StandardCharsets.UTF_8)));
        this.random = random;
    }

    /** An Initial with a random 8-byte DCID and SCID and no token, padded to 1200 bytes. */
    public byte[] next() {
        return next(ConnectionId.random(random, 8), new byte[0]);
    }

    /**
     * An Initial with a fresh random DCID (so a new connection to the server, which does its full TLS work for
     * it), reusing one ClientHello and SCID: only the Initial keys are derived anew, so a flood can reach
     * thousands a second without the sender's key generation being the bottleneck.
     */
    public byte[] nextSameHello() {
        if (hello == null) {
            helloScid = ConnectionId.random(random, 8);
            hello = clientHello(helloScid);
        }
        return seal(ConnectionId.random(random, 8), helloScid, new byte[0], hello);
    }

    /** An Initial to {@code dcid} carrying {@code token}, padded to at least 1200 bytes. */
    public byte[] next(ConnectionId dcid, byte[] token) {
        ConnectionId scid = ConnectionId.random(random, 8);
        return seal(dcid, scid, token, clientHello(scid));
    }

    private byte[] clientHello(ConnectionId scid) {
        TransportParameters tp = new TransportParameters();
        tp.initialSourceConnectionId = scid;
        tp.maxIdleTimeout = 30_000;
        tp.initialMaxData = 1 << 20;
        tp.initialMaxStreamDataBidiLocal = 1 << 16;
        tp.initialMaxStreamDataBidiRemote = 1 << 16;
        tp.initialMaxStreamDataUni = 1 << 16;
        tp.initialMaxStreamsBidi = 100;
        tp.initialMaxStreamsUni = 100;
        TlsClientSession session = new TlsClientSession(tls, tp.encode());
        try {
            session.start();
            return ((TlsEvent.HandshakeData) session.poll()).data();
        } catch (TlsException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] seal(ConnectionId dcid, ConnectionId scid, byte[] token, byte[] clientHello) {
        int p = FrameWriter.cryptoHeader(payload, 0, 0, clientHello.length);
        System.arraycopy(clientHello, 0, payload, p, clientHello.length);
        p += clientHello.length;
        int header = PacketSealer.longHeaderSize(dcid.length(), scid.length(), token.length, true, 4);
        int fill = Math.max(0, 1200 - header - p - 16);
        Arrays.fill(payload, p, p + fill, (byte) 0); // PADDING frames
        p += fill;
        byte[] out = new byte[header + p + 16];
        int n = sealer.sealLong(out, 0, PacketSealer.INITIAL, dcid, scid, token, 0, 4, payload, p,
                InitialSecrets.clientKeys(dcid.toBytes()));
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
