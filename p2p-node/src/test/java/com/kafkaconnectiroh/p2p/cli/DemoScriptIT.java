package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's first command, as shipped: {@code p2p-node/bin/demo} runs {@code bin/p2p-node} on the packaged
 * {@code -cli} jar (serve, ping by ticket, speedtest both ways, SIGTERM; blob send/get; gossip subscribe/publish).
 * Runs in the integration-test phase,
 * after {@code package}.
 */
@Timeout(180)
class DemoScriptIT {

    static Path home() {
        return Path.of(System.getProperty("p2p.node.home", ".")).toAbsolutePath();
    }

    static String run(int expectedExit, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("p2p-node-it", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(home().toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "finished in time");
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(expectedExit, p.exitValue(), out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Test
    void demoServesPingsSpeedtestsSendsABlobAndGossips() throws Exception {
        String out = run(0, "bin/demo", "--bytes", "4MiB", "--warmup", "0");
        assertTrue(!out.contains("== building"), "the packaged jar is used, not rebuilt:\n" + out);
        assertTrue(Pattern.compile("^   ticket: endpoint[a-z2-7]+$", Pattern.MULTILINE).matcher(out).find(), out);
        assertEquals(3, Pattern.compile("^PONG from [0-9a-f]{10} at 127\\.0\\.0\\.1:\\d+: handshake", Pattern.MULTILINE)
                .matcher(out).results().count(), out);
        assertTrue(out.contains("--- 3 pings: 3 ok, 0 failed"), out);
        assertTrue(out.contains("\nupload: 4194304 bytes in ") && out.contains("\ndownload: 4194304 bytes in "), out);
        assertTrue(out.contains("stopping (SIGTERM): 3 pings answered") && out.contains("   stopped\n"), out);
        assertTrue(Pattern.compile("^   blob[a-z2-7]+$", Pattern.MULTILINE).matcher(out).find(), out);
        assertTrue(Pattern.compile("^p2p-node: verified 2\\.9 MiB \\(1 blob, ", Pattern.MULTILINE).matcher(out).find(), out);
        assertTrue(out.contains("   received.bin is identical to photo.bin\n"), out);
        assertTrue(out.contains("p2p-node: published 1 message(s) to topic "), out);
        assertTrue(out.contains("   the subscriber printed: hello, gossip\n"), out);
        assertTrue(out.strip().endsWith("== demo done"), out);
    }

    @Test
    void launcherReportsUsageAndFailures() throws Exception {
        assertTrue(run(0, "bin/p2p-node", "--version").contains("p2p-node "));
        assertTrue(run(0, "bin/p2p-node", "--help").contains("serve"));
        String bad = run(2, "bin/p2p-node", "ping", "nonsense");
        assertTrue(bad.contains("expected an endpoint… or node… ticket"), bad);
        String none = run(1, "bin/p2p-node", "ping", "--timeout", "300ms",
                com.kafkaconnectiroh.p2p.base.SecretKey.generate().publicKey() + "@127.0.0.1:9");
        assertTrue(none.contains("p2p-node ping: "), none);
    }
}
