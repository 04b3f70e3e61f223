package com.kafkaconnectiroh.p2p.quic;

import java.nio.ByteBuffer;

/**
 * Work buffers a {@link QuicConnection} uses only inside one call (decrypting a packet, assembling a datagram,
 * feeding CRYPTO bytes to TLS), shared by every connection of one {@link QuicEndpoint}: they all run on the
 * endpoint's thread, one call at a time, and no call of one connection happens inside a call of another. So an
 * idle or half-open connection holds none of them (they were about 15 KiB per connection, which a flood of
 * spoofed Initials multiplies). Arrays only grow.
 */
final class Scratch {
    /** A datagram passed as a ByteBuffer, copied out to be unprotected in place. */
    byte[] rx = new byte[2048];
    /** Decrypted payload of the packet being processed. */
    byte[] plain = new byte[2048];
    /** Plaintext payloads of the (up to three coalesced) packets of the datagram being built. */
    final byte[][] txPlain = new byte[3][0];
    /** The datagram being built. */
    byte[] dgram = new byte[0];
    /** CRYPTO bytes on their way to TLS. */
    final ByteBuffer crypto = ByteBuffer.allocate(4096);

    /** Makes the datagram buffers hold at least {@code size} bytes. */
    void ensureDatagram(int size) {
        if (dgram.length < size) {
            dgram = new byte[size];
            for (int i = 0; i < txPlain.length; i++) {
                txPlain[i] = new byte[size];
            }
        }
    }
}
