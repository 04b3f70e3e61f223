package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The endpoint's dials: which addresses a {@code connect} tries and in what order, and the {@link Dial}s in
 * progress (each races its candidates). Candidates are the peer's direct addresses that our socket can reach,
 * likeliest first ({@link #directOrder}), then its relays (see {@link #candidates}); with none, the first
 * {@link AddressBook} that knows the peer answers (the {@link KnownAddresses} book); what an address lookup finds
 * while a dial runs is added to it ({@link #addCandidates}).
 * Loop-confined.
 */
final class Dialer {
    private final Driver driver;
    private final List<AddressBook> lookups;
    /** Dials in progress, failed when the endpoint closes. */
    private final Set<Dial> dials = new LinkedHashSet<>();
    private int peakInFlight;

    /** @param lookups asked in order when a dial has no usable direct address */
    Dialer(Driver driver, List<AddressBook> lookups) {
        this.driver = driver;
        this.lookups = List.copyOf(lookups);
    }

    /** Starts a dial to {@code addr}; {@code result} completes with the first connection or the failure. */
    void dial(EndpointAddr addr, List<String> alpns, long timeoutNanos, CompletableFuture<Connection> result) {
        List<InetSocketAddress> candidates = candidates(addr);
        if (candidates.isEmpty()) {
            String relays = switch (driver.relayMode) {
                case DISABLED -> "relays disabled";
                case RELAY_ONLY -> "relay only, no relay URL";
                case DEFAULT -> "no relay URL";
            };
            result.completeExceptionally(new IOException("no usable " + (driver.relayMode == RelayMode.RELAY_ONLY ? "relay" : "direct")
                    + " address for " + addr.id() + " (have " + addr.ipAddrs() + "; socket " + driver.localAddress()
                    + "; " + relays + ")"));
            return;
        }
        Dial d = new Dial(driver, this, addr, alpns, candidates, result);
        dials.add(d);
        d.start(timeoutNanos);
    }

    /**
     * The addresses a dial to {@code addr} tries, in order; empty if there is none. Direct addresses first, as
     * before relays; with none usable, what the first {@link AddressBook} that knows the peer answers (an open
     * connection's path, which may be a relay path); then a path through each of the peer's relays: always when this
     * endpoint has home relays of its own (iroh sends its first Initial on every known path; here the relay attempt
     * starts a moment after the others and the first handshake wins), else only when no direct address is usable,
     * so that an endpoint without relays of its own dials a ticket with direct addresses exactly as before.
     * {@link RelayMode#RELAY_ONLY}: relay paths only; {@link RelayMode#DISABLED}: no relay paths.
     */
    List<InetSocketAddress> candidates(EndpointAddr addr) {
        RelayTransport relay = driver.relay();
        boolean relayOnly = driver.relayMode == RelayMode.RELAY_ONLY;
        List<InetSocketAddress> direct = relayOnly ? List.of() : directOrder(driver.localAddress(), addr.ipAddrs());
        List<InetSocketAddress> out = new ArrayList<>(direct);
        if (direct.isEmpty()) {
            for (AddressBook l : lookups) {
                List<InetSocketAddress> found = l.lookup(addr.id());
                if (relayOnly) {
                    found = found.stream().filter(a -> relay.pathOf(a) != null).toList();
                }
                if (!found.isEmpty()) {
                    out.addAll(found);
                    break;
                }
            }
        }
        if (relay != null && (direct.isEmpty() || relay.hasHomeRelays())) {
            for (RelayUrl url : addr.relayUrls()) {
                InetSocketAddress a = relay.addressOf(url, addr.id());
                if (!out.contains(a)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    /**
     * Of {@code given}, the addresses a socket bound to {@code socket} can reach, the likeliest first: no wildcard,
     * multicast or port 0; no IPv6 on an IPv4 socket, no IPv4 on an IPv6 socket bound to one address; only loopback
     * from a loopback socket; other addresses in the given order, then loopback ones. Another host's loopback
     * address would reach our own machine, while this host's LAN address reaches us too.
     */
    static List<InetSocketAddress> directOrder(InetSocketAddress socket, Collection<InetSocketAddress> given) {
        InetAddress local = socket.getAddress();
        boolean v6Socket = local instanceof Inet6Address;
        boolean loopbackOnly = local.isLoopbackAddress();
        List<InetSocketAddress> remote = new ArrayList<>();
        List<InetSocketAddress> loopback = new ArrayList<>();
        for (InetSocketAddress a : given) {
            InetAddress ip = a.getAddress();
            if (ip == null || a.getPort() == 0 || ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
                continue;
            }
            if (!v6Socket && ip instanceof Inet6Address) {
                continue;
            }
            if (v6Socket && !(ip instanceof Inet6Address) && !local.isAnyLocalAddress()) {
                continue;
            }
            if (ip.isLoopbackAddress()) {
                loopback.add(a);
            } else if (!loopbackOnly) {
                remote.add(a);
            }
        }
        remote.addAll(loopback);
        return remote;
    }

    /**
     * Adds {@code found}'s candidates to the dial in progress that completes {@code result}; false if that dial has
     * ended.
     */
    boolean addCandidates(CompletableFuture<Connection> result, EndpointAddr found) {
        for (Dial d : dials) {
            if (d.completes(result)) {
                return d.addCandidates(candidates(found));
            }
        }
        return false;
    }

    /** The endpoint closed or failed: every dial in progress fails with why. */
    void abortAll() {
        for (Dial d : new ArrayList<>(dials)) {
            d.abort(driver.closedException());
        }
    }

    void ended(Dial d) {
        dials.remove(d);
    }

    /** A dial has {@code n} attempts waiting for a first answer. */
    void onInFlight(int n) {
        peakInFlight = Math.max(peakInFlight, n);
    }

    /** The most attempts one dial had waiting for a first answer at once (tests: dials race, not queue). */
    int peakInFlight() {
        return peakInFlight;
    }
}
