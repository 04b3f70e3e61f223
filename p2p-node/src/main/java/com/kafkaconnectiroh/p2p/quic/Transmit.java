package com.kafkaconnectiroh.p2p.quic;

import java.net.InetSocketAddress;

/**
 * Datagrams {@code pollTransmit} wrote into the caller's buffer: {@code size} bytes from the buffer's position
 * before the call, as {@code count} datagrams of {@code segmentSize} bytes each except possibly a shorter last
 * one. A driver sends them with one GSO call (UDP_SEGMENT = segmentSize) or one by one.
 */
public record Transmit(InetSocketAddress destination, int size, int segmentSize, int count) {
}
