/**
 * Packet level (RFC 9000 §17): header parsing, packet number encoding, connection IDs, Version Negotiation and Retry
 * packets.
 */
package com.kafkaconnectiroh.p2p.quic.packet;
