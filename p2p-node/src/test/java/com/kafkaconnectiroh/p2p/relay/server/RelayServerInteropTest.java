package com.kafkaconnectiroh.p2p.relay.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real iroh 1.x endpoints (npm {@code @number0/iroh@1.1.0}) with our relay as their only relay: they come online
 * through it and reach each other by endpoint id and relay URL alone.
 */
@Tag("iroh-interop")
@Timeout(120)
class RelayServerInteropTest {
    private static final String ECHO = "test/echo";
    private static final Duration ONLINE = Duration.ofSeconds(30);

    @Test
    void twoIrohEndpointsComeOnlineThroughOurRelayAndExchangeStreamsOverIt() throws Exception {
        try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)))) {
            String url = relay.url().toString();
            try (IrohPeer server = IrohPeer.start(IrohVersion.V1, PeerOption.name("relay-interop-server"),
                    PeerOption.relay(url), PeerOption.alpn(ECHO, Behaviour.ECHO));
                 IrohPeer client = IrohPeer.start(IrohVersion.V1, PeerOption.name("relay-interop-client"),
                         PeerOption.relay(url))) {
                // iroh reports the relay it chose as home, normalised by the url crate (trailing slash)
                assertEquals(url, server.online(ONLINE));
                assertEquals(url, client.online(ONLINE));
                assertEquals(2L, relay.metrics().snapshot().get("clients_connected"));

                JsonNode conn = client.call("connect", "addr", server.relayOnlyAddr(url), "alpn", ECHO,
                        "timeoutMs", ONLINE.toMillis());
                JsonNode echo = client.call("echo-test", "conn", conn.get("conn").asInt(), "sizes", List.of(1, 10_000, 200_000));
                assertTrue(echo.get("allOk").asBoolean(), echo.toString());

                Map<String, Long> m = relay.metrics().snapshot();
                assertTrue(m.get("datagram_frames_forwarded_total") > 0, "nothing went through the relay: " + m);
                assertTrue(m.get("datagram_bytes_forwarded_total") > 1000, "nothing went through the relay: " + m);
            }
        }
    }
}
