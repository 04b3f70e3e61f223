package com.kafkaconnectiroh.p2p.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig.Mechanism;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.server.DiscoveryServer;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Ping;
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
 * user data) while it runs, and a node configured with the same server pings it by its bare id through DNS alone.
 */
@Timeout(120)
class NodeDiscoveryTest {

    @Test
    void aNodePublishesWhileItRunsAndAnotherPingsItByBareIdThroughDns() throws Exception {
        try (DiscoveryServer server = DiscoveryServer.builder().dnsBind(new InetSocketAddress("127.0.0.1", 0))
                .httpBind(new InetSocketAddress("127.0.0.1", 0)).origins(List.of("nodes.test")).start()) {
            DiscoveryConfig config = DiscoveryConfig.NONE.withMechanisms(EnumSet.of(Mechanism.PKARR, Mechanism.DNS))
                    .withPkarrRelays(List.of(server.pkarrRelayUrl())).withDnsOrigin("nodes.test")
                    .withDnsNameservers(List.of(server.dnsAddress()));
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
}
