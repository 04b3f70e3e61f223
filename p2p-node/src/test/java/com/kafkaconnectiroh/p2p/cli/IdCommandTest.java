package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdCommandTest {

    private static String runId(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "id";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun r = CliRun.of(all);
        assertEquals(0, r.exitCode(), r.toString());
        return r.out().trim();
    }

    @Test
    void dataDirKeepsTheIdentityAcrossRuns(@TempDir Path dir) {
        String first = runId("--data-dir", dir.resolve("node").toString());
        String second = runId("--data-dir", dir.resolve("node").toString());
        assertEquals(first, second);
        assertTrue(first.matches("[0-9a-f]{64}"), first);
        assertTrue(Files.exists(dir.resolve("node").resolve("secret_key")));
    }

    @Test
    void explicitSecretGivesItsPublicKey() {
        SecretKey key = SecretKey.generate();
        String hex = com.kafkaconnectiroh.p2p.base.Hex.encode(key.toBytes());
        assertEquals(key.publicKey().toString(), runId("--secret", hex));
    }

    @Test
    void withoutIdentityEachRunIsNew() {
        // IROH_SECRET may be set in a developer's shell; an explicit empty --secret overrides it.
        assertNotEquals(runId("--secret", ""), runId("--secret", ""));
    }

    @Test
    void malformedSecretFailsWithUsageCode() {
        CliRun r = CliRun.of("id", "--secret", "nothex");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("p2p-node id: --secret / IROH_SECRET: "), r.toString());
        assertTrue(!r.err().contains("\tat "), "one line, no stack trace: " + r);
    }

    @Test
    void corruptKeyFileFailsInOneLineAndIsKept(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("secret_key"), "garbage\n");
        CliRun r = CliRun.of("id", "--data-dir", dir.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("p2p-node id: malformed secret key file "), r.toString());
        assertTrue(!r.err().contains("\tat "), "one line, no stack trace: " + r);
        assertEquals("garbage\n", Files.readString(dir.resolve("secret_key")));
    }

    @Test
    void dataDirThatIsAFileFailsInOneLine(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "mine");
        CliRun r = CliRun.of("id", "--data-dir", file.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("p2p-node id: data directory "), r.toString());
        assertEquals("mine", Files.readString(file));
    }
}
