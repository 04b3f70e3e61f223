package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.Discovery;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig.Mechanism;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
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

    @Option(names = "--discovery", paramLabel = "LIST", split = ",",
            description = "Mechanisms to run: pkarr, dns (default: pkarr,dns as iroh, or $" + ENV + "; 'none' for none).")
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
            description = "Mainline DHT node to bootstrap from (repeatable).")
    List<InetSocketAddress> dhtBootstrap;

    /** The configuration these flags (and {@value #ENV}) describe. */
    DiscoveryConfig config() throws CliException {
        if (off) {
            if (mechanisms != null || pkarrRelays != null || dnsOrigin != null || dnsResolvers != null) {
                throw new CliException("--no-discovery cannot be combined with --discovery, --pkarr-relay, --dns-origin"
                        + " or --dns-resolver", 2, null);
            }
            return DiscoveryConfig.NONE;
        }
        Set<Mechanism> on = EnumSet.noneOf(Mechanism.class);
        List<String> named = mechanisms;
        if (named == null) {
            String env = System.getenv(ENV);
            named = env == null || env.isBlank() ? null : List.of(env.split(","));
        }
        try {
            if (named == null) {
                on.addAll(DiscoveryConfig.N0.mechanisms());
            } else {
                for (String m : named) {
                    if (!m.isBlank() && !m.trim().equals("none")) {
                        on.add(Mechanism.parse(m));
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new CliException((mechanisms != null ? "--discovery: " : ENV + ": ") + e.getMessage(), 2, e);
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

    /** Starts the configured mechanisms for {@code key}, or returns null when none is on. */
    Discovery start(SecretKey key) throws CliException {
        DiscoveryConfig c = config();
        return c.isEnabled() ? c.build(key, List.of()) : null;
    }

    /**
     * The mainline DHT nodes to bootstrap from ({@code --dht-bootstrap}); empty: the DHT's defaults.
     * TODO(lead, issue 16): hand these to {@code Node.Builder}'s DHT setter once branch d16-dht provides one; until
     * then the flag is accepted and validated only.
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
