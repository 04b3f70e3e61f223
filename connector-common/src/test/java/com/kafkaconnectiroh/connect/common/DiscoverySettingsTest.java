package com.kafkaconnectiroh.connect.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.connect.common.DiscoverySettings.Mechanism;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.discovery.DiscoveryConfig;
import com.kafkaconnectiroh.p2p.discovery.server.DiscoveryServer;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Ping;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connectors' discovery settings ({@code iroh.discovery} and its servers): what they parse to, what they
 * refuse and how, that tasks sharing a node must agree, and that a task node configured with a pkarr relay and DNS
 * publishes there and is pinged by its bare id through a real {@code dns-server} on loopback.
 */
@Timeout(120)
class DiscoverySettingsTest {
    @TempDir
    Path dir;

    private static final class Config extends IrohConnectorConfig {
        Config(Map<String, String> props) {
            super(IrohConnectorConfig.defineNodeConfig(new ConfigDef()), props);
        }
    }

    private Config config(String... keysAndValues) {
        Map<String, String> props = new HashMap<>(Map.of("name", "discovery-test", IrohConnectorConfig.DATA_DIR,
                dir.toString(), IrohConnectorConfig.BIND, "127.0.0.1:0"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new Config(props);
    }

    @Test
    void theDefaultIsLocalNetworkDiscoveryAloneAndAServerTurnsItsMechanismOn() {
        assertEquals(DiscoverySettings.LOCAL, config().discoverySettings());
        assertEquals(DiscoverySettings.NONE, config(IrohConnectorConfig.DISCOVERY, "none").discoverySettings());

        DiscoverySettings named = config(IrohConnectorConfig.DISCOVERY, "pkarr, DNS,dht").discoverySettings();
        assertEquals(Set.of(Mechanism.PKARR, Mechanism.DNS, Mechanism.DHT), named.mechanisms());
        assertEquals(List.of(), named.pkarrRelays(), "iroh's relay is the node's default");

        DiscoverySettings servers = config(IrohConnectorConfig.DISCOVERY_PKARR_RELAY, "http://10.0.0.5:8080/pkarr",
                IrohConnectorConfig.DISCOVERY_DNS_ORIGIN, "disco.example.org",
                IrohConnectorConfig.DISCOVERY_DNS_RESOLVER, "10.0.0.5:5300",
                IrohConnectorConfig.DISCOVERY_DHT_BOOTSTRAP, "10.0.0.6:6881,[2001:db8::1]:6881").discoverySettings();
        assertEquals(Set.of(Mechanism.MDNS, Mechanism.PKARR, Mechanism.DNS, Mechanism.DHT), servers.mechanisms());
        assertEquals(List.of("http://10.0.0.5:8080/pkarr"), servers.pkarrRelays());
        assertEquals("disco.example.org", servers.dnsOrigin());
        assertEquals(List.of(new InetSocketAddress("10.0.0.5", 5300)), servers.dnsResolvers());
        assertEquals(List.of(new InetSocketAddress("10.0.0.6", 6881), new InetSocketAddress("2001:db8::1", 6881)),
                servers.dhtBootstrap());
    }

    @Test
    void badDiscoverySettingsAreRefusedNamingTheKeyAndWhy() {
        assertRefused(IrohConnectorConfig.DISCOVERY, "unknown discovery mechanism 'bonjour' (expected pkarr, dns, dht, "
                + "mdns or none)", IrohConnectorConfig.DISCOVERY, "mdns,bonjour");
        assertRefused(IrohConnectorConfig.DISCOVERY_PKARR_RELAY, "expected an http:// or https:// pkarr relay URL",
                IrohConnectorConfig.DISCOVERY_PKARR_RELAY, "dns.iroh.link/pkarr");
        assertRefused(IrohConnectorConfig.DISCOVERY_DNS_ORIGIN, "expected a domain name",
                IrohConnectorConfig.DISCOVERY_DNS_ORIGIN, "not a domain!");
        assertRefused(IrohConnectorConfig.DISCOVERY_DHT_BOOTSTRAP, "element 1 ('router.bittorrent.com:6881')",
                IrohConnectorConfig.DISCOVERY_DHT_BOOTSTRAP, "router.bittorrent.com:6881");
        assertRefused(IrohConnectorConfig.DISCOVERY_DNS_RESOLVER, "element 2",
                IrohConnectorConfig.DISCOVERY_DNS_RESOLVER, "10.0.0.5:53,10.0.0.6");

        // none with a server: refused when the task reads it, and by the connector's validate() on iroh.discovery
        Config noneAndRelay = config(IrohConnectorConfig.DISCOVERY, "none", IrohConnectorConfig.DISCOVERY_PKARR_RELAY,
                "http://10.0.0.5:8080/pkarr");
        ConfigException e = assertThrows(ConfigException.class, noneAndRelay::discoverySettings);
        assertTrue(e.getMessage().contains(IrohConnectorConfig.DISCOVERY) && e.getMessage().contains("'none' turns "
                + "discovery off: it cannot be combined"), e.getMessage());
        Map<String, String> props = Map.of("name", "x", IrohConnectorConfig.DATA_DIR, dir.toString(),
                IrohConnectorConfig.DISCOVERY, "none,mdns");
        Map<String, ConfigValue> values = new HashMap<>();
        for (ConfigValue v : IrohConnectorConfig.defineNodeConfig(new ConfigDef()).validate(props)) {
            values.put(v.name(), v);
        }
        NodeConfigChecks.check(values);
        assertEquals(1, values.get(IrohConnectorConfig.DISCOVERY).errorMessages().size(),
                values.get(IrohConnectorConfig.DISCOVERY).toString());
        assertTrue(values.get(IrohConnectorConfig.DISCOVERY).errorMessages().get(0).startsWith("'none' turns discovery off"),
                values.get(IrohConnectorConfig.DISCOVERY).errorMessages().toString());
    }

    private void assertRefused(String key, String why, String... keysAndValues) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(keysAndValues));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void aTaskNodePublishesToItsPkarrRelayAndIsPingedByBareIdThroughDns() throws Exception {
        try (DiscoveryServer server = DiscoveryServer.builder().dnsBind(new InetSocketAddress("127.0.0.1", 0))
                .httpBind(new InetSocketAddress("127.0.0.1", 0)).origins(List.of("tasks.test")).start();
             TaskNodes.Lease lease = TaskNodes.acquireForTask(config(IrohConnectorConfig.DISCOVERY, "pkarr",
                     IrohConnectorConfig.DISCOVERY_PKARR_RELAY, server.pkarrRelayUrl(),
                     IrohConnectorConfig.DISCOVERY_DNS_ORIGIN, "tasks.test",
                     IrohConnectorConfig.DISCOVERY_DNS_RESOLVER, SocketAddrs.format(server.dnsAddress())), 0, "source");
             Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).protocols(Set.of())
                     .discovery(DiscoveryConfig.NONE.withMechanisms(EnumSet.of(DiscoveryConfig.Mechanism.DNS))
                             .withDnsOrigin("tasks.test").withDnsNameservers(List.of(server.dnsAddress()))).spawn()) {
            Node task = lease.node();
            assertTrue(task.discovery().isPresent(), "the task node runs discovery");
            assertTrue(task.localDiscovery().isEmpty(), "mdns is off when iroh.discovery does not name it");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.store().get(task.id(), System.nanoTime()).isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the task node never published to its pkarr relay");
                Thread.sleep(50);
            }
            Ping.Pong pong = peer.ping().ping(peer.endpoint(), EndpointAddr.of(task.id()), Duration.ofSeconds(20));
            assertEquals(task.id(), pong.remote());
        }
    }

    @Test
    void tasksOfOneIdentityMustAgreeOnDiscovery() throws Exception {
        try (TaskNodes.Lease lease = TaskNodes.acquireForTask(config(IrohConnectorConfig.DISCOVERY, "none"), 0, "source")) {
            assertTrue(lease.node().discovery().isEmpty(), "iroh.discovery=none runs no discovery");
            IllegalStateException clash = assertThrows(IllegalStateException.class,
                    () -> TaskNodes.acquireForTask(config(IrohConnectorConfig.DISCOVERY_DNS_ORIGIN, "disco.example.org",
                            IrohConnectorConfig.DISCOVERY, "dns"), 0, "sink"));
            assertTrue(clash.getMessage().contains("discovery none (this task asks for discovery dns disco.example.org)")
                    && clash.getMessage().contains("iroh.discovery"), clash.getMessage());
        }
    }
}
