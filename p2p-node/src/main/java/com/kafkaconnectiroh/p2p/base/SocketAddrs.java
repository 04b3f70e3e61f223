package com.kafkaconnectiroh.p2p.base;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Comparator;

/**
 * IP socket addresses the way iroh (Rust {@code std::net::SocketAddr}) writes, reads and orders them, without
 * ever touching DNS: text {@code a.b.c.d:port} / {@code [v6]:port}, and the order of Rust's derived {@code Ord}
 * (IPv4 before IPv6, then address bytes, then port) that a {@code BTreeSet<SocketAddr>} keeps on the wire.
 */
public final class SocketAddrs {
    /** Rust's {@code Ord for SocketAddr}: variant (V4 first), then the address bytes unsigned, then the port. */
    public static final Comparator<InetSocketAddress> RUST_ORDER = (a, b) -> {
        byte[] x = a.getAddress().getAddress();
        byte[] y = b.getAddress().getAddress();
        if (x.length != y.length) {
            return x.length < y.length ? -1 : 1;
        }
        int c = Arrays.compareUnsigned(x, y);
        return c != 0 ? c : Integer.compare(a.getPort(), b.getPort());
    };

    private SocketAddrs() {
    }

    /**
     * The form that survives iroh's wire encodings: resolved, no IPv6 scope (serde drops it), and an IPv4-mapped
     * IPv6 address kept as IPv6 (Rust keeps the variant it was given).
     */
    public static InetSocketAddress canonical(InetSocketAddress a) {
        if (a == null || a.isUnresolved()) {
            throw new IllegalArgumentException("socket address must be a resolved ip:port, got " + a);
        }
        InetAddress ip = a.getAddress();
        if (ip instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            return new InetSocketAddress(v6(v6.getAddress()), a.getPort());
        }
        return a;
    }

    public static InetSocketAddress of(byte[] ip, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (ip.length == 4) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        if (ip.length == 16) {
            return new InetSocketAddress(v6(ip), port);
        }
        throw new IllegalArgumentException("IP address must be 4 or 16 bytes, got " + ip.length);
    }

    /** An IPv6 address object even for IPv4-mapped bytes (plain {@code InetAddress.getByAddress} would turn those into IPv4). */
    static Inet6Address v6(byte[] sixteen) {
        try {
            return Inet6Address.getByAddress(null, sixteen, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Like Rust's {@code Display}: {@code 1.2.3.4:5} or {@code [fe80::1]:5}. */
    public static String format(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress() + ":" + a.getPort();
        }
        return "[" + formatIpv6(ip.getAddress()) + "]:" + a.getPort();
    }

    /** RFC 5952 text: lowercase, the first longest run of two or more zero groups as "::", IPv4-mapped as ::ffff:a.b.c.d. */
    public static String formatIpv6(byte[] a) {
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            mapped &= a[i] == 0;
        }
        if (mapped && a[10] == (byte) 0xFF && a[11] == (byte) 0xFF) {
            return "::ffff:" + (a[12] & 0xFF) + "." + (a[13] & 0xFF) + "." + (a[14] & 0xFF) + "." + (a[15] & 0xFF);
        }
        return compressIpv6(a);
    }

    /** The WHATWG URL IPv6 serializer (also RFC 5952 minus the IPv4-mapped special case). */
    static String compressIpv6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (a[2 * i] & 0xFF) << 8 | (a[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(Integer.toHexString(g[i]));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /**
     * Parses {@code a.b.c.d:port} or {@code [v6]:port} strictly (decimal dotted quad without leading zeros, as Rust
     * does; no host names, no scope ids).
     */
    public static InetSocketAddress parse(String text) {
        String s = text.trim();
        int colon;
        byte[] ip;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port, got '" + text + "'");
            }
            ip = parseIpv6(s.substring(1, close));
            if (ip == null) {
                throw new IllegalArgumentException("invalid IPv6 address '" + s.substring(1, close) + "' in '" + text + "'");
            }
            colon = close + 1;
        } else {
            colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected ip:port, got '" + text + "'");
            }
            ip = parseIpv4(s.substring(0, colon));
            if (ip == null) {
                throw new IllegalArgumentException("invalid IPv4 address '" + s.substring(0, colon) + "' in '" + text + "' (IPv6 needs brackets: [addr]:port)");
            }
        }
        String portText = s.substring(colon + 1);
        int port = parsePort(portText);
        if (port < 0) {
            throw new IllegalArgumentException("invalid port '" + portText + "' in '" + text + "'");
        }
        return of(ip, port);
    }

    private static int parsePort(String p) {
        if (p.isEmpty() || p.length() > 5) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 0xFFFF ? v : -1;
    }

    /** Strict dotted-quad IPv4, or null. */
    public static byte[] parseIpv4(CharSequence s) {
        byte[] out = new byte[4];
        int part = 0;
        int i = 0;
        int n = s.length();
        while (part < 4) {
            int start = i;
            int v = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || v > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) v;
            if (part < 4) {
                if (i >= n || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == n ? out : null;
    }

    /**
     * RFC 4291 §2.2 text (the WHATWG URL IPv6 parser): hex groups of up to four digits, one "::", an optional
     * trailing dotted quad. Returns the 16 bytes, or null if malformed.
     */
    public static byte[] parseIpv6(CharSequence in) {
        int[] address = new int[8];
        int pieceIndex = 0;
        int compress = -1;
        int p = 0;
        int n = in.length();
        if (n > 0 && in.charAt(0) == ':') {
            if (n < 2 || in.charAt(1) != ':') {
                return null;
            }
            p = 2;
            pieceIndex = 1;
            compress = 1;
        }
        while (p < n) {
            if (pieceIndex == 8) {
                return null;
            }
            if (in.charAt(p) == ':') {
                if (compress != -1) {
                    return null;
                }
                p++;
                pieceIndex++;
                compress = pieceIndex;
                continue;
            }
            int value = 0;
            int length = 0;
            while (length < 4 && p < n && Character.digit(in.charAt(p), 16) >= 0 && in.charAt(p) < 128) {
                value = value * 16 + Character.digit(in.charAt(p), 16);
                p++;
                length++;
            }
            if (p < n && in.charAt(p) == '.') {
                if (length == 0) {
                    return null;
                }
                p -= length;
                if (pieceIndex > 6) {
                    return null;
                }
                int numbersSeen = 0;
                while (p < n) {
                    int ipv4Piece = -1;
                    if (numbersSeen > 0) {
                        if (in.charAt(p) == '.' && numbersSeen < 4) {
                            p++;
                        } else {
                            return null;
                        }
                    }
                    if (p >= n || in.charAt(p) < '0' || in.charAt(p) > '9') {
                        return null;
                    }
                    while (p < n && in.charAt(p) >= '0' && in.charAt(p) <= '9') {
                        int number = in.charAt(p) - '0';
                        if (ipv4Piece == -1) {
                            ipv4Piece = number;
                        } else if (ipv4Piece == 0) {
                            return null;
                        } else {
                            ipv4Piece = ipv4Piece * 10 + number;
                        }
                        if (ipv4Piece > 255) {
                            return null;
                        }
                        p++;
                    }
                    address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
                    numbersSeen++;
                    if (numbersSeen == 2 || numbersSeen == 4) {
                        pieceIndex++;
                    }
                }
                if (numbersSeen != 4) {
                    return null;
                }
                break;
            } else if (p < n && in.charAt(p) == ':') {
                p++;
                if (p >= n) {
                    return null;
                }
            } else if (p < n) {
                return null;
            }
            address[pieceIndex] = value;
            pieceIndex++;
        }
        if (compress != -1) {
            int swaps = pieceIndex - compress;
            pieceIndex = 7;
            while (pieceIndex != 0 && swaps > 0) {
                int t = address[pieceIndex];
                address[pieceIndex] = address[compress + swaps - 1];
                address[compress + swaps - 1] = t;
                pieceIndex--;
                swaps--;
            }
        } else if (pieceIndex != 8) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (address[i] >>> 8);
            out[2 * i + 1] = (byte) address[i];
        }
        return out;
    }
}
