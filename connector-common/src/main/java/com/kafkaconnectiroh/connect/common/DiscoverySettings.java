package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig;
import com.kafkaconnectiroh.p2p.discovery.dht.DhtNode;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A task node's discovery settings ({@code iroh.discovery} and its servers, docs/connectors.md "Discovery"): how it
 * tells others where it is and finds peers by id alone. Part of its identity, because tasks that share a node must
 * agree on them, as on the relay settings. The connector's default is {@link #LOCAL}: local-network discovery only,
 * the one mechanism that needs no outside service; the others run when named or when their server is configured,
 * with iroh's defaults for what is not given (n0's pkarr relay and DNS origin, the public DHT bootstrap nodes).
 */
public record DiscoverySettings(Set<Mechanism> mechanisms, List<String> pkarrRelays, String dnsOrigin,
                                List<InetSocketAddress> dnsResolvers, List<InetSocketAddress> dhtBootstrap) {

    /** The names {@code iroh.discovery} takes. */
    public enum Mechanism {
        /** Publish to and resolve from a pkarr relay over HTTP (iroh's n0 preset, with DNS). */
        PKARR,
        /** Resolve {@code TXT _iroh.<z32>.<origin>} (iroh's n0 preset, with pkarr). */
        DNS,
        /** BitTorrent mainline DHT, BEP 44 records as iroh's mainline address lookup. */
        DHT,
        /** Local network, mDNS as iroh's swarm discovery. */
        MDNS;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code iroh.discovery} turning everything off. */
    public static final String NONE_NAME = "none";
    /** Nothing: dials use only the addresses they are given (or were told). */
    public static final DiscoverySettings NONE = new DiscoverySettings(Set.of(), List.of(), null, List.of(), List.of());
    /** The connector default: local-network discovery only. */
    public static final DiscoverySettings LOCAL = new DiscoverySettings(Set.of(Mechanism.MDNS), List.of(), null,
            List.of(), List.of());

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9_]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    public DiscoverySettings {
        mechanisms = mechanisms.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(mechanisms));
        pkarrRelays = List.copyOf(pkarrRelays);
        dnsResolvers = List.copyOf(dnsResolvers);
        dhtBootstrap = List.copyOf(dhtBootstrap);
    }

    /**
     * The settings these config values describe, as the CLI's discovery flags: naming a mechanism's server turns it
     * on; {@code none} turns all off and cannot be combined with a name or a server.
     *
     * @throws IllegalArgumentException a value that is not one the node can run with, saying which and why
     */
    public static DiscoverySettings parse(List<String> names, List<String> pkarrRelays, String dnsOrigin,
                                          List<String> dnsResolvers, List<String> dhtBootstrap) {
        Set<Mechanism> on = EnumSet.noneOf(Mechanism.class);
        boolean none = false;
        for (String n : names) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            if (name.equals(NONE_NAME)) {
                none = true;
            } else if (!name.isEmpty()) {
                on.add(mechanism(n));
            }
        }
        String origin = dnsOrigin == null || dnsOrigin.isBlank() ? null : dnsOrigin.trim();
        if (none && (!on.isEmpty() || !pkarrRelays.isEmpty() || origin != null || !dnsResolvers.isEmpty()
                || !dhtBootstrap.isEmpty())) {
            throw new IllegalArgumentException("'none' turns discovery off: it cannot be combined with another "
                    + "mechanism or with " + IrohConnectorConfig.DISCOVERY_PKARR_RELAY + ", "
                    + IrohConnectorConfig.DISCOVERY_DNS_ORIGIN + ", " + IrohConnectorConfig.DISCOVERY_DNS_RESOLVER
                    + " or " + IrohConnectorConfig.DISCOVERY_DHT_BOOTSTRAP);
        }
        List<String> relays = new ArrayList<>();
        for (String r : pkarrRelays) {
            relays.add(pkarrRelay(r));
        }
        if (origin != null) {
            dnsName(origin);
        }
        List<InetSocketAddress> resolvers = socketAddrs(dnsResolvers);
        List<InetSocketAddress> bootstrap = socketAddrs(dhtBootstrap);
        if (!relays.isEmpty()) {
            on.add(Mechanism.PKARR);
        }
        if (origin != null || !resolvers.isEmpty()) {
            on.add(Mechanism.DNS);
        }
        if (!bootstrap.isEmpty()) {
            on.add(Mechanism.DHT);
        }
        return new DiscoverySettings(on, relays, origin, resolvers, bootstrap);
    }

    /** One {@code iroh.discovery} name. */
    static Mechanism mechanism(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Mechanism m : Mechanism.values()) {
            if (m.configName().equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown discovery mechanism '" + name.trim() + "' (expected pkarr, dns, "
                + "dht, mdns or none)");
    }

    /** An {@code http://} or {@code https://} URL with a host, as the pkarr client takes it. */
    static String pkarrRelay(String url) {
        String u = url.trim();
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // said below
        }
        throw new IllegalArgumentException("expected an http:// or https:// pkarr relay URL (e.g. "
                + "https://dns.iroh.link/pkarr), got '" + ConfigValidators.shorten(u) + "'");
    }

    /** A domain name (labels of letters, digits, '-' and '_'), as the DNS origin under which peers are looked up. */
    static String dnsName(String origin) {
        if (!DNS_NAME.matcher(origin).matches()) {
            throw new IllegalArgumentException("expected a domain name (e.g. dns.iroh.link), got '"
                    + ConfigValidators.shorten(origin) + "'");
        }
        return origin;
    }

    private static List<InetSocketAddress> socketAddrs(List<String> items) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String s : items) {
            out.add(SocketAddrs.parse(s.trim()));
        }
        return out;
    }

    public boolean isOn(Mechanism m) {
        return mechanisms.contains(m);
    }

    void applyTo(Node.Builder b) {
        Set<DiscoveryConfig.Mechanism> served = EnumSet.noneOf(DiscoveryConfig.Mechanism.class);
        if (isOn(Mechanism.PKARR)) {
            served.add(DiscoveryConfig.Mechanism.PKARR);
        }
        if (isOn(Mechanism.DNS)) {
            served.add(DiscoveryConfig.Mechanism.DNS);
        }
        DiscoveryConfig c = DiscoveryConfig.NONE.withMechanisms(served);
        if (!pkarrRelays.isEmpty()) {
            c = c.withPkarrRelays(pkarrRelays);
        }
        if (dnsOrigin != null) {
            c = c.withDnsOrigin(dnsOrigin);
        }
        if (!dnsResolvers.isEmpty()) {
            c = c.withDnsNameservers(dnsResolvers);
        }
        b.discovery(c);
        if (isOn(Mechanism.DHT)) {
            b.dhtBootstrap(dhtBootstrap.isEmpty() ? DhtNode.DEFAULT_BOOTSTRAP : dhtBootstrap);
        }
        b.localDiscovery(isOn(Mechanism.MDNS));
    }

    @Override
    public String toString() {
        if (mechanisms.isEmpty()) {
            return "discovery none";
        }
        List<String> parts = new ArrayList<>();
        for (Mechanism m : EnumSet.copyOf(mechanisms)) {
            parts.add(m.configName() + switch (m) {
                case PKARR -> pkarrRelays.isEmpty() ? "" : " " + pkarrRelays;
                case DNS -> (dnsOrigin == null ? "" : " " + dnsOrigin) + (dnsResolvers.isEmpty() ? "" : " via " + dnsResolvers);
                case DHT -> dhtBootstrap.isEmpty() ? "" : " " + dhtBootstrap;
                case MDNS -> "";
            });
        }
        return "discovery " + String.join(", ", parts);
    }
}
