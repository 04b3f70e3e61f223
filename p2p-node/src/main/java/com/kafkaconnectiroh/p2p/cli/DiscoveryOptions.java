package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.Discovery;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig.Mechanism;
import com.kafkaconnectiroh.p2p.discovery.dht.DhtDiscovery;
import com.kafkaconnectiroh.p2p.discovery.mdns.MdnsDiscovery;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Discovery flags of every command that runs a node (docs/cli.md, "Discovery"). The mechanisms on by default are
 * iroh's n0 preset (pkarr publishing, DNS resolution), or those named in {@value #ENV} ({@code none} for none;
 * the test suite sets it so tests never reach for the internet); naming a mechanism's server turns it on too.
 */
final class DiscoveryOptions {
    /** Environment variable with the default mechanisms, e.g. {@code pkarr,dns} or {@code none}. */
    static final String ENV = "P2P_NODE_DISCOVERY";

    @Option(names = "--no-discovery", description = "Find peers only at the addresses given; publish nothing.")
    boolean off;

    /** The {@code --discovery} name of local-network discovery (mDNS, {@code Node.Builder.localDiscovery}). */
    static final String MDNS = "mdns";
    /** The {@code --discovery} name of the mainline DHT (with its public bootstrap nodes unless --dht-bootstrap). */
    static final String DHT = "dht";

    @Option(names = "--discovery", paramLabel = "LIST", split = ",",
            description = "Mechanisms to run: pkarr, dns, dht (mainline DHT), mdns (local network) (default: pkarr,dns "
                    + "as iroh, or $" + ENV + "; 'none' for none).")
    List<String> mechanisms;

    @Option(names = "--pkarr-relay", paramLabel = "URL",
            description = "pkarr relay to publish to and resolve from (repeatable; default https://dns.iroh.link/pkarr). Turns pkarr on.")
    List<String> pkarrRelays;

    @Option(names = "--dns-origin", paramLabel = "DOMAIN",
            description = "Resolve peers as TXT _iroh.<z32 id>.DOMAIN (default dns.iroh.link). Turns DNS on.")
    String dnsOrigin;

    @Option(names = "--dns-resolver", paramLabel = "IP:PORT", converter = Converters.SocketAddrConverter.class,
            description = "Nameserver for DNS discovery (repeatable; default: those of /etc/resolv.conf). Turns DNS on.")
    List<InetSocketAddress> dnsResolvers;

    @Option(names = "--dht-bootstrap", paramLabel = "IP:PORT", converter = Converters.SocketAddrConverter.class,
            description = "Mainline DHT node to bootstrap from (repeatable): runs a DHT node that publishes our record "
                    + "and resolves peers (BEP 44, as iroh's mainline lookup).")
    List<InetSocketAddress> dhtBootstrap;

    /** The configuration these flags (and {@value #ENV}) describe. */
    DiscoveryConfig config() throws CliException {
        if (off) {
            if (mechanisms != null || pkarrRelays != null || dnsOrigin != null || dnsResolvers != null
                    || dhtBootstrap != null) {
                throw new CliException("--no-discovery cannot be combined with --discovery, --pkarr-relay, --dns-origin,"
                        + " --dns-resolver or --dht-bootstrap", 2, null);
            }
            return DiscoveryConfig.NONE;
        }
        Set<Mechanism> on = EnumSet.noneOf(Mechanism.class);
        List<String> named = named();
        if (named == null) {
            on.addAll(DiscoveryConfig.N0.mechanisms());
        } else {
            for (String m : named) {
                String n = m.trim().toLowerCase(Locale.ROOT);
                if (n.isEmpty() || n.equals("none") || n.equals(MDNS) || n.equals(DHT)) {
                    continue;
                }
                try {
                    on.add(Mechanism.parse(n));
                } catch (IllegalArgumentException e) {
                    throw new CliException((mechanisms != null ? "--discovery: " : ENV + ": ") + "unknown discovery "
                            + "mechanism '" + m.trim() + "' (expected pkarr, dns, " + DHT + ", " + MDNS + " or none)", 2, e);
                }
            }
        }
        DiscoveryConfig c = DiscoveryConfig.N0;
        if (pkarrRelays != null) {
            for (String url : pkarrRelays) {
                if (!url.startsWith("http://") && !url.startsWith("https://")) {
                    throw new CliException("--pkarr-relay: expected an http:// or https:// URL, got '" + url + "'", 2, null);
                }
            }
            c = c.withPkarrRelays(pkarrRelays);
            on.add(Mechanism.PKARR);
        }
        if (dnsOrigin != null) {
            c = c.withDnsOrigin(dnsOrigin);
            on.add(Mechanism.DNS);
        }
        if (dnsResolvers != null) {
            c = c.withDnsNameservers(dnsResolvers);
            on.add(Mechanism.DNS);
        }
        return c.withMechanisms(on);
    }

    /** The mechanisms named by {@code --discovery} or {@value #ENV}; null when neither names any (the default). */
    private List<String> named() {
        if (mechanisms != null) {
            return mechanisms;
        }
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? null : List.of(env.split(","));
    }

    /**
     * Whether local-network discovery is on: {@code mdns} named in {@code --discovery} (or {@value #ENV}). Off by
     * default, as in iroh's presets (its mDNS lookup is a separate crate one adds).
     */
    boolean localDiscovery() throws CliException {
        config(); // the same validation as the other mechanisms
        return isNamed(MDNS);
    }

    /** Whether the node runs a mainline DHT node ({@code --dht-bootstrap}, or {@code dht} named). */
    boolean dhtOn() {
        return !off && (!dhtBootstrap().isEmpty() || isNamed(DHT));
    }

    private boolean isNamed(String mechanism) {
        List<String> named = named();
        return !off && named != null && named.stream().anyMatch(m -> m.trim().equalsIgnoreCase(mechanism));
    }

    /**
     * Starts the configured mechanisms for {@code key} (the DHT when bootstrap nodes are given, mDNS when named), or
     * null when none is on.
     */
    Discovery start(SecretKey key) throws CliException {
        DiscoveryConfig c = config();
        List<AddressLookup> extra = new ArrayList<>();
        if (localDiscovery()) {
            try {
                extra.add(MdnsDiscovery.builder().build(key.publicKey()));
            } catch (IOException e) {
                throw new CliException("cannot start local-network discovery: " + e.getMessage(), 1, e);
            }
        }
        List<InetSocketAddress> dht = dhtBootstrap();
        if (dhtOn()) { // bootstrap empty with dht named: DhtNode.DEFAULT_BOOTSTRAP
            try {
                extra.add(DhtDiscovery.start(key, dht));
            } catch (IOException e) {
                extra.forEach(AddressLookup::close);
                throw new CliException("cannot start the DHT node: " + e.getMessage(), 1, e);
            }
        }
        return c.isEnabled() || !extra.isEmpty() ? c.build(key, extra) : null;
    }

    /**
     * The mainline DHT nodes to bootstrap from ({@code --dht-bootstrap}); empty: no DHT (iroh's presets run none, and
     * the default bootstrap nodes are on the internet).
     */
    List<InetSocketAddress> dhtBootstrap() {
        return dhtBootstrap == null ? List.of() : List.copyOf(dhtBootstrap);
    }

    static List<String> names(DiscoveryConfig c) {
        List<String> out = new ArrayList<>();
        c.mechanisms().forEach(m -> out.add(m.cliName()));
        return out;
    }
}
