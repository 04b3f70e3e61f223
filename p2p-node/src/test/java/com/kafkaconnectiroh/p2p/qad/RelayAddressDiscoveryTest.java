package com.kafkaconnectiroh.p2p.qad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.NatMapping;
import com.kafkaconnectiroh.p2p.endpoint.RelayMode;
import com.kafkaconnectiroh.p2p.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * An endpoint with an {@code https} relay asks that relay's QUIC address discovery server on its own, right after
 * binding, as iroh's net report does: no {@code discoverAddresses} call. A plain {@code http} relay, relay-only
 * mode and the switch turned off ask nothing. The relay's HTTPS side is not needed for this (nothing listens
 * there; its client retries in the background), only its QAD port, a real {@link QadServer} on 127.0.0.1.
 */
class RelayAddressDiscoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    // a port nothing listens on: the relay connection fails and retries, which must not matter
    private static final RelayUrl HTTPS_RELAY = RelayUrl.parse("https://localhost:9");

    private static Endpoint endpoint(QadServer qad, UnaryOperator<Endpoint.Builder> more) throws Exception {
        Endpoint.Builder b = Endpoint.builder().bindAddr(LOOPBACK_ANY_PORT)
                .relayAddressDiscoveryPort(qad.localAddress().getPort())
                .relayAddressDiscoveryTrust(TestCertificates.testCa());
        return more.apply(b).bind();
    }

    @Test
    void anHttpsRelaysQadServerIsAskedAtBindAndTeachesThePublicAddress() throws Exception {
        try (QadServer qad = QadServer.start(LOOPBACK_ANY_PORT, TestCertificates.credentials("server"));
             Endpoint ep = endpoint(qad, b -> b.relayUrls(List.of(HTTPS_RELAY)))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ep.publicAddresses().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(ep.boundAddress()), ep.publicAddresses(), "learned without being asked to");
            assertEquals(NatMapping.NONE, ep.natMapping());
            assertEquals(1, qad.acceptedConnections());
        }
    }

    @Test
    void plainHttpRelaysRelayOnlyModeAndTheSwitchOffAskNothing() throws Exception {
        try (QadServer qad = QadServer.start(LOOPBACK_ANY_PORT, TestCertificates.credentials("server"))) {
            List<UnaryOperator<Endpoint.Builder>> quiet = List.of(
                    b -> b.relayUrls(List.of(RelayUrl.parse("http://localhost:9"))),
                    b -> b.relayUrls(List.of(HTTPS_RELAY)).relayMode(RelayMode.RELAY_ONLY),
                    b -> b.relayUrls(List.of(HTTPS_RELAY)).relayAddressDiscovery(false));
            for (UnaryOperator<Endpoint.Builder> settings : quiet) {
                try (Endpoint ep = endpoint(qad, settings)) {
                    // a control endpoint that does ask, bound after it: once the control is answered, the quiet
                    // one had as long to ask and did not
                    try (Endpoint control = endpoint(qad, b -> b.relayUrls(List.of(HTTPS_RELAY)))) {
                        long deadline = System.nanoTime() + WAIT.toNanos();
                        while (control.publicAddresses().isEmpty() && System.nanoTime() < deadline) {
                            Thread.sleep(20);
                        }
                        assertEquals(List.of(control.boundAddress()), control.publicAddresses());
                    }
                    Thread.sleep(200);
                    assertEquals(List.of(), ep.publicAddresses());
                }
            }
            assertEquals(quiet.size(), qad.acceptedConnections(), "only the controls asked");
        }
    }
}
