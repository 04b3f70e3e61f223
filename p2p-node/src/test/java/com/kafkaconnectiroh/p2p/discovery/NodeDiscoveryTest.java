package com.kafkaconnectiroh.p2p.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig.Mechanism;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.SignedPacket;
import com.kafkaconnectiroh.p2p.discovery.server.DiscoveryServer;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Ping;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the connectors embed: {@code Node.Builder.discovery} publishes the node's record (its direct addresses and
 * user data) while it runs, and a node configured with the same server pings it by its bare id through DNS alone,
 * also after the peer came back on another port.
 */
@Timeout(120)
class NodeDiscoveryTest {

    @Test
    void aNodePublishesWhileItRunsAndAnotherPingsItByBareIdThroughDns() throws Exception {
        try (DiscoveryServer server = startServer()) {
            DiscoveryConfig config = pkarrAndDns(server);
            try (Node target = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                    .protocols(Set.of(Node.Protocol.PING)).discovery(config.withUserData("role:sink")).spawn();
                 Node dialer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).protocols(Set.of())
                         .discovery(config.withMechanisms(EnumSet.of(Mechanism.DNS))).spawn()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (server.store().size() < 1 || server.store().get(target.id(), System.nanoTime()).isEmpty()) {
                    assertTrue(System.nanoTime() < deadline, "the node never published");
                    Thread.sleep(50);
                }
                IrohRecord published = IrohRecord.fromSignedPacket(server.store().get(target.id(), System.nanoTime()).get());
                assertEquals(List.copyOf(target.addr().ipAddrs()), published.ipAddrs());
                assertEquals(Optional.of("role:sink"), published.userData());

                Ping.Pong pong = dialer.ping().ping(dialer.endpoint(), EndpointAddr.of(target.id()), Duration.ofSeconds(20));
                assertEquals(target.id(), pong.remote());
                assertTrue(dialer.discovery().isPresent());
            }
        }
    }

    /** The "a peer that changes its port is found again by id, no new ticket". */
    @Test
    void aPeerThatComesBackOnAnotherPortIsFoundAgainByTheSameBareId() throws Exception {
        try (DiscoveryServer server = startServer()) {
            DiscoveryConfig config = pkarrAndDns(server);
            SecretKey key = SecretKey.generate();
            EndpointId id = key.publicKey();
            try (Node dialer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).protocols(Set.of())
                    .discovery(config.withMechanisms(EnumSet.of(Mechanism.DNS))).spawn()) {
                InetSocketAddress before;
                try (Node target = pingTarget(key, config)) {
                    before = target.endpoint().boundAddress();
                    awaitPublished(server, id, before);
                    assertEquals(id, dialer.ping().ping(dialer.endpoint(), EndpointAddr.of(id), Duration.ofSeconds(20)).remote());
                }
                // the old port stays taken and silent, so the peer must come back elsewhere and the old address is dead
                try (DatagramSocket oldPort = new DatagramSocket(before);
                     Node moved = pingTarget(key, config)) {
                    InetSocketAddress after = moved.endpoint().boundAddress();
                    assertNotEquals(before.getPort(), after.getPort());
                    awaitPublished(server, id, after);
                    // the dialer remembers the old address (KnownAddresses) and dials it first: the lookup asked while
                    // that dial runs must rescue it, rather than the dial waiting out its whole timeout
                    Duration timeout = Duration.ofSeconds(30);
                    Ping.Pong pong = dialer.ping().ping(dialer.endpoint(), EndpointAddr.of(id), timeout);
                    assertEquals(id, pong.remote());
                    assertEquals(after, pong.path(), pong.toString());
                    assertTrue(pong.handshake().compareTo(timeout) < 0, "the dial to the old address timed out first: " + pong);
                }
            }
        }
    }

    private static DiscoveryServer startServer() throws java.io.IOException {
        return DiscoveryServer.builder().dnsBind(new InetSocketAddress("127.0.0.1", 0))
                .httpBind(new InetSocketAddress("127.0.0.1", 0)).origins(List.of("nodes.test")).start();
    }

    /** Publishing to {@code server}'s relay, resolving through its DNS under {@code nodes.test}. */
    private static DiscoveryConfig pkarrAndDns(DiscoveryServer server) {
        return DiscoveryConfig.NONE.withMechanisms(EnumSet.of(Mechanism.PKARR, Mechanism.DNS))
                .withPkarrRelays(List.of(server.pkarrRelayUrl())).withDnsOrigin("nodes.test")
                .withDnsNameservers(List.of(server.dnsAddress()));
    }

    private static Node pingTarget(SecretKey key, DiscoveryConfig config) throws java.io.IOException {
        return Node.builder().secretKey(key).bindAddr(new InetSocketAddress("127.0.0.1", 0))
                .protocols(Set.of(Node.Protocol.PING)).discovery(config).spawn();
    }

    /** Waits until the server holds a record of {@code id} naming {@code addr} (publishing runs in the background). */
    private static void awaitPublished(DiscoveryServer server, EndpointId id, InetSocketAddress addr) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Optional<SignedPacket> p = server.store().get(id, System.nanoTime());
            IrohRecord r = p.isPresent() ? IrohRecord.fromSignedPacket(p.get()) : null;
            if (r != null && r.ipAddrs().contains(addr)) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "never published " + addr + "; stored: " + r);
            Thread.sleep(50);
        }
    }
}
