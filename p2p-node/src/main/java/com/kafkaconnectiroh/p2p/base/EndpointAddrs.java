package com.kafkaconnectiroh.p2p.base;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one user-facing way to say which endpoint to reach (CLI arguments, connector settings). */
public final class EndpointAddrs {
    private EndpointAddrs() {
    }

    /**
     * Parses any of:
     * <ul>
     * <li>an iroh 1.x ticket {@code endpoint…} or an iroh 0.35 ticket {@code node…};</li>
     * <li>{@code <id>@<ip:port>[,<ip:port>…]}, IPv6 as {@code [addr]:port};</li>
     * <li>a bare id (64 hex or 52 base32 characters), with no addresses.</li>
     * </ul>
     * Host names are not resolved. Surrounding whitespace is ignored.
     *
     * @throws IllegalArgumentException saying which form was assumed and what was wrong
     */
    public static EndpointAddr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected an endpoint ticket, <id>@<ip:port> or an endpoint id, got nothing");
        }
        String s = text.trim();
        int at = s.indexOf('@');
        if (at >= 0) {
            return parseIdAtAddrs(s, at);
        }
        // A bare id is 52 base32 or 64 hex characters. No ticket is 52 long (an empty node ticket has 60, an empty
        // endpoint ticket 63), and no ticket is hex, so even a base32 id that happens to start with "node" is an id.
        if (s.length() == 52 || (s.length() == 64 && Hex.isHex(s))) {
            return EndpointAddr.of(EndpointId.parse(s));
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith(EndpointTicket.KIND)) {
            return EndpointTicket.parse(s).addr();
        }
        if (lower.startsWith(NodeTicket.KIND)) {
            return NodeTicket.parse(s).addr();
        }
        String shown = s.length() > 24 ? s.substring(0, 24) + "…" : s;
        throw new IllegalArgumentException("expected an endpoint… or node… ticket, <id>@<ip:port>, or a 64-hex / 52-base32 endpoint id, got '" + shown + "' (" + s.length() + " characters)");
    }

    private static EndpointAddr parseIdAtAddrs(String s, int at) {
        EndpointId id;
        try {
            id = EndpointId.parse(s.substring(0, at));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("in '<id>@<ip:port>': " + e.getMessage(), e);
        }
        String rest = s.substring(at + 1);
        if (rest.isBlank()) {
            throw new IllegalArgumentException("expected <id>@<ip:port>[,<ip:port>…], but nothing follows '@'");
        }
        List<InetSocketAddress> addrs = new ArrayList<>();
        for (String part : rest.split(",", -1)) {
            try {
                addrs.add(SocketAddrs.parse(part));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("in '<id>@<ip:port>': " + e.getMessage(), e);
            }
        }
        return EndpointAddr.of(id, null, addrs);
    }

    /**
     * Where a dial to {@code addr} goes, for messages: {@code [192.0.2.1:4433, relay http://relay.example/]} (direct
     * addresses, then relays), or {@code (no direct address)} when it has neither.
     */
    public static String describe(EndpointAddr addr) {
        if (addr.ipAddrs().isEmpty() && addr.relayUrls().isEmpty()) {
            return "(no direct address)";
        }
        java.util.StringJoiner j = new java.util.StringJoiner(", ", "[", "]");
        addr.ipAddrs().forEach(a -> j.add(SocketAddrs.format(a)));
        addr.relayUrls().forEach(u -> j.add("relay " + u));
        return j.toString();
    }
}
