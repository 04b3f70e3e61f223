package com.kafkaconnectiroh.p2p.discovery;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.dns.DnsResolver;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.PkarrRelayClient;
import com.kafkaconnectiroh.p2p.endpoint.AddressLookup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Which discovery mechanisms a node runs and where they reach, with iroh's defaults (its n0 preset: publish to
 * n0's pkarr relay, resolve through DNS under {@code dns.iroh.link}); {@link #build} makes the {@link Discovery}.
 * Immutable; the {@code with…} methods return changed copies.
 */
public final class DiscoveryConfig {
    /** A way of finding endpoints by id. */
    public enum Mechanism {
        /** Publish to and resolve from a pkarr relay over HTTP. */
        PKARR,
        /** Resolve {@code _iroh.<z32>.<origin>} TXT through DNS. */
        DNS;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mechanism parse(String s) {
            for (Mechanism m : values()) {
                if (m.cliName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown discovery mechanism '" + s + "' (expected one of "
                    + String.join(", ", List.of(values()).stream().map(Mechanism::cliName).toList()) + ")");
        }
    }

    /** Nothing: dials use only the addresses they are given. */
    public static final DiscoveryConfig NONE = new DiscoveryConfig(EnumSet.noneOf(Mechanism.class),
            List.of(PkarrRelayClient.N0_DNS_PKARR_RELAY_PROD), DnsAddressLookup.N0_ORIGIN, List.of(),
            Duration.ofSeconds(5), PkarrAddressLookup.REPUBLISH_INTERVAL_MILLIS, Optional.empty());
    /** iroh's n0 preset: pkarr publishing to n0's relay, DNS resolution under {@code dns.iroh.link}. */
    public static final DiscoveryConfig N0 = NONE.withMechanisms(EnumSet.of(Mechanism.PKARR, Mechanism.DNS));

    private final Set<Mechanism> mechanisms;
    private final List<String> pkarrRelays;
    private final String dnsOrigin;
    private final List<InetSocketAddress> dnsNameservers;
    private final Duration resolveTimeout;
    private final long republishMillis;
    private final Optional<String> userData;

    private DiscoveryConfig(Set<Mechanism> mechanisms, List<String> pkarrRelays, String dnsOrigin,
                            List<InetSocketAddress> dnsNameservers, Duration resolveTimeout, long republishMillis,
                            Optional<String> userData) {
        for (String relay : pkarrRelays) {
            new PkarrRelayClient(relay, Duration.ofSeconds(1)); // validates the URL now, not at the first publish
        }
        this.mechanisms = Set.copyOf(mechanisms);
        this.pkarrRelays = List.copyOf(pkarrRelays);
        this.dnsOrigin = Objects.requireNonNull(dnsOrigin);
        this.dnsNameservers = List.copyOf(dnsNameservers);
        this.resolveTimeout = resolveTimeout;
        this.republishMillis = republishMillis;
        this.userData = userData;
        userData.ifPresent(u -> new IrohRecord(SecretKey.generate().publicKey(), List.of(), List.of(), userData));
    }

    public Set<Mechanism> mechanisms() {
        return mechanisms;
    }

    public boolean isEnabled() {
        return !mechanisms.isEmpty();
    }

    public List<String> pkarrRelays() {
        return pkarrRelays;
    }

    public String dnsOrigin() {
        return dnsOrigin;
    }

    /** The nameservers DNS asks; empty: those of {@code /etc/resolv.conf}. */
    public List<InetSocketAddress> dnsNameservers() {
        return dnsNameservers;
    }

    public Duration resolveTimeout() {
        return resolveTimeout;
    }

    public DiscoveryConfig withMechanisms(Set<Mechanism> m) {
        return new DiscoveryConfig(m.isEmpty() ? EnumSet.noneOf(Mechanism.class) : EnumSet.copyOf(m), pkarrRelays,
                dnsOrigin, dnsNameservers, resolveTimeout, republishMillis, userData);
    }

    /** The pkarr relays (base URLs such as {@code http://127.0.0.1:8080/pkarr}) published to and asked. */
    public DiscoveryConfig withPkarrRelays(List<String> relays) {
        return new DiscoveryConfig(mechanisms, relays, dnsOrigin, dnsNameservers, resolveTimeout, republishMillis, userData);
    }

    public DiscoveryConfig withDnsOrigin(String origin) {
        return new DiscoveryConfig(mechanisms, pkarrRelays, origin, dnsNameservers, resolveTimeout, republishMillis, userData);
    }

    public DiscoveryConfig withDnsNameservers(List<InetSocketAddress> nameservers) {
        return new DiscoveryConfig(mechanisms, pkarrRelays, dnsOrigin, nameservers, resolveTimeout, republishMillis, userData);
    }

    /** How long a lookup by id waits for every mechanism at most (default 5 s; it ends sooner when one finds addresses). */
    public DiscoveryConfig withResolveTimeout(Duration timeout) {
        return new DiscoveryConfig(mechanisms, pkarrRelays, dnsOrigin, dnsNameservers, timeout, republishMillis, userData);
    }

    /** How often our record is published again when nothing changed (default 5 min, iroh's). */
    public DiscoveryConfig withRepublishInterval(Duration interval) {
        return new DiscoveryConfig(mechanisms, pkarrRelays, dnsOrigin, dnsNameservers, resolveTimeout, interval.toMillis(), userData);
    }

    /** The {@code user-data=} value published with our record (iroh's {@code UserData}, at most 245 bytes). */
    public Optional<String> userData() {
        return userData;
    }

    public DiscoveryConfig withUserData(String data) {
        return new DiscoveryConfig(mechanisms, pkarrRelays, dnsOrigin, dnsNameservers, resolveTimeout, republishMillis,
                Optional.of(data));
    }

    /**
     * Starts the configured mechanisms for the endpoint of {@code secret} (which publishing mechanisms sign with),
     * asking {@code extra} lookups beside them.
     */
    public Discovery build(SecretKey secret, List<AddressLookup> extra) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "discovery");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        List<AddressLookup> lookups = new ArrayList<>();
        if (mechanisms.contains(Mechanism.DNS)) {
            List<InetSocketAddress> ns = dnsNameservers.isEmpty() ? DnsResolver.systemNameservers() : dnsNameservers;
            lookups.add(new DnsAddressLookup(new DnsResolver(ns, Duration.ofSeconds(3)), dnsOrigin, scheduler));
        }
        if (mechanisms.contains(Mechanism.PKARR)) {
            for (String relay : pkarrRelays) {
                lookups.add(new PkarrAddressLookup(new PkarrRelayClient(relay, Duration.ofSeconds(5)), secret, scheduler,
                        republishMillis, userData));
            }
        }
        lookups.addAll(extra);
        return new Discovery(lookups, resolveTimeout, List.of(scheduler::shutdownNow));
    }

    @Override
    public String toString() {
        return "DiscoveryConfig" + mechanisms + " pkarr " + pkarrRelays + ", dns origin " + dnsOrigin;
    }

}
