package com.kafkaconnectiroh.p2p.relay;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * An endpoint id as the relay frames carry it: 32 raw bytes, held as four longs so that routing a datagram by it
 * costs a hash lookup and no point decompression (which {@link EndpointId#fromBytes} does to validate a key). A
 * relay only ever routes to keys that authenticated, so an invalid key in a frame simply matches nobody.
 */
public record PeerKey(long a, long b, long c, long d) {
    public static final int LENGTH = 32;

    public static PeerKey of(EndpointId id) {
        ByteBuffer bb = ByteBuffer.wrap(id.toBytes());
        return new PeerKey(bb.getLong(), bb.getLong(), bb.getLong(), bb.getLong());
    }

    /** The key at {@code index} (absolute; the buffer's indices do not move). */
    public static PeerKey read(ByteBuf buf, int index) {
        return new PeerKey(buf.getLong(index), buf.getLong(index + 8), buf.getLong(index + 16), buf.getLong(index + 24));
    }

    public void write(ByteBuf out) {
        out.writeLong(a).writeLong(b).writeLong(c).writeLong(d);
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(LENGTH).putLong(a).putLong(b).putLong(c).putLong(d).array();
    }

    /** The endpoint id, or null if these bytes are no valid Ed25519 public key. */
    public EndpointId toEndpointId() {
        try {
            return EndpointId.fromBytes(toBytes());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The first 5 bytes in hex, as {@link EndpointId#fmtShort()} prints ids. */
    public String fmtShort() {
        return Hex.encode(toBytes()).substring(0, 10);
    }

    @Override
    public String toString() {
        return Hex.encode(toBytes());
    }
}
