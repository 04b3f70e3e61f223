package com.kafkaconnectiroh.connect.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.endpoint.PathTotals;
import com.kafkaconnectiroh.p2p.endpoint.PathType;
import com.kafkaconnectiroh.p2p.endpoint.RelayMode;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.ping.Ping;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task node with {@code iroh.relay.urls} and {@code iroh.relay.mode=relay-only}, a real Java relay server on
 * loopback and a real peer: the ticket the task advertises carries only the relay, a peer holding it reaches the
 * task through the relay, and the node's path figures (what the task metrics report) count it.
 */
class TaskNodesRelayTest {
    @TempDir
    Path dir;

    private static final class Config extends IrohConnectorConfig {
        Config(Map<String, String> props) {
            super(IrohConnectorConfig.defineNodeConfig(new ConfigDef()), props);
        }
    }

    private Config config(String relayUrls, String mode) {
        return new Config(Map.of("name", "relay-test", IrohConnectorConfig.DATA_DIR, dir.toString(),
                IrohConnectorConfig.BIND, "127.0.0.1:0", IrohConnectorConfig.RELAY_URLS, relayUrls,
                IrohConnectorConfig.RELAY_MODE, mode));
    }

    @Test
    void aRelayOnlyTaskIsReachedThroughItsRelayAndCountsTheRelayPath() throws Exception {
        try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)));
             TaskNodes.Lease lease = TaskNodes.acquireForTask(config(relay.url().toString(), "relay-only"), 0, "source");
             Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            Node task = lease.node();
            assertTrue(task.endpoint().isHomeRelayConnected(), "home relay connected before the task logs its ticket");
            EndpointAddr advertised = task.addr();
            assertEquals(java.util.Optional.of(relay.url()), advertised.relayUrl(), "the ticket carries the relay: " + advertised);
            assertEquals(java.util.Set.of(), java.util.Set.copyOf(advertised.ipAddrs()), "relay-only: no direct address advertised");

            Ping.Pong pong = peer.ping().ping(peer.endpoint(), advertised, Duration.ofSeconds(20));
            assertEquals(task.id(), pong.remote());
            assertEquals(PathType.RELAY, pong.paths().get(pong.paths().size() - 1).type(), "went through the relay: " + pong.paths());

            PathTotals totals = task.endpoint().pathTotals();
            assertTrue(totals.relayBytesReceived() > 0 && totals.relayBytesSent() > 0, "relay traffic counted: " + totals);
            assertEquals(0, totals.directBytesSent(), "relay-only node sent nothing direct: " + totals);
        }
    }

    @Test
    void tasksOfOneIdentityMustAgreeOnRelaySettingsAndBadSettingsAreRefusedClearly() throws Exception {
        try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)));
             TaskNodes.Lease lease = TaskNodes.acquireForTask(config(relay.url().toString(), "default"), 0, "source")) {
            assertEquals(RelayMode.DEFAULT, lease.node().endpoint().relayMode());
            IllegalStateException clash = assertThrows(IllegalStateException.class,
                    () -> TaskNodes.acquireForTask(config(relay.url().toString(), "disabled"), 0, "sink"));
            assertTrue(clash.getMessage().contains("iroh.relay.mode"), clash.getMessage());
        }
        ConfigException badUrl = assertThrows(ConfigException.class, () -> config("ftp://relay.example", "default"));
        assertTrue(badUrl.getMessage().contains(IrohConnectorConfig.RELAY_URLS), badUrl.getMessage());
        ConfigException badMode = assertThrows(ConfigException.class, () -> config("", "sometimes"));
        assertTrue(badMode.getMessage().contains(IrohConnectorConfig.RELAY_MODE), badMode.getMessage());
    }
}
