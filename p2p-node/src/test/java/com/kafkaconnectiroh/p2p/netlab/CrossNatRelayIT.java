package com.kafkaconnectiroh.p2p.netlab;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers in homes behind different NATs, the Java relay in the internet namespace: what only a relay makes work.
 * One lab for the class: home 1 behind an endpoint-independent NAT, homes 2 and 3 behind symmetric ones.
 */
@Timeout(180)
class CrossNatRelayIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "natlab-logs");
    private static final String ECHO_ALPN = "test/echo";

    private static NatLab lab;
    private static NatLab.Home eim;
    private static NatLab.Home symmetric;
    private static String relayUrl;

    @BeforeAll
    static void build() throws Exception {
        lab = NatLab.create();
        eim = lab.addHome(NatLab.Nat.ENDPOINT_INDEPENDENT);
        symmetric = lab.addHome(NatLab.Nat.SYMMETRIC);
        ChildJvm relay = lab.start(lab.internet(), LOGS.resolve("relay.log"),
                ChildJvm.javaCommand(RelayMain.class, lab.internetAddress(1).getHostAddress() + ":0"));
        relayUrl = relay.expect(l -> l.startsWith("relay: "), WAIT).substring("relay: ".length());
    }

    @AfterAll
    static void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Tag("iroh-interop")
    void twoIrohPeersBehindNatsTalkThroughTheJavaRelay() {
        try (IrohPeer server = IrohPeer.start(IrohVersion.V1, PeerOption.netns(eim.namespace()), PeerOption.bind("0.0.0.0:0"),
                PeerOption.relay(relayUrl), PeerOption.alpn(ECHO_ALPN, Behaviour.ECHO), PeerOption.name("natlab-iroh-eim"));
             IrohPeer client = IrohPeer.start(IrohVersion.V1, PeerOption.netns(symmetric.namespace()),
                     PeerOption.bind("0.0.0.0:0"), PeerOption.relay(relayUrl), PeerOption.name("natlab-iroh-symmetric"))) {
            String home = server.online(WAIT);
            client.online(WAIT);
            int conn = client.call("connect", "addr", server.relayOnlyAddr(home), "alpn", ECHO_ALPN).get("conn").asInt();
            JsonNode echo = client.call("echo-test", "conn", conn, "sizes", List.of(1, 200_000));
            assertTrue(echo.get("allOk").asBoolean(), echo.toString());
            assertSelectedPathIsTheRelay(client.call("conn-info", "conn", conn), home);
        }
    }

    /** iroh's own view ({@code conn-info} paths): the selected path is the relay, there is no direct one. */
    private static void assertSelectedPathIsTheRelay(JsonNode connInfo, String relay) {
        JsonNode selected = null;
        for (JsonNode p : connInfo.get("paths")) {
            assertTrue(p.get("isRelay").asBoolean(), "only relay paths across these NATs: " + connInfo);
            if (p.get("isSelected").asBoolean()) {
                selected = p;
            }
        }
        assertTrue(selected != null && selected.get("remoteAddr").asText().equals(relay), "selected: " + connInfo);
    }
}
