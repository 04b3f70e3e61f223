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
    void twoIrohEndpointsComeOnlineThroughOurRelayAndConnectByIdAndRelayUrlAlone() throws Exception {
        try (RelayServer relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)))) {
            String url = relay.url().toString();
            assertTrue(url.endsWith("/"), url);
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
                // no direct address was given: the QUIC handshake (Initial packets of 1200 bytes or more) came through us
                long handshake = relay.metrics().snapshot().get("datagram_bytes_forwarded_total");
                assertTrue(handshake > 2400, "the QUIC handshake did not go through the relay: " + handshake + " bytes");
                int handle = conn.get("conn").asInt();
                JsonNode echo = client.call("echo-test", "conn", handle, "sizes", List.of(1, 10_000, 200_000));
                assertTrue(echo.get("allOk").asBoolean(), echo.toString());

                // iroh's own view: the connection has a relay path through our URL that carried packets both ways (on
                // one host iroh then also finds a direct path and moves bulk data there; CrossNatRelayIT keeps it out)
                JsonNode relayPath = null;
                for (JsonNode p : client.call("conn-info", "conn", handle).get("paths")) {
                    if (p.path("isRelay").asBoolean()) {
                        relayPath = p;
                    }
                }
                assertTrue(relayPath != null && url.equals(relayPath.path("remoteAddr").asText()), String.valueOf(relayPath));
                assertTrue(relayPath.path("stats").path("udpTxBytes").asLong() > 0
                        && relayPath.path("stats").path("udpRxBytes").asLong() > 0, relayPath.toString());
                Map<String, Long> m = relay.metrics().snapshot();
                assertEquals(m.get("datagram_frames_received_total"), m.get("datagram_frames_forwarded_total"), m.toString());
                assertEquals(0L, m.get("disconnects_protocol_error_total") + m.get("handshakes_failed_total"), m.toString());
            }
        }
    }
}
