package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.EndpointTicket;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.NodeTicket;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user runs it, Java ↔ Java over real sockets: {@code serve} and {@code speedtest accept} in their
 * own JVMs (stopped with SIGTERM/SIGINT), {@code ping} and {@code speedtest connect} through {@link Main#run}.
 * Checks the printed lines, exit codes and failure messages.
 */
@Timeout(120)
class CliCommandsTest {
    static final Duration START = Duration.ofSeconds(30);
    static final String LOCAL = "127.0.0.1:0";
    static final Pattern PONG_LINE = Pattern.compile(
            "PONG from ([0-9a-f]{10}) at (127\\.0\\.0\\.1:\\d+): handshake \\d+\\.\\d\\d ms, rtt \\d+\\.\\d\\d ms, direct path rtt \\d+\\.\\d\\d ms");

    static final SecretKey SERVER_KEY = SecretKey.generate();
    static CliProcess serve;
    static Map<String, String> served;

    @BeforeAll
    static void startServe() throws Exception {
        serve = CliProcess.start("serve", "--bind", LOCAL, "--secret", Hex.encode(SERVER_KEY.toBytes()));
        served = serve.awaitAddressLines(START);
    }

    @AfterAll
    static void stopServe() throws Exception {
        if (serve != null) {
            assertEquals(0, serve.stop(), serve.stderr());
            assertTrue(serve.stderr().contains("stopped"), serve.stderr());
        }
    }

    static String serverShortId() {
        return SERVER_KEY.publicKey().fmtShort();
    }

    @Test
    void serveprintsItsAddressBlock() {
        assertEquals(List.of("endpoint id", "ticket", "node ticket", "addr", "bound", "alpns"), List.copyOf(served.keySet()));
        EndpointId id = SERVER_KEY.publicKey();
        assertEquals(id.toString(), served.get("endpoint id"));
        InetSocketAddress bound = SocketAddrs.parse(served.get("bound"));
        assertTrue(bound.getPort() > 0, served.toString());
        EndpointAddr expected = EndpointAddr.of(id, null, List.of(bound));
        assertEquals(expected, EndpointTicket.parse(served.get("ticket")).addr());
        assertEquals(expected, NodeTicket.parse(served.get("node ticket")).addr());
        assertEquals(id + "@" + served.get("bound"), served.get("addr"));
        assertEquals(expected, EndpointAddrs.parse(served.get("addr")));
        assertEquals(List.of("/kafka-connect-iroh/speedtest/0", "iroh/ping/0"),
                List.of(served.get("alpns").split(" ")).stream().sorted().toList());
    }

    @Test
    void pingByEveryAddressForm() {
        for (String target : List.of(served.get("ticket"), served.get("node ticket"), served.get("addr"))) {
            CliRun r = CliRun.of("ping", target, "--bind", LOCAL);
            assertEquals(0, r.exitCode(), r.toString());
            var m = PONG_LINE.matcher(r.out().strip());
            assertTrue(m.matches(), r.toString());
            assertEquals(serverShortId(), m.group(1));
            assertEquals(served.get("bound"), m.group(2));
        }
    }

    @Test
    void pingCountPrintsEachPongAndASummary() throws Exception {
        SecretKey me = SecretKey.generate();
        CliRun r = CliRun.of("ping", served.get("ticket"), "--count", "3", "--interval", "0", "--bind", LOCAL,
                "--secret", Hex.encode(me.toBytes()));
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.outLines();
        assertEquals(4, lines.size(), r.toString());
        for (int i = 0; i < 3; i++) {
            assertTrue(PONG_LINE.matcher(lines.get(i)).matches(), lines.get(i));
        }
        assertTrue(Pattern.matches("--- 3 pings: 3 ok, 0 failed; handshake min/median/max [0-9./]+ ms; rtt min/median/max [0-9./]+ ms",
                lines.get(3)), lines.get(3));
        // the server logged each one, with our id
        Fixtures.awaitCondition("3 pings in serve's stderr", Duration.ofSeconds(10),
                () -> count(serve.stderr(), "ping from " + me.publicKey() + " at 127.0.0.1:") >= 3, serve::stderr);
    }

    @Test
    void pingOfAnotherIdAtTheAddressFails() {
        EndpointId other = SecretKey.generate().publicKey();
        CliRun r = CliRun.of("ping", other + "@" + served.get("bound"), "--bind", LOCAL, "--timeout", "3s");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("p2p-node ping: the endpoint at [" + served.get("bound") + "] is not "
                + other.fmtShort() + ": expected peer " + other + ", got " + SERVER_KEY.publicKey()), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void pingOfASilentAddressTimesOut() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            EndpointId id = SecretKey.generate().publicKey();
            CliRun r = CliRun.of("ping", id + "@127.0.0.1:" + silent.getLocalPort(), "--timeout", "700ms", "--bind", LOCAL);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().startsWith("p2p-node ping: no answer from " + id.fmtShort() + " at [127.0.0.1:"
                    + silent.getLocalPort() + "] within 700 ms"), r.toString());
        }
    }

    @Test
    void pingWithCountReportsPartialFailure() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            EndpointId id = SecretKey.generate().publicKey();
            CliRun r = CliRun.of("ping", id + "@127.0.0.1:" + silent.getLocalPort(), "-c", "2", "-i", "0",
                    "--timeout", "300ms", "--bind", LOCAL);
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("--- 2 pings: 0 ok, 2 failed", r.out().strip());
            assertEquals(2, count(r.err(), "p2p-node ping: no answer"), r.toString());
        }
    }

    @Test
    void badUsageExitsWith2() {
        CliRun garbage = CliRun.of("ping", "not-a-ticket");
        assertEquals(2, garbage.exitCode(), garbage.toString());
        assertTrue(garbage.err().contains("expected an endpoint… or node… ticket"), garbage.toString());
        assertEquals(2, CliRun.of("ping").exitCode());
        assertEquals(2, CliRun.of("ping", served.get("ticket"), "--timeout", "soon").exitCode());
        assertEquals(2, CliRun.of("speedtest", "connect", served.get("ticket"), "--bytes", "12parsecs").exitCode());
        assertEquals(2, CliRun.of("speedtest", "connect", served.get("ticket"), "--direction", "sideways").exitCode());
        assertEquals(2, CliRun.of("serve", "--bind", "localhost:1").exitCode());
    }

    @Test
    void startupFailuresAreOneLineNotAStackTrace() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String where = "127.0.0.1:" + taken.getLocalPort();
            for (String[] cmd : new String[][] {{"serve"}, {"speedtest", "accept"}}) {
                String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(cmd), java.util.stream.Stream.of("--bind", where))
                        .toArray(String[]::new);
                CliRun r = CliRun.of(args);
                assertEquals(1, r.exitCode(), r.toString());
                assertTrue(r.err().startsWith("p2p-node " + String.join(" ", cmd) + ": could not bind UDP socket to /" + where + ": ")
                        && r.err().strip().endsWith("Address already in use"), r.toString());
                assertEquals(1, r.err().strip().lines().count(), r.toString());
            }
        }
        CliRun badSecret = CliRun.of("ping", served.get("ticket"), "--secret", "12ab");
        assertEquals(2, badSecret.exitCode(), badSecret.toString());
        assertEquals("p2p-node ping: --secret / IROH_SECRET: secret key must be 64 hex or 52 base32 characters, got 4 characters",
                badSecret.err().strip());
    }

    @Test
    void speedtestBothWaysAgainstServe() throws Exception {
        SecretKey me = SecretKey.generate();
        CliRun r = CliRun.of("speedtest", "connect", served.get("ticket"), "--bytes", "3MiB", "--direction", "both",
                "--bind", LOCAL, "--secret", Hex.encode(me.toBytes()));
        assertEquals(0, r.exitCode(), r.toString());
        List<String> lines = r.outLines();
        assertEquals(3, lines.size(), r.toString());
        assertTrue(Pattern.matches("connected to " + serverShortId() + " at " + Pattern.quote(served.get("bound"))
                + ": handshake \\d+\\.\\d\\d ms", lines.get(0)), lines.get(0));
        assertTrue(Pattern.matches("upload: 3145728 bytes in \\d+\\.\\d{3} s = \\d+\\.\\d\\d MB/s", lines.get(1)), lines.get(1));
        assertTrue(Pattern.matches("download: 3145728 bytes in \\d+\\.\\d{3} s = \\d+\\.\\d\\d MB/s", lines.get(2)), lines.get(2));
        Fixtures.awaitCondition("both transfers in serve's stderr", Duration.ofSeconds(10),
                () -> serve.stderr().contains("speedtest upload from " + me.publicKey() + ": 3145728 bytes in ")
                && serve.stderr().contains("speedtest download to " + me.publicKey() + ": 3145728 bytes in "), serve::stderr);
    }

    @Test
    void speedtestForADuration() {
        // default direction: both, upload first
        CliRun r = CliRun.of("speedtest", "connect", served.get("addr"), "--duration", "400ms", "--bind", LOCAL);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(3, r.outLines().size(), r.toString());
        for (int i = 1; i <= 2; i++) {
            var m = Pattern.compile("(upload|download): (\\d+) bytes in (\\d+\\.\\d{3}) s = .*").matcher(r.outLines().get(i));
            assertTrue(m.matches(), r.toString());
            assertEquals(i == 1 ? "upload" : "download", m.group(1));
            assertTrue(Long.parseLong(m.group(2)) > 0 && Double.parseDouble(m.group(3)) >= 0.4, r.toString());
        }
    }

    @Test
    void speedtestAcceptServesOnlyTheSpeedtest() throws Exception {
        try (CliProcess accept = CliProcess.start("speedtest", "accept", "--bind", LOCAL)) {
            Map<String, String> a = accept.awaitAddressLines(START);
            assertEquals("/kafka-connect-iroh/speedtest/0", a.get("alpns"));
            CliRun up = CliRun.of("speedtest", "connect", a.get("ticket"), "--bytes", "1MB", "--bind", LOCAL);
            assertEquals(0, up.exitCode(), up.toString());
            String line = accept.nextLine(Duration.ofSeconds(10));
            assertTrue(Pattern.matches("upload from [0-9a-f]{64}: 1000000 bytes in \\d+\\.\\d{3} s = \\d+\\.\\d\\d MB/s", line), line);
            // no iroh-ping here: refused in the handshake, said plainly
            CliRun ping = CliRun.of("ping", a.get("ticket"), "--bind", LOCAL);
            assertEquals(1, ping.exitCode(), ping.toString());
            assertEquals("p2p-node ping: " + EndpointId.parse(a.get("endpoint id")).fmtShort() + " at [" + a.get("bound")
                    + "] does not serve iroh/ping/0 (it refused the protocol in the TLS handshake)", ping.err().strip());
            assertEquals(0, accept.stop(), accept.stderr());
        }
    }

    @Test
    void speedtestConnectFailuresSayWhy() throws Exception {
        CliRun alpn = CliRun.of("speedtest", "connect", served.get("ticket"), "--alpn", "no/such/proto", "--bind", LOCAL);
        assertEquals(1, alpn.exitCode(), alpn.toString());
        assertTrue(alpn.err().contains("does not serve no/such/proto"), alpn.toString());
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            CliRun none = CliRun.of("speedtest", "connect", SecretKey.generate().publicKey() + "@127.0.0.1:"
                    + silent.getLocalPort(), "--timeout", "500ms", "--bind", LOCAL);
            assertEquals(1, none.exitCode(), none.toString());
            assertTrue(none.err().contains("no answer from"), none.toString());
        }
    }

    @Test
    void serveKeepsItsIdentityInADataDirAndStopsOnSigtermAndSigint(@TempDir Path dir) throws Exception {
        String first;
        try (CliProcess p = CliProcess.start("serve", "--bind", LOCAL, "--data-dir", dir.toString())) {
            first = p.awaitAddressLines(START).get("endpoint id");
            assertEquals(0, p.stop(), p.stderr()); // SIGTERM
            assertTrue(p.stderr().contains("stopping (SIGTERM)") && p.stderr().strip().endsWith("stopped"), p.stderr());
            assertTrue(!p.stderr().contains("will not be reused"), p.stderr());
        }
        try (CliProcess p = CliProcess.start("serve", "--bind", LOCAL, "--data-dir", dir.toString())) {
            Map<String, String> again = p.awaitAddressLines(START);
            assertEquals(first, again.get("endpoint id"));
            CliRun r = CliRun.of("ping", again.get("ticket"), "--bind", LOCAL);
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(0, p.signal("INT"), p.stderr());
            assertTrue(p.stderr().contains("stopping (SIGINT): 1 pings answered"), p.stderr());
        }
    }

    // ------------------------------------------------------------------------------------------------

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
