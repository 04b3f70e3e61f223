package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery as a user runs it, every node its own JVM: {@code p2p-node dns-server}, a {@code serve} publishing its
 * record there, {@code discovery resolve} printing what each mechanism found, and {@code ping <bare id>} reaching
 * the server once through the pkarr relay and once through DNS, {@code speedtest connect}, {@code blob get HASH
 * --from ID} and {@code gossip publish --peer ID} likewise; without discovery, or with servers that cannot be
 * reached, a bare id fails quickly with a clear line.
 */
@Timeout(240)
class DiscoveryCliTest {
    static final Duration START = Duration.ofSeconds(30);
    static final Duration RUN = Duration.ofSeconds(60);
    static final String ORIGIN = "test.example";

    /** A running {@code dns-server} on loopback and the addresses it printed. */
    record DnsServer(CliProcess process, String dns, String pkarrRelay) implements AutoCloseable {
        static DnsServer start() throws Exception {
            CliProcess p = CliProcess.start("dns-server", "--dns-bind", "127.0.0.1:0", "--http-bind", "127.0.0.1:0",
                    "--origin", ORIGIN);
            String dns = value(p.nextLine(START), "dns");
            value(p.nextLine(START), "http");
            String relay = value(p.nextLine(START), "pkarr relay");
            assertEquals("origins: " + ORIGIN, p.nextLine(START));
            return new DnsServer(p, dns, relay);
        }

        private static String value(String line, String name) {
            assertTrue(line.startsWith(name + ": "), "expected '" + name + ": …', got '" + line + "'");
            return line.substring(name.length() + 2);
        }

        @Override
        public void close() throws InterruptedException {
            process.close();
        }
    }

    /** {@code discovery resolve} until the pkarr relay has {@code id}'s record (the server publishes at start). */
    static CliRun awaitResolved(String id, String... flags) throws InterruptedException {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (true) {
            String[] args = new String[flags.length + 3];
            args[0] = "discovery";
            args[1] = "resolve";
            args[2] = id;
            System.arraycopy(flags, 0, args, 3, flags.length);
            CliRun r = CliRun.of(args);
            if (r.exitCode() == 0 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    @Test
    void aServingNodeIsPingedByItsBareIdThroughThePkarrRelayAndThroughDns() throws Exception {
        try (DnsServer server = DnsServer.start();
             CliProcess serve = CliProcess.start("serve", "--bind", "127.0.0.1:0", "--pkarr-relay", server.pkarrRelay())) {
            var lines = serve.awaitAddressLines(START);
            String id = lines.get("endpoint id");
            String bound = lines.get("bound");

            String[] both = {"--pkarr-relay", server.pkarrRelay(), "--dns-origin", ORIGIN, "--dns-resolver", server.dns()};
            assertEquals(0, awaitResolved(id, both).exitCode());
            // asked again: the first success may have raced the publication (one mechanism before it, one after)
            CliRun resolved = awaitResolved(id, both);
            assertEquals(0, resolved.exitCode(), resolved.toString());
            assertEquals(List.of("dns: found " + bound, "pkarr: found " + bound, "addr: " + id + "@" + bound),
                    resolved.outLines(), resolved.toString());

            try (CliProcess viaPkarr = CliProcess.start("ping", id, "--pkarr-relay", server.pkarrRelay())) {
                assertEquals(0, viaPkarr.awaitExit(RUN), viaPkarr.stderr());
                String pong = viaPkarr.nextLine(START);
                assertTrue(pong.startsWith("PONG from " + id.substring(0, 10) + " at " + bound), pong);
            }
            try (CliProcess viaDns = CliProcess.start("ping", id, "--dns-origin", ORIGIN, "--dns-resolver", server.dns())) {
                assertEquals(0, viaDns.awaitExit(RUN), viaDns.stderr());
                String pong = viaDns.nextLine(START);
                assertTrue(pong.startsWith("PONG from " + id.substring(0, 10) + " at " + bound), pong);
            }
        }
    }

    /**
     * --dht-bootstrap runs a mainline DHT node in each process: serve publishes its record there (BEP 44), and a
     * ping by bare id finds it through the DHT alone (the suite's environment turns pkarr and DNS off).
     */
    @Test
    void aServingNodeIsPingedByItsBareIdThroughTheMainlineDht() throws Exception {
        try (com.kafkaconnectiroh.p2p.discovery.dht.DhtNode bootstrap = com.kafkaconnectiroh.p2p.discovery.dht.DhtNode
                .builder().bind(new java.net.InetSocketAddress("127.0.0.1", 0)).start()) {
            String dht = "127.0.0.1:" + bootstrap.localAddress().getPort();
            try (CliProcess serve = CliProcess.start("serve", "--bind", "127.0.0.1:0", "--dht-bootstrap", dht)) {
                var lines = serve.awaitAddressLines(START);
                String id = lines.get("endpoint id");
                String bound = lines.get("bound");
                CliRun resolved = awaitResolved(id, "--dht-bootstrap", dht);
                assertEquals(0, resolved.exitCode(), resolved.toString());
                assertEquals("dht: found " + bound, resolved.outLines().get(0), resolved.toString());
                try (CliProcess ping = CliProcess.start("ping", id, "--dht-bootstrap", dht)) {
                    assertEquals(0, ping.awaitExit(RUN), ping.stderr());
                    String pong = ping.nextLine(START);
                    assertTrue(pong.startsWith("PONG from " + id.substring(0, 10) + " at " + bound), pong);
                }
            }
        }
    }

    @Test
    void speedtestBlobGetAndGossipReachTheirPeerByItsBareId(@TempDir Path dir) throws Exception {
        try (DnsServer server = DnsServer.start()) {
            String relay = server.pkarrRelay();
            try (CliProcess accept = CliProcess.start("speedtest", "accept", "--bind", "127.0.0.1:0", "--pkarr-relay", relay)) {
                String id = accept.awaitAddressLines(START).get("endpoint id");
                assertEquals(0, awaitResolved(id, "--pkarr-relay", relay).exitCode());
                CliRun st = CliRun.of("speedtest", "connect", id, "--bytes", "1MiB", "--pkarr-relay", relay);
                assertEquals(0, st.exitCode(), st.toString());
                assertTrue(st.outLines().get(0).startsWith("connected to " + id.substring(0, 10)), st.toString());
            }

            Path file = dir.resolve("data.bin");
            byte[] data = new byte[300_000];
            new java.util.Random(7).nextBytes(data);
            Files.write(file, data);
            try (CliProcess send = CliProcess.start("blob", "send", file.toString(), "--bind", "127.0.0.1:0",
                    "--pkarr-relay", relay)) {
                BlobTicket ticket = BlobTicket.parse(send.nextLine(START));
                String id = ticket.provider().id().toString();
                assertEquals(0, awaitResolved(id, "--pkarr-relay", relay).exitCode());
                Path out = dir.resolve("out.bin");
                CliRun get = CliRun.of("blob", "get", ticket.hash().toHex(), "--from", id, "-o", out.toString(),
                        "--pkarr-relay", relay);
                assertEquals(0, get.exitCode(), get.toString());
                assertArrayEquals(data, Files.readAllBytes(out));
            }

            try (CliProcess sub = CliProcess.start("gossip", "subscribe", "--topic", "by bare id", "--bind", "127.0.0.1:0",
                    "--pkarr-relay", relay)) {
                String id = null;
                for (String l = sub.nextLine(START); !l.startsWith("topic: "); l = sub.nextLine(START)) {
                    if (l.startsWith("endpoint id: ")) {
                        id = l.substring("endpoint id: ".length());
                    }
                }
                assertEquals(0, awaitResolved(id, "--pkarr-relay", relay).exitCode());
                CliRun pub = CliRun.of("gossip", "publish", "--topic", "by bare id", "--peer", id, "--pkarr-relay", relay,
                        "hello by id");
                assertEquals(0, pub.exitCode(), pub.toString());
                String line;
                do {
                    line = sub.nextLine(START);
                } while (!line.contains("hello by id"));
            }
        }
    }

    @Test
    void aBareIdWithoutDiscoveryOrWithUnreachableServersFailsQuicklyWithAClearLine() throws Exception {
        String id = SecretKey.generate().publicKey().toString();
        CliRun none = CliRun.of("ping", id, "--no-discovery", "--timeout", "5s");
        assertEquals(1, none.exitCode(), none.toString());
        assertTrue(none.err().contains("no usable direct address"), none.err());

        // nothing listens on these: the lookup fails at once (connection refused, ICMP port unreachable), the dial too
        long start = System.nanoTime();
        CliRun unreachable = CliRun.of("ping", id, "--timeout", "5s", "--pkarr-relay", "http://127.0.0.1:9/pkarr",
                "--dns-origin", ORIGIN, "--dns-resolver", "127.0.0.1:9");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(1, unreachable.exitCode(), unreachable.toString());
        assertTrue(unreachable.err().contains("address lookup"), unreachable.err());
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "took " + took);

        CliRun resolve = CliRun.of("discovery", "resolve", id, "--pkarr-relay", "http://127.0.0.1:9/pkarr",
                "--dns-origin", ORIGIN, "--dns-resolver", "127.0.0.1:9");
        assertEquals(1, resolve.exitCode(), resolve.toString());
        assertTrue(resolve.outLines().get(0).startsWith("dns: failed: "), resolve.toString());
        assertTrue(resolve.outLines().get(1).startsWith("pkarr: failed: "), resolve.toString());
    }

    /**
     * {@code --discovery dht} alone runs a DHT node on the public bootstrap nodes (DhtNode.DEFAULT_BOOTSTRAP): none
     * is reachable from here, so it finds nothing, and says so on its own line rather than refusing the name.
     */
    @Test
    void discoveryDhtAloneRunsTheDhtOnItsDefaultBootstrapNodes() {
        CliRun r = CliRun.of("discovery", "resolve", SecretKey.generate().publicKey().toString(), "--discovery", "dht");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(List.of("dht: nothing"), r.outLines(), r.toString());
    }

    @Test
    void badDiscoveryFlagsAreUsageErrors() {
        CliRun bad = CliRun.of("ping", SecretKey.generate().publicKey().toString(), "--dht-bootstrap", "router.example:6881");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains("--dht-bootstrap"), bad.err());
        CliRun both = CliRun.of("ping", SecretKey.generate().publicKey().toString(), "--no-discovery", "--pkarr-relay",
                "http://127.0.0.1:9/pkarr");
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("--no-discovery cannot be combined"), both.err());
        CliRun notUrl = CliRun.of("discovery", "resolve", SecretKey.generate().publicKey().toString(), "--pkarr-relay",
                "127.0.0.1:8080");
        assertEquals(2, notUrl.exitCode(), notUrl.toString());
        CliRun unknown = CliRun.of("ping", SecretKey.generate().publicKey().toString(), "--discovery", "dns,bonjour");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("--discovery: unknown discovery mechanism 'bonjour' (expected pkarr, dns, dht, mdns"
                + " or none)"), unknown.err());
        CliRun offAndMdns = CliRun.of("ping", SecretKey.generate().publicKey().toString(), "--no-discovery",
                "--discovery", "mdns");
        assertEquals(2, offAndMdns.exitCode(), offAndMdns.toString());
    }
}
