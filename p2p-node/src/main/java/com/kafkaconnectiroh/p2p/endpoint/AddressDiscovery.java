package com.kafkaconnectiroh.p2p.endpoint;

import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.quic.params.ObservedAddrRole;
import com.kafkaconnectiroh.p2p.tls.TlsClientConfig;
import com.kafkaconnectiroh.p2p.tls.X509Trust;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * QUIC address discovery, client side (IROH-WIRE-MAP-RELAY §2.1 and §2.3, IR {@code net_report/reportgen.rs},
 * {@code socket.rs}): QUIC connections to relays' QAD ports made from the endpoint's own UDP socket, so the address
 * a server reports is the NAT mapping of the socket peers reach us on. A round probes every target at once; the
 * first connection per address family to report is kept open (its keep-alive holds the mapping, and a later
 * report tells us if the NAT rebinds), every other one is closed with app code 1 "finished" once it has reported.
 * Reports from servers at different addresses compared give the {@link NatMapping} verdict.
 *
 * <p>Loop-confined except for the volatile results.
 */
final class AddressDiscovery {
    private static final List<byte[]> ALPNS = List.of(QadTarget.ALPN.getBytes(StandardCharsets.US_ASCII));

    /** iroh's {@code QuicClient::new}: receive-only reports, no streams, 111 ms initial RTT, 25 s keep-alive, 35 s idle. */
    static TransportConfig transportConfig() {
        return new TransportConfig()
                .observedAddrRole(ObservedAddrRole.RECEIVE_ONLY)
                .maxConcurrentBidiStreams(0)
                .maxConcurrentUniStreams(0)
                .initialRtt(Duration.ofMillis(111))
                .keepAliveInterval(Duration.ofSeconds(25))
                .maxIdleTimeout(Duration.ofSeconds(35));
    }

    private final Driver driver;
    /** The connection kept open per family (IPv4, IPv6), or null. */
    private Connection keptV4;
    private Connection keptV6;
    private volatile InetSocketAddress publicV4;
    private volatile InetSocketAddress publicV6;
    private volatile NatMapping mapping = NatMapping.UNKNOWN;

    AddressDiscovery(Driver driver) {
        this.driver = driver;
    }

    List<InetSocketAddress> publicAddresses() {
        List<InetSocketAddress> out = new ArrayList<>(2);
        InetSocketAddress v4 = publicV4;
        InetSocketAddress v6 = publicV6;
        if (v4 != null) {
            out.add(v4);
        }
        if (v6 != null) {
            out.add(v6);
        }
        return out;
    }

    NatMapping mapping() {
        return mapping;
    }

    /** Starts a round (loop); {@code result} completes when every target reported or failed, or at the timeout. */
    void probe(List<QadTarget> targets, X509Trust trust, long timeoutNanos, CompletableFuture<QadReport> result) {
        new Round(targets, trust, result).start(timeoutNanos);
    }

    /** One round of probes. */
    private final class Round {
        private final List<QadTarget> targets;
        private final X509Trust trust;
        private final CompletableFuture<QadReport> result;
        private final Map<QadTarget, InetSocketAddress> observed = new LinkedHashMap<>();
        private final Map<QadTarget, String> failures = new LinkedHashMap<>();
        private final Map<QadTarget, Connection> connections = new LinkedHashMap<>();
        private ScheduledFuture<?> deadline;
        private boolean done;

        Round(List<QadTarget> targets, X509Trust trust, CompletableFuture<QadReport> result) {
            this.targets = List.copyOf(new LinkedHashSet<>(targets)); // each target once
            this.trust = trust;
            this.result = result;
        }

        void start(long timeoutNanos) {
            if (driver.isClosing()) {
                result.completeExceptionally(driver.closedException());
                return;
            }
            TransportConfig tc = transportConfig();
            for (QadTarget t : targets) {
                TlsClientConfig tls = TlsClientConfig.forCertificate(t.serverName(), trust, ALPNS);
                CompletableFuture<Connection> established = new CompletableFuture<>();
                Connection c = driver.startAddressDiscovery(t.address(), tls, tc, established);
                connections.put(t, c);
                c.observedAddressListener = addr -> onReport(t, c, addr);
                c.closed().whenComplete((why, err) -> onEnded(t, c, why));
            }
            deadline = driver.schedule(this::onDeadline, timeoutNanos);
            checkDone();
        }

        private void onReport(QadTarget t, Connection c, InetSocketAddress addr) {
            if (c == keptV4 || c == keptV6) {
                setPublic(addr); // a kept connection: the NAT rebound us
            }
            if (done || observed.containsKey(t)) {
                return;
            }
            observed.put(t, addr);
            boolean v4 = addr.getAddress() instanceof Inet4Address;
            Connection kept = v4 ? keptV4 : keptV6;
            if (kept == null || kept.closeInfo() != null) {
                keep(c, v4);
                setPublic(addr);
            } else {
                c.closeOnLoop(QadTarget.CLOSE_CODE_FINISHED, QadTarget.CLOSE_REASON_FINISHED);
            }
            checkDone();
        }

        private void keep(Connection c, boolean v4) {
            if (v4) {
                keptV4 = c;
            } else {
                keptV6 = c;
            }
        }

        private void onEnded(QadTarget t, Connection c, ConnectionClose why) {
            if (c == keptV4) {
                keptV4 = null;
            } else if (c == keptV6) {
                keptV6 = null;
            }
            if (!done && !observed.containsKey(t)) {
                failures.put(t, why == null ? "connection ended" : why.toString());
                checkDone();
            }
        }

        private void onDeadline() {
            for (QadTarget t : targets) {
                if (!observed.containsKey(t) && !failures.containsKey(t)) {
                    failures.put(t, "no address report within the probe timeout");
                    connections.get(t).abortConnect("QAD probe timed out");
                }
            }
            finish();
        }

        private void checkDone() {
            if (!done && observed.size() + failures.size() >= targets.size()) {
                finish();
            }
        }

        private void finish() {
            if (done) {
                return;
            }
            done = true;
            if (deadline != null) {
                deadline.cancel(false);
            }
            // the connections this round did not keep end now (one an earlier round kept stays while it lives)
            for (Connection c : connections.values()) {
                if (c != keptV4 && c != keptV6 && c.closeInfo() == null) {
                    c.closeOnLoop(QadTarget.CLOSE_CODE_FINISHED, QadTarget.CLOSE_REASON_FINISHED);
                }
            }
            // report order kept: the first report per family is the public address
            QadReport report = new QadReport(Collections.unmodifiableMap(new LinkedHashMap<>(observed)),
                    Collections.unmodifiableMap(new LinkedHashMap<>(failures)),
                    verdict(observed, driver.localAddress()));
            if (!observed.isEmpty()) {
                mapping = report.mapping();
            }
            result.complete(report);
        }
    }

    private void setPublic(InetSocketAddress addr) {
        if (addr.getAddress() instanceof Inet4Address) {
            publicV4 = addr;
        } else {
            publicV6 = addr;
        }
    }

    /**
     * The mapping verdict (IR {@code Report::update}: {@code mapping_varies_by_dest}), IPv4 first: NONE if every
     * server saw our socket's own port on one of our interface addresses; else, with reports from at least two
     * different server addresses, ENDPOINT_INDEPENDENT if they agree and DEPENDENT if not; else UNKNOWN.
     */
    static NatMapping verdict(Map<QadTarget, InetSocketAddress> observed, InetSocketAddress local) {
        boolean anyV4 = observed.values().stream().anyMatch(a -> a.getAddress() instanceof Inet4Address);
        Set<InetSocketAddress> servers = new HashSet<>();
        Set<InetSocketAddress> seen = new HashSet<>();
        boolean allLocal = true;
        for (Map.Entry<QadTarget, InetSocketAddress> e : observed.entrySet()) {
            InetSocketAddress a = e.getValue();
            if ((a.getAddress() instanceof Inet4Address) != anyV4) {
                continue;
            }
            servers.add(e.getKey().address());
            seen.add(a);
            allLocal &= a.getPort() == local.getPort() && isOurs(a.getAddress());
        }
        if (seen.isEmpty()) {
            return NatMapping.UNKNOWN;
        }
        if (allLocal) {
            return NatMapping.NONE;
        }
        if (servers.size() < 2) {
            return NatMapping.UNKNOWN;
        }
        return seen.size() == 1 ? NatMapping.ENDPOINT_INDEPENDENT : NatMapping.DEPENDENT;
    }

    private static boolean isOurs(InetAddress a) {
        try {
            return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
