package com.kafkaconnectiroh.p2p.gossip.proto;

import java.util.Arrays;

/**
 * Opaque bytes a peer attaches to the messages that introduce it (Join, Neighbor, and in PeerInfo), so others
 * can reach it. The network layer puts the encoded address in here; this layer never looks inside. On the wire
 * a byte string (varint length + bytes).
 */
public final class PeerData {
    public static final PeerData EMPTY = new PeerData(new byte[0]);

    private final byte[] bytes;

    private PeerData(byte[] bytes) {
        this.bytes = bytes;
    }

    public static PeerData of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new PeerData(bytes.clone());
    }

    static PeerData wrap(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new PeerData(bytes);
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerData && Arrays.equals(bytes, ((PeerData) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "PeerData(" + bytes.length + "b)";
    }
}
