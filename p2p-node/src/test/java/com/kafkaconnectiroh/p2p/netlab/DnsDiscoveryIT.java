package com.kafkaconnectiroh.p2p.netlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import com.kafkaconnectiroh.p2p.cli.Main;
import com.kafkaconnectiroh.p2p.discovery.Oracle;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.ping.Ping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DNS discovery with nothing configured but the system resolver, in the lab's internet namespace: its
 * {@code /etc/resolv.conf} (ip netns's {@code /etc/netns/<ns>/resolv.conf}) names our {@code p2p-node dns-server},
 * which answers iroh's own origin {@code dns.iroh.link}. A Java {@code serve} publishes to that server's pkarr relay
 * and a Java {@code discovery resolve} finds it through the system resolver (set-up, shared by the tests); unmodified
 * iroh 1.x ({@code presetN0DisableRelay}) and 0.35 ({@code nodeDiscovery: 'Default'}) endpoints ping it by its bare id;
 * and a Java {@code ping} reaches a real iroh 1.x endpoint by its bare id through the same server.
 */
@Timeout(300)
@Tag("iroh-interop")
class DnsDiscoveryIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "natlab-logs");

    private static NatLab lab;
    private static Path netnsEtc;
    private static String relay;
    private static EndpointId javaId;

    @BeforeAll
    static void dnsServerAndAPublishedJavaNode() throws Exception {
        lab = NatLab.create();
        String inet = lab.internet();
        String server = lab.internetAddress(1).getHostAddress();
        netnsEtc = Path.of("/etc/netns", inet);
        Files.createDirectories(netnsEtc);
        Files.writeString(netnsEtc.resolve("resolv.conf"), "nameserver " + server + "\n", StandardCharsets.US_ASCII);
        ChildJvm dns = cli("dns-server", "dns-server", "--dns-bind", server + ":53", "--http-bind", server + ":8080");
        dns.expect(l -> l.equals("origins: dns.iroh.link"), WAIT);
        relay = "http://" + server + ":8080/pkarr";

        ChildJvm serve = cli("serve", "serve", "--bind", lab.internetAddress(2).getHostAddress() + ":0",
                "--pkarr-relay", relay);
        javaId = EndpointId.parse(serve.expect(l -> l.startsWith("endpoint id: "), WAIT)
                .substring("endpoint id: ".length()));
        String bound = serve.expect(l -> l.startsWith("bound: "), WAIT).substring("bound: ".length());

        // our resolver, told only the origin: the nameserver comes from the namespace's /etc/resolv.conf
        String found = null;
        for (int i = 0; i < 20 && found == null; i++) {
            ChildJvm resolve = cli("resolve-" + i, "discovery", "resolve", javaId.toString(), "--dns-origin",
                    "dns.iroh.link");
            String line = resolve.await(l -> l.startsWith("dns: "), WAIT);
            resolve.waitFor(WAIT);
            if (line != null && line.startsWith("dns: found ")) {
                found = line;
            } else {
                Thread.sleep(500); // not published yet
            }
        }
        assertEquals("dns: found " + bound, found);
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
        if (netnsEtc != null) {
            deleteQuietly(netnsEtc.resolve("resolv.conf"));
            deleteQuietly(netnsEtc);
        }
    }

    @Test
    void realIroh1WithN0DiscoveryPingsAJavaNodeByBareIdThroughOurDnsServer() {
        pingJavaByBareId(IrohVersion.V1, "iroh1-n0-discovery");
    }

    @Test
    void realIroh035WithDefaultDiscoveryPingsAJavaNodeByBareIdThroughOurDnsServer() {
        pingJavaByBareId(IrohVersion.V035, "iroh035-default-discovery");
    }

    private static void pingJavaByBareId(IrohVersion version, String name) {
        try (IrohPeer iroh = IrohPeer.start(version, PeerOption.netns(lab.internet()), PeerOption.bind("0.0.0.0:0"),
                PeerOption.discoveryN0(), PeerOption.name(name))) {
            JsonNode r = iroh.call("ping", "addr", IrohPeer.params("id", javaId.toString(), "addrs", List.of()));
            assertTrue(r.get("rttMs").asDouble() >= 0, r.toString());
        }
    }

    /**
     * The reverse direction. iroh cannot publish to our relay: both npm bindings hard-wire n0's
     * {@code https://dns.iroh.link/pkarr} and check its TLS certificate against compiled-in webpki roots (wire map §0,
     * §4), so no local server can take its PUT. Its record is therefore signed with its key by an independent signer
     * (node:crypto + dns-packet, {@code oracles/pkarr.mjs}) and PUT to our relay as iroh would; what this proves is
     * our side: a Java {@code ping} given only the id asks the system resolver, gets the answer from our server, and
     * completes iroh-ping with the real iroh endpoint, whose TLS handshake proves it holds that id's key.
     */
    @Test
    void aJavaNodePingsARealIroh1NodeByBareIdThroughOurDnsServer() throws Exception {
        SecretKey key = SecretKey.generate();
        try (IrohPeer iroh = IrohPeer.start(IrohVersion.V1, PeerOption.netns(lab.internet()), PeerOption.bind("0.0.0.0:0"),
                PeerOption.secret(key), PeerOption.alpn(Ping.ALPN, Behaviour.PING), PeerOption.name("iroh1-dialed-by-id"))) {
            List<String> record = new ArrayList<>();
            for (String a : iroh.addrs()) {
                if (!a.startsWith("127.") && !a.startsWith("[")) {
                    record.add("addr=" + a);
                }
            }
            assertFalse(record.isEmpty(), "iroh has no lab address: " + iroh.addrs());
            List<String> sign = new ArrayList<>(List.of("sign", Hex.encode(key.toBytes()),
                    Long.toString(System.currentTimeMillis() * 1000), "30"));
            sign.addAll(record);
            String packet = Oracle.run("pkarr.mjs", sign.toArray(String[]::new)).get("packet").asText();
            JsonNode put = Oracle.run(NatLab.inNamespace(lab.internet(), List.of()), "pkarr.mjs", "put", relay, packet);
            assertEquals(204, put.get("status").asInt(), put.toString());

            ChildJvm ping = cli("ping-iroh", "ping", iroh.id(), "--discovery", "dns", "--dns-origin", "dns.iroh.link",
                    "--timeout", "30s");
            String pong = ping.expect(l -> l.startsWith("PONG from "), WAIT);
            assertTrue(pong.contains(" at " + lab.internetAddress(2).getHostAddress() + ":")
                    || pong.contains(" at " + lab.internetAddress(1).getHostAddress() + ":"), pong);
            assertEquals(0, ping.waitFor(WAIT), ping.describe());
        }
    }

    private static ChildJvm cli(String name, String... args) throws IOException {
        return lab.start(lab.internet(), LOGS.resolve("dns-discovery-" + name + ".log"),
                ChildJvm.javaCommand(List.of("-XX:TieredStopAtLevel=1"), Main.class, args));
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort: a leftover file names a namespace that no longer exists
        }
    }
}
