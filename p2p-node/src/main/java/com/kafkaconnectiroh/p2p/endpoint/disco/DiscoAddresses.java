package com.kafkaconnectiroh.p2p.endpoint.disco;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Disco's fixed 18-byte endpoint form: a 16-byte IPv6 address (IPv4 as {@code ::ffff:a.b.c.d}) and the port
 * <em>little-endian</em> (IR@v0.35.0 {@code disco.rs::{socket_addr_as_bytes, socket_addr_from_bytes}}).
 */
final class DiscoAddresses {
    static final int LENGTH = 18;

    private DiscoAddresses() {
    }

    static void write(InetSocketAddress addr, byte[] out, int off) {
        InetAddress ip = addr.getAddress();
        byte[] raw = ip.getAddress();
        if (ip instanceof Inet4Address) {
            java.util.Arrays.fill(out, off, off + 10, (byte) 0);
            out[off + 10] = (byte) 0xFF;
            out[off + 11] = (byte) 0xFF;
            System.arraycopy(raw, 0, out, off + 12, 4);
        } else {
            System.arraycopy(raw, 0, out, off, 16);
        }
        int port = addr.getPort();
        out[off + 16] = (byte) port;
        out[off + 17] = (byte) (port >>> 8);
    }

    /** IPv4-mapped addresses come back as IPv4, like Rust's {@code IpAddr::to_canonical}. */
    static InetSocketAddress read(byte[] in, int off) {
        byte[] raw = java.util.Arrays.copyOfRange(in, off, off + 16);
        int port = (in[off + 16] & 0xFF) | (in[off + 17] & 0xFF) << 8;
        try {
            InetAddress ip;
            if (isV4Mapped(raw)) {
                ip = InetAddress.getByAddress(java.util.Arrays.copyOfRange(raw, 12, 16));
            } else {
                // Inet6Address.getByAddress never maps to IPv4 by itself, unlike InetAddress.getByAddress.
                ip = Inet6Address.getByAddress(null, raw, -1);
            }
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4- or 16-byte address is always valid", e);
        }
    }

    private static boolean isV4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xFF && raw[11] == (byte) 0xFF;
    }
}
