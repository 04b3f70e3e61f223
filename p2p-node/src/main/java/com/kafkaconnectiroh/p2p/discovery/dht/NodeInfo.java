package com.kafkaconnectiroh.p2p.discovery.dht;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** A DHT contact: a node id and its IPv4 UDP address, with BEP 5's 26-byte "compact node info" form. */
public record NodeInfo(Id20 id, InetSocketAddress addr) {
    public static final int COMPACT_LENGTH = 26;

    /** Parses a concatenation of compact node infos, skipping entries with port 0 (unreachable). */
    public static List<NodeInfo> parseCompact(byte[] nodes) {
        List<NodeInfo> out = new ArrayList<>();
        for (int off = 0; off + COMPACT_LENGTH <= nodes.length; off += COMPACT_LENGTH) {
            byte[] id = java.util.Arrays.copyOfRange(nodes, off, off + 20);
            InetSocketAddress a = parseCompactPeer(nodes, off + 20);
            if (a != null) {
                out.add(new NodeInfo(Id20.of(id), a));
            }
        }
        return out;
    }

    public static byte[] toCompact(List<NodeInfo> nodes) {
        byte[] out = new byte[nodes.size() * COMPACT_LENGTH];
        int off = 0;
        for (NodeInfo n : nodes) {
            System.arraycopy(n.id.raw(), 0, out, off, 20);
            compactPeer(n.addr, out, off + 20);
            off += COMPACT_LENGTH;
        }
        return out;
    }

    /** BEP 5 "compact IP-address/port info": 4 bytes IPv4, 2 bytes port, big-endian. Null if port 0. */
    public static InetSocketAddress parseCompactPeer(byte[] b, int off) {
        int port = ((b[off + 4] & 0xff) << 8) | (b[off + 5] & 0xff);
        if (port == 0) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, off, off + 4)), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an address", e);
        }
    }

    /** Writes {@code a} (IPv4) as 6 compact bytes; false if it is not IPv4. */
    public static boolean compactPeer(InetSocketAddress a, byte[] out, int off) {
        if (!(a.getAddress() instanceof Inet4Address)) {
            return false;
        }
        System.arraycopy(a.getAddress().getAddress(), 0, out, off, 4);
        out[off + 4] = (byte) (a.getPort() >> 8);
        out[off + 5] = (byte) a.getPort();
        return true;
    }

    public static byte[] compactPeer(InetSocketAddress a) {
        byte[] b = new byte[6];
        return compactPeer(a, b, 0) ? b : null;
    }
}
