package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.cli.DiscoveryCliTest.DnsServer;
import com.kafkaconnectiroh.p2p.discovery.dht.DhtNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content discovery as a user runs it, every node its own JVM: {@code p2p-node tracker}, a {@code blob send
 * --tracker ID} announcing its blob there, and {@code blob get HASH --tracker ID} finding the sender through the
 * tracker and fetching from it by bare id (both ids found through a {@code dns-server}'s pkarr relay).
 */
@Timeout(240)
class TrackerCliTest {
    static final Duration START = DiscoveryCliTest.START;

    @Test
    void aBlobIsFetchedByItsBareHashThroughATracker(@TempDir Path dir) throws Exception {
        try (DnsServer server = DnsServer.start()) {
            String relay = server.pkarrRelay();
            try (CliProcess tracker = CliProcess.start("tracker", "--bind", "127.0.0.1:0", "--pkarr-relay", relay)) {
                var lines = tracker.awaitAddressLines(START);
                String trackerId = lines.get("endpoint id");
                assertEquals("n0/tracker/1", lines.get("alpns"));
                assertEquals(0, DiscoveryCliTest.awaitResolved(trackerId, "--pkarr-relay", relay).exitCode());

                Path file = dir.resolve("data.bin");
                byte[] data = Fixtures.randomBytes(22, 300_000);
                Files.write(file, data);
                try (CliProcess send = CliProcess.start("blob", "send", file.toString(), "--bind", "127.0.0.1:0",
                        "--pkarr-relay", relay, "--tracker", trackerId)) {
                    BlobTicket ticket = BlobTicket.parse(send.nextLine(START));
                    String hash = ticket.hash().toString();
                    awaitStderr(send, "p2p-node blob send: announced " + hash + " to tracker " + trackerId);
                    assertEquals(0, DiscoveryCliTest.awaitResolved(ticket.provider().id().toString(), "--pkarr-relay",
                            relay).exitCode());

                    Path out = dir.resolve("out.bin");
                    CliRun get = CliRun.of("blob", "get", hash, "--tracker", trackerId, "-o", out.toString(),
                            "--pkarr-relay", relay);
                    assertEquals(0, get.exitCode(), get.toString());
                    assertTrue(get.err().contains("p2p-node blob get: 1 provider of " + hash + " found"), get.err());
                    assertArrayEquals(data, Files.readAllBytes(out));

                    String unknown = Hash.of(new byte[] {1, 2, 3}).toString();
                    CliRun none = CliRun.of("blob", "get", unknown, "--tracker", trackerId, "-o",
                            dir.resolve("none.bin").toString(), "--pkarr-relay", relay);
                    assertEquals(1, none.exitCode(), none.toString());
                    assertTrue(none.err().contains("p2p-node blob get: no provider of " + unknown
                            + " found (asked 1 tracker)"), none.err());
                    assertTrue(Files.notExists(dir.resolve("none.bin")));
                }
                assertEquals(0, tracker.stop(), tracker.stderr());
            }
        }
    }

    /** Without a tracker: {@code --dht-bootstrap} alone announces under SHA-1(hash) and finds the provider there. */
    @Test
    void aBlobIsFetchedByItsBareHashThroughTheMainlineDht(@TempDir Path dir) throws Exception {
        try (DhtNode bootstrap = DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0)).start()) {
            String dht = "127.0.0.1:" + bootstrap.localAddress().getPort();
            Path file = dir.resolve("data.bin");
            byte[] data = Fixtures.randomBytes(23, 100_000);
            Files.write(file, data);
            try (CliProcess send = CliProcess.start("blob", "send", file.toString(), "--bind", "127.0.0.1:0",
                    "--dht-bootstrap", dht)) {
                BlobTicket ticket = BlobTicket.parse(send.nextLine(START));
                String hash = ticket.hash().toString();
                awaitStderr(send, "p2p-node blob send: announced " + hash + " on the DHT");
                Path out = dir.resolve("out.bin");
                CliRun get = CliRun.of("blob", "get", hash, "-o", out.toString(), "--dht-bootstrap", dht);
                assertEquals(0, get.exitCode(), get.toString());
                assertArrayEquals(data, Files.readAllBytes(out));
            }
        }
    }

    /**
     * A bare hash with nowhere to look is bad usage that says what to add; with {@code --discovery dht} alone the node
     * runs the DHT on its public bootstrap nodes (unreachable here) and finds no provider.
     */
    @Test
    void aBareHashNeedsAProviderOrAPlaceToFindOne() {
        String hash = Hash.of(new byte[] {1, 2, 3}).toString();
        CliRun nowhere = CliRun.of("blob", "get", hash);
        assertEquals(2, nowhere.exitCode(), nowhere.toString());
        assertTrue(nowhere.err().contains("p2p-node blob get: " + hash + " is a bare hash: say who provides it with --from"
                + " ID, or where to find providers with --tracker ID or the DHT"), nowhere.toString());
        CliRun dht = CliRun.of("blob", "get", hash, "--discovery", "dht");
        assertEquals(1, dht.exitCode(), dht.toString());
        assertTrue(dht.err().contains("p2p-node blob get: no provider of " + hash + " found (asked 0 trackers and the"
                + " DHT)"), dht.toString());
    }

    private static void awaitStderr(CliProcess p, String line) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!p.stderr().contains(line)) {
            assertTrue(System.nanoTime() < deadline && p.isAlive(), "no '" + line + "' in: " + p.stderr());
            Thread.sleep(100);
        }
    }
}
