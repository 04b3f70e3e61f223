package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.Fixtures;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.crypto.Blake3;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1 GiB through {@code bin/p2p-node blob send} and {@code blob get}, each JVM capped at {@code -Xmx256m}
 * ({@code P2P_NODE_JAVA_OPTS}), with and without {@code --data-dir}: nothing holds a blob in memory, so both
 * succeed, and what arrives has the sender's BLAKE3 hash. (Before, a 512 MiB blob took 2.8 GB of RSS and anything
 * above the heap died of OutOfMemoryError.) The data is a pattern made on the fly, the files are deleted after.
 * Runs in the integration-test phase, after {@code package}; {@code -Dgroups=memory} runs just this.
 */
@Tag("memory")
@Timeout(300)
class BlobMemoryIT {
    static final long SIZE = 1L << 30;
    static final String HEAP = "-Xmx256m";

    @TempDir
    static Path tmp;
    static Path input;
    static Hash expected;

    @BeforeAll
    static void makeInput() throws IOException {
        input = tmp.resolve("in.bin");
        byte[] block = new byte[1 << 20];
        new Random(18).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(input)) {
            for (int i = 0; i < SIZE / block.length; i++) {
                block[0] = (byte) i; // every MiB differs, so a misplaced one is caught
                block[1] = (byte) (i >> 8);
                out.write(block);
            }
        }
        expected = Hash.fromBytes(Blake3.hashFile(input));
    }

    @AfterAll
    static void deleteInput() throws IOException {
        Files.deleteIfExists(input);
    }

    @Test
    void aGibibyteInPlaceAndIntoATemporaryStore() throws Exception {
        transfer(List.of(), List.of());
    }

    @Test
    void aGibibyteIntoDataDirsOnBothSides() throws Exception {
        transfer(List.of("--data-dir", tmp.resolve("send-data").toString()),
                List.of("--data-dir", tmp.resolve("get-data").toString()));
    }

    private void transfer(List<String> sendOptions, List<String> getOptions) throws Exception {
        Path out = tmp.resolve("out.bin");
        List<String> send = new ArrayList<>(List.of("blob", "send", input.toString(), "--bind", "127.0.0.1:0"));
        send.addAll(sendOptions);
        Process sender = p2pNode(send, ProcessBuilder.Redirect.PIPE, tmp.resolve("send.log"));
        try {
            long start = System.nanoTime();
            String ticket = new BufferedReader(new InputStreamReader(sender.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            assertNotNull(ticket, "no ticket: " + Files.readString(tmp.resolve("send.log")));
            assertEquals(expected, BlobTicket.parse(ticket).hash(), "the sender hashed what is in the file");
            long sent = System.nanoTime();

            List<String> get = new ArrayList<>(List.of("blob", "get", ticket, "-o", out.toString(), "--bind",
                    "127.0.0.1:0"));
            get.addAll(getOptions);
            Process getter = p2pNode(get, ProcessBuilder.Redirect.DISCARD, tmp.resolve("get.log"));
            long peak = peakRss(getter);
            assertTrue(getter.waitFor(240, TimeUnit.SECONDS), "get finished");
            assertEquals(0, getter.exitValue(), Files.readString(tmp.resolve("get.log")));
            assertEquals(-1, Files.mismatch(input, out), "the output is the input, so it has the ticket's BLAKE3");
            System.out.printf(Locale.ROOT, "BlobMemoryIT %s: send ready in %.1f s, get in %.1f s, get peak RSS %d MiB%n",
                    sendOptions.isEmpty() ? "in place" : "data dirs", (sent - start) / 1e9,
                    (System.nanoTime() - sent) / 1e9, peak >> 20);
        } finally {
            sender.destroy();
            sender.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(out);
            Fixtures.deleteTree(tmp.resolve("send-data"));
            Fixtures.deleteTree(tmp.resolve("get-data"));
        }
    }

    private static Process p2pNode(List<String> args, ProcessBuilder.Redirect stdout, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(DemoScriptIT.home().resolve("bin/p2p-node").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(stdout).redirectError(log.toFile());
        pb.environment().put("P2P_NODE_JAVA_OPTS", HEAP);
        pb.environment().put("TMPDIR", tmp.toString());
        return pb.start();
    }

    /** The highest resident set the process reached (VmHWM), read until it exits; for the report only. */
    private static long peakRss(Process p) throws InterruptedException {
        long peak = 0;
        Path status = Path.of("/proc/" + p.pid() + "/status");
        while (p.isAlive()) {
            try {
                for (String l : Files.readAllLines(status)) {
                    if (l.startsWith("VmHWM:")) {
                        peak = Math.max(peak, Long.parseLong(l.replaceAll("[^0-9]", "")) << 10);
                    }
                }
            } catch (IOException | NumberFormatException gone) {
                // exited meanwhile
            }
            Thread.sleep(200);
        }
        return peak;
    }
}
