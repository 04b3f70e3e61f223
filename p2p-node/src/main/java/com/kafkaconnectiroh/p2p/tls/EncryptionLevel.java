package com.kafkaconnectiroh.p2p.tls;

/** The four key epochs QUIC carries TLS in (RFC 9001 §4.1.3). Ordinal order is handshake order. */
public enum EncryptionLevel {
    INITIAL,
    EARLY_DATA,
    HANDSHAKE,
    APPLICATION
}
