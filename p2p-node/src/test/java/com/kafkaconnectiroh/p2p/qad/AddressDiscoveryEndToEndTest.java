package com.kafkaconnectiroh.p2p.qad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.NatMapping;
import com.kafkaconnectiroh.p2p.endpoint.QadReport;
import com.kafkaconnectiroh.p2p.endpoint.QadTarget;
import com.kafkaconnectiroh.p2p.tls.TestCertificates;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * QUIC address discovery over real UDP sockets, Java endpoint against Java {@link QadServer}s on 127.0.0.1 with a
 * test CA: the endpoint learns the address of its own data socket, keeps one server connection and closes the
 * others as iroh does, and refuses servers whose certificate it must not believe.
 */
class AddressDiscoveryEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private static QadServer server(String cert) throws Exception {
        return QadServer.start(LOOPBACK_ANY_PORT, TestCertificates.credentials(cert));
    }

    private static Endpoint endpoint() throws Exception {
        return Endpoint.builder().bindAddr(LOOPBACK_ANY_PORT).bind();
    }

    @Test
    void anEndpointLearnsTheAddressOfItsOwnDataSocket() throws Exception {
        try (QadServer qad = server("server"); Endpoint ep = endpoint()) {
            assertEquals(List.of(), ep.publicAddresses());
            QadTarget target = new QadTarget("localhost", qad.localAddress());
            QadReport r = ep.discoverAddresses(List.of(target), TestCertificates.testCa(), TIMEOUT);
            assertEquals(Map.of(target, ep.boundAddress()), r.observed(), "failures: " + r.failures());
            assertEquals(List.of(ep.boundAddress()), ep.publicAddresses());
            assertEquals(List.of(ep.boundAddress()), r.publicAddresses());
            assertEquals(NatMapping.NONE, r.mapping(), "no NAT between 127.0.0.1 and itself");
            assertEquals(NatMapping.NONE, ep.natMapping());
            assertEquals(1, qad.acceptedConnections());
        }
    }

    @Test
    void theFirstServerStaysConnectedAndTheOthersAreToldFinished() throws Exception {
        try (QadServer a = server("server"); QadServer b = server("server-ed25519"); Endpoint ep = endpoint()) {
            List<QadTarget> targets = List.of(new QadTarget("127.0.0.1", a.localAddress()),
                    new QadTarget("localhost", b.localAddress()));
            QadReport r = ep.discoverAddresses(targets, TestCertificates.testCa(), TIMEOUT);
            assertEquals(2, r.observed().size(), "failures: " + r.failures());
            for (InetSocketAddress seen : r.observed().values()) {
                assertEquals(ep.boundAddress(), seen);
            }
            assertEquals(NatMapping.NONE, r.mapping());
            // exactly one of the two hears "finished" (app code 1); the other connection stays open
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (a.finishedConnections() + b.finishedConnections() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertEquals(1, a.finishedConnections() + b.finishedConnections());
            assertEquals(0, a.failedConnections() + b.failedConnections());
        }
    }

    @Test
    void aServerWithAnUntrustedCertificateTeachesNothing() throws Exception {
        try (QadServer bad = server("untrusted"); Endpoint ep = endpoint()) {
            QadTarget target = new QadTarget("localhost", bad.localAddress());
            QadReport r = ep.discoverAddresses(List.of(target), TestCertificates.testCa(), TIMEOUT);
            assertEquals(Map.of(), r.observed());
            assertTrue(r.failures().get(target).contains("does not chain to a trusted CA"), r.failures().toString());
            assertEquals(List.of(), ep.publicAddresses());
            assertEquals(NatMapping.UNKNOWN, r.mapping());
        }
    }

    @Test
    void aServerWhoseCertificateNamesAnotherHostTeachesNothing() throws Exception {
        try (QadServer qad = server("server"); Endpoint ep = endpoint()) {
            QadTarget target = new QadTarget("relay.example", qad.localAddress());
            QadReport r = ep.discoverAddresses(List.of(target), TestCertificates.testCa(), TIMEOUT);
            assertEquals(Map.of(), r.observed());
            assertTrue(r.failures().get(target).contains("not for relay.example"), r.failures().toString());
            assertEquals(List.of(), ep.publicAddresses());
        }
    }

    @Test
    void aSilentTargetFailsAtTheTimeout() throws Exception {
        try (QadServer qad = server("server"); Endpoint ep = endpoint()) {
            InetSocketAddress dead = qad.localAddress();
            qad.close(); // nobody answers there now
            QadTarget target = new QadTarget("localhost", dead);
            QadReport r = ep.discoverAddresses(List.of(target), TestCertificates.testCa(), Duration.ofMillis(800));
            assertEquals(Map.of(), r.observed());
            assertTrue(r.failures().containsKey(target), r.toString());
        }
    }

    @Test
    void garbageDatagramsDoNotStopTheServer() throws Exception {
        try (QadServer qad = server("server"); Endpoint ep = endpoint();
             java.net.DatagramSocket junk = new java.net.DatagramSocket(LOOPBACK_ANY_PORT)) {
            java.util.Random r = new java.util.Random(7);
            for (int i = 0; i < 200; i++) {
                byte[] b = new byte[1 + r.nextInt(1400)];
                r.nextBytes(b);
                b[0] |= (byte) (i % 2 == 0 ? 0xc0 : 0x40); // long and short headers
                junk.send(new java.net.DatagramPacket(b, b.length, qad.localAddress()));
            }
            QadTarget target = new QadTarget("localhost", qad.localAddress());
            QadReport r2 = ep.discoverAddresses(List.of(target), TestCertificates.testCa(), TIMEOUT);
            assertEquals(Map.of(target, ep.boundAddress()), r2.observed(), "failures: " + r2.failures());
        }
    }

    @Test
    void ipv6ReportsTravelAsObservedIpv6Addr() throws Exception {
        InetSocketAddress v6Loopback = new InetSocketAddress("::1", 0);
        try (QadServer qad = QadServer.start(v6Loopback, TestCertificates.credentials("server"));
             Endpoint ep = Endpoint.builder().bindAddr(v6Loopback).bind()) {
            QadTarget target = new QadTarget("::1", qad.localAddress());
            QadReport r = ep.discoverAddresses(List.of(target), TestCertificates.testCa(), TIMEOUT);
            assertEquals(Map.of(target, ep.boundAddress()), r.observed(), "failures: " + r.failures());
            assertEquals(List.of(ep.boundAddress()), ep.publicAddresses());
        }
    }

    @Test
    void anEndpointBuiltWithTargetsProbesThemAtBind() throws Exception {
        try (QadServer qad = server("server");
             Endpoint ep = Endpoint.builder().bindAddr(LOOPBACK_ANY_PORT)
                     .addressDiscovery(List.of(new QadTarget("localhost", qad.localAddress())), TestCertificates.testCa())
                     .bind()) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (ep.publicAddresses().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(List.of(ep.boundAddress()), ep.publicAddresses());
        }
    }
}
