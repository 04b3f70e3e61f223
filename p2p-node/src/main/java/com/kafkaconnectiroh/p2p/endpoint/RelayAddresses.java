package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.relay.PeerKey;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;

/**
 * The socket addresses that stand for "endpoint X behind relay R" inside this endpoint. QUIC keys a path by its
 * peer's socket address, so a relay path gets one too, as iroh gives its QUIC stack a "relay mapped address" per
 * (relay URL, endpoint id) (IR {@code iroh/src/socket/mapped_addrs.rs}). The addresses are IPv6 unique local
 * addresses from a /64 of our own ({@code fd6b:6369:7270:1::/64}, "kci rp"), numbered in the order paths appear,
 * all on port {@value #PORT}; they never go on the wire and mean nothing to another process.
 *
 * <p>Bounded: the {@value #MAX_PATHS} paths used most recently (every datagram sent or received on a path counts
 * as a use, so an open connection keeps its address). Loop-confined.
 */
final class RelayAddresses {
    static final int MAX_PATHS = 4096;
    static final int PORT = 7;
    private static final byte[] PREFIX = {(byte) 0xfd, 0x6b, 0x63, 0x69, 0x72, 0x70, 0x00, 0x01};

    /** One relay path: a relay and an endpoint id there. */
    record RelayPath(RelayUrl url, PeerKey peer) {
        @Override
        public String toString() {
            return "relay " + url + " to " + peer.fmtShort();
        }
    }

    private final Map<InetSocketAddress, RelayPath> paths = new HashMap<>();
    private final Map<RelayPath, InetSocketAddress> addresses = new LruMap<>(MAX_PATHS, (path, addr) -> paths.remove(addr));
    private long next = 1;

    /** The address of {@code path}, made up on first use. */
    InetSocketAddress addressOf(RelayPath path) {
        InetSocketAddress a = addresses.get(path);
        if (a == null) {
            a = newAddress(next++);
            addresses.put(path, a);
            paths.put(a, path);
        }
        return a;
    }

    /** The relay path {@code addr} stands for, or null for any other address (one map lookup; no allocation). */
    RelayPath pathOf(InetSocketAddress addr) {
        if (addr.getPort() != PORT || !(addr.getAddress() instanceof Inet6Address)) {
            return null;
        }
        RelayPath p = paths.get(addr);
        if (p != null) {
            addresses.get(p); // a use: keeps it from being forgotten
        }
        return p;
    }

    /** Whether {@code addr} is from our relay range (an address of a path, or of one forgotten since). */
    static boolean isRelayAddress(InetSocketAddress addr) {
        if (addr.getPort() != PORT || !(addr.getAddress() instanceof Inet6Address)) {
            return false;
        }
        byte[] b = addr.getAddress().getAddress();
        for (int i = 0; i < PREFIX.length; i++) {
            if (b[i] != PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return paths.size();
    }

    private static InetSocketAddress newAddress(long n) {
        byte[] b = new byte[16];
        System.arraycopy(PREFIX, 0, b, 0, PREFIX.length);
        for (int i = 0; i < 8; i++) {
            b[15 - i] = (byte) (n >>> (8 * i));
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(b), PORT);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are an IPv6 address", e);
        }
    }
}
