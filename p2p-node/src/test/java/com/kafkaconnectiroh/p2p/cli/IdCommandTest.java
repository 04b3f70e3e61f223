package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdCommandTest {

    private static String runId(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            String[] all = new String[args.length + 1];
            all[0] = "id";
            System.arraycopy(args, 0, all, 1, args.length);
            assertEquals(0, Main.run(all));
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8).trim();
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
        assertTrue(Main.run("id", "--secret", "nothex") != 0);
    }
}
