package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointTicket;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.server.RelayServer;
import com.kafkaconnectiroh.p2p.relay.server.RelayServerConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --relay} and {@code --no-relay} as a user runs them: {@code serve --relay URL} and {@code ping} in their own
 * JVMs, through our relay server (in this JVM, on 127.0.0.1), with a ticket that holds only the id and the relay.
 */
@Timeout(120)
class CliRelayTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final SecretKey SERVER_KEY = SecretKey.generate();
    static RelayServer relay;
    static CliProcess serve;
    static Map<String, String> served;

    @BeforeAll
    static void start() throws Exception {
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0)));
        // a server without multipath (as iroh 0.35 or a node started with --no-multipath): connections stay on the
        // path they start on, so the relay path's PONG line is what is asserted (DirectPathUpgradeTest covers moves)
        serve = CliProcess.start("serve", "--bind", "127.0.0.1:0", "--relay", relay.url().toString(),
                "--secret", Hex.encode(SERVER_KEY.toBytes()), "--no-multipath");
        served = serve.awaitAddressLines(WAIT);
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            assertEquals(0, serve.stop(), serve.stderr());
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** A ticket with the server's id and relay URL, and no direct address. */
    static String relayOnlyTicket() {
        return new EndpointTicket(EndpointAddr.of(SERVER_KEY.publicKey(), relay.url(), List.of())).toString();
    }

    @Test
    void serveWithARelayPrintsItAndItsTicketsCarryIt() {
        assertEquals(relay.url().toString(), served.get("relay"), served.toString());
        EndpointAddr inTicket = EndpointTicket.parse(served.get("ticket")).addr();
        assertEquals(relay.url(), inTicket.relayUrl().orElseThrow());
        assertEquals(1, inTicket.ipAddrs().size(), inTicket.toString()); // the direct address stays
    }

    @Test
    void pingWithOnlyIdAndRelayGoesThroughTheRelayAndSaysSo() throws Exception {
        long before = relay.metrics().snapshot().get("datagram_bytes_received_total");
        try (CliProcess ping = CliProcess.start("ping", relayOnlyTicket(), "--bind", "127.0.0.1:0")) {
            String line = ping.nextLine(WAIT);
            assertEquals(0, ping.awaitExit(WAIT), ping.stderr());
            assertTrue(Pattern.matches("PONG from " + SERVER_KEY.publicKey().fmtShort() + " at " + Pattern.quote(relay.url().toString())
                    + ": handshake \\d+\\.\\d\\d ms, rtt \\d+\\.\\d\\d ms, relay path rtt \\d+\\.\\d\\d ms", line), line);
        }
        assertTrue(relay.metrics().snapshot().get("datagram_bytes_received_total") > before + 2400,
                "the handshake went through the relay: " + relay.metrics().snapshot());
    }

    /**
     * {@code --multipath} (the default, said explicitly) against a server without it: plain QUIC on the relay path,
     * the same PONG line; with {@code --no-multipath} too it is bad usage.
     */
    @Test
    void pingWithMultipathReachesAServerWithoutItThroughTheRelay() throws Exception {
        try (CliProcess ping = CliProcess.start("ping", relayOnlyTicket(), "--bind", "127.0.0.1:0", "--multipath")) {
            String line = ping.nextLine(WAIT);
            assertEquals(0, ping.awaitExit(WAIT), ping.stderr());
            assertTrue(line.startsWith("PONG from " + SERVER_KEY.publicKey().fmtShort() + " at " + relay.url() + ": ")
                    && line.contains(", relay path rtt "), line);
        }
        CliRun both = CliRun.of("ping", relayOnlyTicket(), "--multipath", "--no-multipath");
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("--multipath and --no-multipath exclude each other"), both.toString());
    }

    @Test
    void noRelayRefusesATicketWithOnlyARelay() {
        CliRun r = CliRun.of("ping", relayOnlyTicket(), "--bind", "127.0.0.1:0", "--no-relay");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("p2p-node ping: cannot reach " + SERVER_KEY.publicKey().fmtShort() + " at [relay "
                + relay.url() + "]: no usable direct address") && r.err().strip().endsWith("relays disabled)"), r.toString());
    }

    @Test
    void noRelayWithRelayIsBadUsage() {
        CliRun r = CliRun.of("ping", relayOnlyTicket(), "--no-relay", "--relay", relay.url().toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("p2p-node ping: --no-relay cannot be combined with --relay", r.err().strip(), r.toString());
    }

    @Test
    void aMalformedRelayUrlIsBadUsage() {
        CliRun r = CliRun.of("ping", relayOnlyTicket(), "--relay", "ftp://relay.example");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--relay"), r.toString());
    }

}
