package com.kafkaconnectiroh.p2p.quic;

import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import java.util.random.RandomGenerator;

/**
 * What a connection asks of its endpoint about connection IDs: routing of the IDs it issues, stateless reset
 * tokens (derived from an endpoint secret so the endpoint can reset connections it forgot), the peer's reset
 * token for the ID we use, and removal when the connection is drained. Called synchronously on the thread
 * driving endpoint and connection.
 */
interface ConnectionIdRegistry {

    /** A fresh local connection ID, unique within the endpoint. */
    ConnectionId newConnectionId();

    /** Packets to {@code cid} now belong to {@code connection}. */
    void register(ConnectionId cid, QuicConnection connection);

    void unregister(ConnectionId cid);

    /** Our stateless reset token for a local connection ID (RFC 9000 §10.3.2). */
    byte[] resetToken(ConnectionId cid);

    /** The peer's reset token for the connection ID we send to, or null; replaces the previous one. */
    void peerResetToken(QuicConnection connection, byte[] token);

    /**
     * A server connection whose handshake is in progress holds a different amount now, or completed its
     * handshake (the endpoint bounds them, see {@link HalfOpenLimits}; it may drop this one).
     */
    void halfOpenChanged(QuicConnection connection);

    /** The connection is drained; forget it. */
    void drained(QuicConnection connection);

    /** Randomness for packet contents (path challenges, greasing). */
    RandomGenerator random();
}
