package com.kafkaconnectiroh.p2p.tls;

/**
 * What the TLS engine hands to QUIC, in order. QUIC must act on them in the order polled: bytes are sent in
 * CRYPTO frames at their level, keys installed as they come.
 */
public sealed interface TlsEvent permits TlsEvent.HandshakeData, TlsEvent.KeysReady, TlsEvent.HandshakeComplete {

    /** Handshake bytes to send in CRYPTO frames at {@code level} (continuing that level's crypto stream). */
    record HandshakeData(EncryptionLevel level, byte[] data) implements TlsEvent {
    }

    /**
     * Traffic secrets for {@code level} (HANDSHAKE or APPLICATION). QUIC derives packet protection keys from them
     * with the "quic key"/"quic iv"/"quic hp" labels (RFC 9001 §5.1) and, for APPLICATION, key updates with
     * "quic ku" (§6). {@code readSecret} protects what the peer sends, {@code writeSecret} what we send.
     */
    record KeysReady(EncryptionLevel level, CipherSuite suite, byte[] readSecret, byte[] writeSecret) implements TlsEvent {
    }

    /**
     * The handshake finished and the peer is authenticated: on the client after it sent its Finished, on the
     * server after it verified the client's Finished (RFC 9001 §4.1.1).
     */
    record HandshakeComplete() implements TlsEvent {
    }
}
