package com.kafkaconnectiroh.p2p.netlab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.EndpointTicket;
import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import com.kafkaconnectiroh.p2p.cli.Main;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers in homes behind different NATs, the Java relay ({@code p2p-node relay}) in the internet namespace: what
 * only a relay makes work.
 * One lab for the class: home 1 behind an endpoint-independent NAT, homes 2 and 3 behind symmetric ones. Java nodes
 * are the CLI ({@code cli.Main}) in child JVMs inside the homes; tickets are rebuilt to carry only what the test
 * means to offer (id and relay URL, or id and the NAT's public address).
 */
@Timeout(180)
class CrossNatRelayIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "natlab-logs");
    private static final String ECHO_ALPN = "test/echo";

    private static NatLab lab;
    private static NatLab.Home eim;
    private static NatLab.Home symmetric;
    private static NatLab.Home symmetric2;
    private static String relayUrl;

    @BeforeAll
    static void build() throws Exception {
        lab = NatLab.create();
        eim = lab.addHome(NatLab.Nat.ENDPOINT_INDEPENDENT);
        symmetric = lab.addHome(NatLab.Nat.SYMMETRIC);
        symmetric2 = lab.addHome(NatLab.Nat.SYMMETRIC);
        ChildJvm relay = cli(null, "relay", "relay", "--bind", lab.internetAddress(1).getHostAddress() + ":0");
        relayUrl = relay.expect(l -> l.startsWith("relay url: "), WAIT).substring("relay url: ".length());
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

    @Test
    void twoJavaNodesBehindTwoNatsPingAndFetchABlobThroughTheRelay() throws Exception {
        try (ChildJvm server = cli(eim, "serve-eim", "serve", "--relay", relayUrl)) {
            assertThroughTheRelay(pingUntilExit(symmetric, "ping-symmetric", 0, relayOnlyTicket(endpointId(server))));
        }

        Path dir = Files.createDirectories(LOGS.resolve("blob-" + ProcessHandle.current().pid()));
        byte[] content = new byte[300_000];
        new Random(15).nextBytes(content);
        Path file = Files.write(dir.resolve("sent.bin"), content);
        try (ChildJvm sender = cli(eim, "blob-send-eim", "blob", "send", file.toAbsolutePath().toString(), "--relay", relayUrl)) {
            BlobTicket full = BlobTicket.parse(sender.expect(l -> l.startsWith("blob"), WAIT));
            String onlyRelay = new BlobTicket(EndpointAddr.of(full.provider().id(), RelayUrl.parse(relayUrl), List.of()),
                    full.content()).toString();
            Path received = dir.resolve("received.bin");
            ChildJvm get = cli(symmetric, "blob-get-symmetric", "blob", "get", onlyRelay, "-o", received.toAbsolutePath().toString());
            assertEquals(0, get.waitFor(WAIT), get.describe());
            assertArrayEquals(content, Files.readAllBytes(received));
        }
    }

    @Test
    void behindSymmetricNatsOnlyTheRelayWorks() throws Exception {
        try (ChildJvm server = cli(symmetric, "serve-symmetric", "serve", "--relay", relayUrl, "--bind", "0.0.0.0:4433")) {
            EndpointId id = endpointId(server);
            // What a peer could know of it without a relay: the NAT's public address and the port it bound.
            InetSocketAddress natted = new InetSocketAddress(symmetric.publicAddress(), 4433);
            String direct = new EndpointTicket(EndpointAddr.of(id, null, List.of(natted))).toString();
            ChildJvm directPing = cli(symmetric2, "ping-direct", "ping", direct, "--timeout", "5s");
            assertEquals(1, directPing.waitFor(WAIT), "no direct path into a NATed home: " + directPing.describe());

            assertThroughTheRelay(pingUntilExit(symmetric2, "ping-relay", 0, relayOnlyTicket(id)));
            // Both in the ticket, our relay configured too: the direct address fails, the relay after it carries the PONG.
            String both = new EndpointTicket(EndpointAddr.of(id, RelayUrl.parse(relayUrl), List.of(natted))).toString();
            assertThroughTheRelay(pingUntilExit(symmetric2, "ping-both", 0, both, "--relay", relayUrl));
        }
    }

    @Test
    void outOfASymmetricNatADirectDialWorks() throws Exception {
        // The control for the test above: the symmetric NAT lets the home's own dials out, so what failed there was
        // reaching INTO a home.
        try (ChildJvm server = cli(null, "serve-internet", "serve", "--bind", lab.internetAddress(2).getHostAddress() + ":4433")) {
            String direct = new EndpointTicket(EndpointAddr.of(endpointId(server), null,
                    List.of(new InetSocketAddress(lab.internetAddress(2), 4433)))).toString();
            String pong = pingUntilExit(symmetric2, "ping-out", 0, direct);
            assertTrue(pong.contains(" at " + lab.internetAddress(2).getHostAddress() + ":4433: ")
                    && pong.contains(", direct path rtt "), pong);
        }
    }

    @Test
    @Tag("iroh-interop")
    void anIrohPeerAndAJavaNodeBehindNatsReachEachOtherThroughTheJavaRelay() throws Exception {
        try (IrohPeer iroh = IrohPeer.start(IrohVersion.V1, PeerOption.netns(eim.namespace()), PeerOption.bind("0.0.0.0:0"),
                PeerOption.relay(relayUrl), PeerOption.alpn("iroh/ping/0", Behaviour.PING), PeerOption.name("natlab-iroh-ping"))) {
            String home = iroh.online(WAIT);
            // Java -> iroh: our ping by id and relay URL only.
            String pong = pingUntilExit(symmetric, "ping-iroh", 0, relayOnlyTicket(iroh.endpointId()));
            assertTrue(pong.startsWith("PONG from " + iroh.id().substring(0, 10)), pong);
            assertThroughTheRelay(pong);

            // iroh -> Java: iroh's ping to our serve, which it knows by id and relay URL only.
            try (ChildJvm server = cli(symmetric2, "serve-for-iroh", "serve", "--relay", relayUrl)) {
                EndpointId id = endpointId(server);
                JsonNode r = iroh.call("ping", "addr", IrohPeer.params("id", id.toString(), "addrs", List.of(), "relayUrl", home));
                assertTrue(r.get("rttMs").asDouble() >= 0, r.toString());
            }
        }
    }

    /** The CLI in a home (null: the internet namespace), stderr to {@code target/natlab-logs/<name>.log}. */
    private static ChildJvm cli(NatLab.Home home, String name, String... args) throws Exception {
        return lab.start(home == null ? lab.internet() : home.namespace(), LOGS.resolve(name + ".log"),
                ChildJvm.javaCommand(List.of("-XX:TieredStopAtLevel=1"), Main.class, args)); // short lives: start fast
    }

    /** A serving command's id, from its address block ({@code endpoint id: <hex>}). */
    private static EndpointId endpointId(ChildJvm serving) throws InterruptedException {
        EndpointId id = EndpointId.parse(serving.expect(l -> l.startsWith("endpoint id: "), WAIT).substring("endpoint id: ".length()));
        serving.expect(l -> l.startsWith("alpns: "), WAIT); // the block ends: it serves (with --relay: relay connected)
        return id;
    }

    /** Our ping's line names the path its PONG came on (docs/cli.md, "ping"). */
    private static void assertThroughTheRelay(String pong) {
        assertTrue(pong.contains(" at " + RelayUrl.parse(relayUrl) + ": ") && pong.contains(", relay path rtt "),
                "the PONG came through the relay: " + pong);
    }

    private static String relayOnlyTicket(EndpointId id) {
        return new EndpointTicket(EndpointAddr.of(id, RelayUrl.parse(relayUrl), List.of())).toString();
    }

    /** {@code p2p-node ping TARGET ...} in a home; asserts its exit code and returns its PONG line (or ""). */
    private static String pingUntilExit(NatLab.Home home, String name, int expectedExit, String target, String... more)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("ping", target, "--timeout", "30s"));
        args.addAll(List.of(more));
        ChildJvm ping = cli(home, name, args.toArray(String[]::new));
        String pong = ping.await(l -> l.startsWith("PONG from "), WAIT);
        assertEquals(expectedExit, ping.waitFor(WAIT), ping.describe());
        return pong == null ? "" : pong;
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
