package com.kafkaconnectiroh.p2p.netlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import com.kafkaconnectiroh.p2p.cli.Main;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DNS discovery with nothing configured but the system resolver, in the lab's internet namespace: its
 * {@code /etc/resolv.conf} (ip netns's {@code /etc/netns/<ns>/resolv.conf}) names our {@code p2p-node dns-server},
 * which answers iroh's own origin {@code dns.iroh.link}. A Java node publishes to that server's pkarr relay; a Java
 * {@code discovery resolve} finds it through the system resolver, and an unmodified iroh 1.x endpoint with n0
 * discovery ({@code presetN0DisableRelay}) pings it by its bare id.
 */
@Timeout(180)
@Tag("iroh-interop")
class DnsDiscoveryIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path LOGS = Path.of("target", "natlab-logs");

    @Test
    void realIrohWithN0DiscoveryPingsAJavaNodeByBareIdThroughOurDnsServer() throws Exception {
        try (NatLab lab = NatLab.create()) {
            String inet = lab.internet();
            String server = lab.internetAddress(1).getHostAddress();
            Path netnsEtc = Path.of("/etc/netns", inet);
            Files.createDirectories(netnsEtc);
            try {
                Files.writeString(netnsEtc.resolve("resolv.conf"), "nameserver " + server + "\n", StandardCharsets.US_ASCII);
                ChildJvm dns = cli(lab, "dns-server", "dns-server", "--dns-bind", server + ":53", "--http-bind",
                        server + ":8080");
                dns.expect(l -> l.equals("origins: dns.iroh.link"), WAIT);
                String relay = "http://" + server + ":8080/pkarr";

                ChildJvm serve = cli(lab, "serve", "serve", "--bind", lab.internetAddress(2).getHostAddress() + ":0",
                        "--pkarr-relay", relay);
                EndpointId id = EndpointId.parse(serve.expect(l -> l.startsWith("endpoint id: "), WAIT)
                        .substring("endpoint id: ".length()));
                String bound = serve.expect(l -> l.startsWith("bound: "), WAIT).substring("bound: ".length());

                // our resolver, told only the origin: the nameserver comes from the namespace's /etc/resolv.conf
                String found = null;
                for (int i = 0; i < 20 && found == null; i++) {
                    ChildJvm resolve = cli(lab, "resolve-" + i, "discovery", "resolve", id.toString(), "--dns-origin",
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

                try (IrohPeer iroh = IrohPeer.start(IrohVersion.V1, PeerOption.netns(inet), PeerOption.bind("0.0.0.0:0"),
                        PeerOption.discoveryN0(), PeerOption.name("iroh-n0-discovery"))) {
                    JsonNode r = iroh.call("ping", "addr", IrohPeer.params("id", id.toString(), "addrs", List.of()));
                    assertTrue(r.get("rttMs").asDouble() >= 0, r.toString());
                }
            } finally {
                deleteQuietly(netnsEtc.resolve("resolv.conf"));
                deleteQuietly(netnsEtc);
            }
        }
    }

    private static ChildJvm cli(NatLab lab, String name, String... args) throws IOException {
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
