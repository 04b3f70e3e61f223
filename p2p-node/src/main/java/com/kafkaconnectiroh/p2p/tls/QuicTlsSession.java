package com.kafkaconnectiroh.p2p.tls;

import com.kafkaconnectiroh.p2p.base.EndpointId;

/**
 * A TLS 1.3 handshake as QUIC drives it (RFC 9001 §4): no records, no I/O. QUIC feeds in the CRYPTO stream
 * bytes it received at each level (in order, without gaps) and polls {@link TlsEvent}s: bytes to send, keys
 * to install, completion. Authentication is by raw Ed25519 public keys (RFC 7250) on both sides, as iroh does.
 *
 * <p>Not thread-safe; the owning QUIC connection serializes all calls.
 */
public interface QuicTlsSession {

    /** True for the client side. */
    boolean isClient();

    /**
     * Starts the handshake. On the client this queues the ClientHello (an Initial-level {@link
     * TlsEvent.HandshakeData}); on the server it does nothing.
     */
    void start() throws TlsException;

    /** Handshake bytes the peer sent in CRYPTO frames at {@code level}, in stream order. */
    void onHandshakeData(EncryptionLevel level, byte[] data, int off, int len) throws TlsException;

    /** The next event, or null when there is none until more input. */
    TlsEvent poll();

    boolean isHandshakeComplete();

    /** The peer's raw quic_transport_parameters extension body, once received; else null. */
    byte[] peerTransportParameters();

    /** The negotiated ALPN protocol, once known; else null. */
    byte[] alpn();

    /** The authenticated peer identity, once its CertificateVerify checked out; else null. */
    EndpointId peerId();

    /** The negotiated suite, once known; else null. */
    CipherSuite cipherSuite();

    /** Bytes held for a handshake message not yet complete (part of what a half-open connection costs). */
    int bufferedBytes();
}
