package com.kafkaconnectiroh.p2p.netlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import com.kafkaconnectiroh.p2p.cli.Main;
import com.kafkaconnectiroh.p2p.discovery.Oracle;
import com.kafkaconnectiroh.p2p.discovery.mdns.SwarmRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Local-network discovery on a real LAN of network namespaces (NatLab.addLan: one bridge, multicast flooded): Java
 * nodes find each other with no configuration and ping by bare id; npm multicast-dns, speaking iroh's swarm
 * format, decodes our answers and is learned by us. Real sockets on 224.0.0.251:5353, each node its own JVM.
 */
class LocalDiscoveryIT {
    static final Duration FIND = Duration.ofSeconds(30);
    static final Path LOGS = Path.of("target", "netlab-logs");

    @Test
    void javaNodesOnOneLanFindEachOtherPingByBareIdAndSeeALeaverExpire() throws Exception {
        try (NatLab lab = NatLab.create()) {
            NatLab.Lan lan = lab.addLan(3);
            List<ChildJvm> nodes = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ChildJvm n = lab.start(lan.hosts().get(i).namespace(), LOGS.resolve("mdns-node" + i + ".log"),
                        ChildJvm.javaCommand(MdnsNodeMain.class));
                nodes.add(n);
            }
            for (ChildJvm n : nodes) {
                ids.add(n.expect(l -> l.startsWith("id "), FIND).split(" ")[1]);
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    if (i != j) {
                        String want = "discovered " + ids.get(j) + " ";
                        String seen = seenOrAwait(nodes.get(i), l -> l.startsWith(want));
                        String lanAddr = lan.hosts().get(j).address().getHostAddress() + ":";
                        assertTrue(seen.contains(lanAddr),
                                "node " + i + " learned node " + j + "'s LAN address " + lanAddr + ": " + seen);
                    }
                }
            }
            // a subscriber that comes later is told the peers known already
            nodes.get(0).send("subscribe");
            for (int j = 1; j < 3; j++) {
                String want = "told " + ids.get(j);
                seenOrAwait(nodes.get(0), l -> l.equals(want));
            }

            // a dial with the id alone: the endpoint has no address for it but what mDNS found
            nodes.get(0).send("ping " + ids.get(2));
            String pong = nodes.get(0).expect(l -> l.startsWith("pong ") || l.startsWith("ping-failed "), FIND);
            assertTrue(pong.startsWith("pong " + ids.get(2) + " "), pong);
            assertTrue(pong.contains(lan.hosts().get(2).address().getHostAddress()), "pinged over the LAN: " + pong);

            // node 2 leaves: the others forget it after their grace period
            nodes.get(2).process.destroyForcibly().waitFor();
            for (int i = 0; i < 2; i++) {
                String want = "expired " + ids.get(2);
                seenOrAwait(nodes.get(i), l -> l.equals(want));
            }
        }
    }

    /** {@code --discovery mdns} on the command line: a {@code ping} finds a {@code serve} on the LAN by its bare id. */
    @Test
    void theCliWithDiscoveryMdnsPingsAServeOnTheLanByBareId() throws Exception {
        try (NatLab lab = NatLab.create()) {
            NatLab.Lan lan = lab.addLan(2);
            String serveIp = lan.hosts().get(0).address().getHostAddress();
            ChildJvm serve = lab.start(lan.hosts().get(0).namespace(), LOGS.resolve("mdns-cli-serve.log"),
                    ChildJvm.javaCommand(Main.class, "serve", "--discovery", "mdns", "--no-relay", "--bind", serveIp + ":0"));
            String id = serve.expect(l -> l.startsWith("endpoint id: "), FIND).substring("endpoint id: ".length());
            String bound = serve.expect(l -> l.startsWith("bound: "), FIND).substring("bound: ".length());
            // no address, no server: only what mDNS hears on the LAN (the ping asks it once its dial has nothing to try)
            ChildJvm ping = lab.start(lan.hosts().get(1).namespace(), LOGS.resolve("mdns-cli-ping.log"),
                    ChildJvm.javaCommand(Main.class, "ping", id, "--discovery", "mdns", "--no-relay", "--timeout", "20s"));
            String pong = ping.expect(l -> l.startsWith("PONG from "), FIND);
            assertTrue(pong.contains(" at " + bound + ":"), pong);
            assertEquals(0, ping.waitFor(FIND), ping.describe());
        }
    }

    /** A line it printed already (while we waited for another), or the next that matches. */
    private static String seenOrAwait(ChildJvm n, java.util.function.Predicate<String> p) throws InterruptedException {
        for (String l : List.copyOf(n.seen())) {
            if (p.test(l)) {
                return l;
            }
        }
        return n.expect(p, FIND);
    }

    @Test
    void multicastDnsDecodesOurAnswersAndWeLearnItsIrohFormatAnnouncementInBothIrohSwarms() throws Exception {
        try (NatLab lab = NatLab.create()) {
            NatLab.Lan lan = lab.addLan(2);
            ChildJvm java = lab.start(lan.hosts().get(0).namespace(), LOGS.resolve("mdns-java.log"),
                    ChildJvm.javaCommand(MdnsNodeMain.class));
            String[] idLine = java.expect(l -> l.startsWith("id "), FIND).split(" ", 3);
            EndpointId javaId = EndpointId.parse(idLine[1]);
            String javaLabel = SwarmRecords.label(javaId);
            // iroh 1.x's swarm, then 0.35's: the node is in both by default
            for (String service : List.of(SwarmRecords.serviceName(SwarmRecords.IROH_V1),
                    SwarmRecords.serviceName(SwarmRecords.IROH_035))) {
                EndpointId foreign = SecretKey.generate().publicKey();
                learnAndBeLearned(lan, java, idLine[2], javaLabel, service, foreign);
            }
        }
    }

    /** npm multicast-dns on host 2 of {@code lan}, in {@code service}'s swarm, and the Java node on host 1. */
    private static void learnAndBeLearned(NatLab.Lan lan, ChildJvm java, String javaAddrs, String javaLabel,
                                          String service, EndpointId foreign) throws Exception {
        String foreignIp = lan.hosts().get(1).address().getHostAddress();
        try (Oracle npm = Oracle.start(NatLab.inNamespace(lan.hosts().get(1).namespace(), List.of()), "mdns.mjs",
                "live", service, SwarmRecords.label(foreign), "4433", foreignIp)) {
            assertEquals("ready", npm.next(FIND).get("event").asText());

            // they ask as swarm-discovery does; our answer, as multicast-dns decoded it
            JsonNode ours = null;
            long deadline = System.nanoTime() + FIND.toNanos();
            while (ours == null && System.nanoTime() < deadline) {
                npm.send(Map.of("cmd", "query"));
                JsonNode e = npm.next(FIND);
                if (e.get("event").asText().equals("response")
                        && e.get("packet").get("answers").get(0).get("name").asText().startsWith(javaLabel + ".")) {
                    ours = e.get("packet");
                }
            }
            assertTrue(ours != null, "no answer from the Java node; " + java.describe() + "\nnpm: " + npm.stderr());
            JsonNode srv = ours.get("answers").get(0);
            assertEquals("SRV", srv.get("type").asText(), ours.toString());
            assertEquals(javaLabel + "." + service, srv.get("name").asText());
            int port = srv.get("data").get("port").asInt();
            assertTrue(javaAddrs.contains(":" + port), "the SRV port is the endpoint's: " + port + " vs " + javaAddrs);
            assertEquals(javaLabel + "-" + port + ".local", srv.get("data").get("target").asText());
            boolean hasLanA = false;
            for (JsonNode a : ours.get("additionals")) {
                hasLanA |= a.get("type").asText().equals("A")
                        && a.get("data").asText().equals(lan.hosts().get(0).address().getHostAddress())
                        && a.get("name").asText().equals(javaLabel + "-" + port + ".local");
            }
            assertTrue(hasLanA, "an A record with our LAN address: " + ours);
            JsonNode txt = ours.get("answers").get(ours.get("answers").size() - 1);
            assertEquals("TXT", txt.get("type").asText(), ours.toString());
            assertTrue(txt.get("data").toString().contains("user-data=java-"), txt.toString());
            for (JsonNode r : ours.get("answers")) {
                assertEquals(0, r.get("ttl").asInt());
                assertEquals("IN", r.get("class").asText());
                assertEquals(false, r.get("flush").asBoolean());
            }

            // they announce in iroh's format (answering our queries, and unasked): we learn the peer
            npm.send(Map.of("cmd", "announce"));
            String seen = java.expect(l -> l.startsWith("discovered " + foreign + " "), FIND);
            assertTrue(seen.contains(foreignIp + ":4433"), seen);
            assertTrue(seen.endsWith(" from-multicast-dns"), seen);
        }
    }
}
