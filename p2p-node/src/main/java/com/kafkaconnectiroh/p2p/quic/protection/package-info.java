/**
 * Packet protection (RFC 9001 §5, §6): Initial secrets, key derivation from TLS traffic secrets, AEAD (JDK AES-GCM,
 * ChaCha20-Poly1305), header protection, Retry integrity, 1-RTT key phases and updates.
 */
package com.kafkaconnectiroh.p2p.quic.protection;
