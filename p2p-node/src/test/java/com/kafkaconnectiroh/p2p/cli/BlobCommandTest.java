package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code p2p-node blob send} and {@code blob get} as a user runs them (the sender in its own JVM, stopped by
 * SIGTERM), against each other and against a real iroh 0.35 node in the sendme-style flow.
 */
@Tag("iroh-interop")
class BlobCommandTest {
    @TempDir
    Path tmp;

    private ChildJvm send(Path what, String... extra) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("blob", "send", what.toString(), "--bind", "127.0.0.1:0"));
        args.addAll(List.of(extra));
        return ChildJvm.start(Main.class, tmp.resolve("send.log"), args.toArray(String[]::new));
    }

    @Test
    void sendAndGetAFileBetweenJavaAndIroh() throws Exception {
        byte[] data = Pattern.bytes(11, 3_000_001);
        Path file = tmp.resolve("report.pdf");
        Files.write(file, data);
        try (ChildJvm sender = send(file, "--data-dir", tmp.resolve("sender").toString());
                IrohPeer iroh = IrohPeer.start(IrohVersion.V035)) {
            String line = sender.await(l -> l.startsWith("blob"), Duration.ofSeconds(60));
            assertNotNull(line, "no ticket; stdout " + sender.seen() + ", log " + Files.readString(tmp.resolve("send.log")));
            BlobTicket ticket = BlobTicket.parse(line);
            assertEquals(Hash.of(data), ticket.hash());
            assertEquals(BlobFormat.RAW, ticket.format());
            assertEquals(List.of(line), sender.seen(), "exactly one line on stdout");

            // iroh 0.35 fetches from the CLI's ticket.
            JsonNode got = iroh.call("blob-download", IrohPeer.params("ticket", line, "timeoutMs", 120_000), Duration.ofMinutes(2));
            assertTrue(got.get("complete").asBoolean(), got.toString());
            assertEquals(Pattern.sha256Hex(11, data.length),
                    iroh.call("blob-read", "hash", ticket.hash().toHex()).get("sha256").asText());

            // blob get writes the file atomically and says what it did.
            Path out = tmp.resolve("got/report.pdf");
            StderrRun r = StderrRun.of("blob", "get", line, "-o", out.toString());
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(data, Files.readAllBytes(out));
            assertTrue(r.err().contains("verified 2.9 MiB"), r.err());
            try (var files = Files.list(out.getParent())) {
                assertEquals(List.of(out), files.toList(), "no temporary files left");
            }

            // SIGTERM stops the sender.
            sender.process.destroy();
            assertTrue(sender.process.waitFor(30, TimeUnit.SECONDS));
            StderrRun gone = StderrRun.of("blob", "get", line, "-o", tmp.resolve("never").toString());
            assertEquals(1, gone.exit());
            assertTrue(gone.err().contains("download failed"), gone.err());
            assertFalse(Files.exists(tmp.resolve("never")));
        }
        // --data-dir kept the blob and the identity: a new sender serves it at once under the same id.
        try (ChildJvm again = send(file, "--data-dir", tmp.resolve("sender").toString())) {
            String line = again.await(l -> l.startsWith("blob"), Duration.ofSeconds(60));
            assertNotNull(line);
            assertEquals(Hash.of(data), BlobTicket.parse(line).hash());
            assertTrue(Files.exists(tmp.resolve("sender/blobs/blobs/" + Hash.of(data).toHex() + ".done")));
            again.process.destroy();
        }
    }

    @Test
    void getFetchesWhatIrohSharesAndFoldersTravelAsCollections() throws Exception {
        try (IrohPeer iroh = IrohPeer.start(IrohVersion.V035)) {
            JsonNode added = iroh.call("blob-add", IrohPeer.params("pattern", Pattern.json(5, 70_000)));
            String ticket = iroh.call("blob-ticket", "hash", added.get("hash").asText(), "format", "raw").get("ticket").asText();
            StderrRun r = StderrRun.of("blob", "get", ticket, "-o", tmp.resolve("from-iroh.bin").toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals(Pattern.sha256Hex(5, 70_000), Pattern.sha256Hex(Files.readAllBytes(tmp.resolve("from-iroh.bin"))));

            // iroh's collection → a folder.
            ArrayNode files = JsonNodeFactory.instance.arrayNode();
            ObjectNode f = files.addObject();
            f.put("name", "docs/a.txt");
            f.set("pattern", Pattern.json(1, 100));
            JsonNode col = iroh.call("collection-add", IrohPeer.params("files", files));
            r = StderrRun.of("blob", "get", col.get("ticket").asText(), "-o", tmp.resolve("iroh-folder").toString());
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(Pattern.bytes(1, 100), Files.readAllBytes(tmp.resolve("iroh-folder/docs/a.txt")));

            // Our folder → iroh.
            Path dir = Files.createDirectories(tmp.resolve("folder/sub"));
            Files.write(dir.resolve("x.bin"), Pattern.bytes(2, 20_000));
            Files.write(tmp.resolve("folder/y.txt"), Pattern.bytes(3, 5));
            try (ChildJvm sender = send(tmp.resolve("folder"))) {
                String line = sender.await(l -> l.startsWith("blob"), Duration.ofSeconds(60));
                assertNotNull(line, "no ticket: " + Files.readString(tmp.resolve("send.log")));
                assertEquals(BlobFormat.HASH_SEQ, BlobTicket.parse(line).format());
                JsonNode got = iroh.call("blob-download", IrohPeer.params("ticket", line, "timeoutMs", 60_000));
                assertTrue(got.get("complete").asBoolean(), got.toString());
                Path dest = tmp.resolve("iroh-export");
                iroh.call("blob-export", "hash", BlobTicket.parse(line).hash().toHex(), "path", dest.toString(),
                        "format", "collection");
                assertArrayEquals(Pattern.bytes(2, 20_000), Files.readAllBytes(dest.resolve("sub/x.bin")));
                assertArrayEquals(Pattern.bytes(3, 5), Files.readAllBytes(dest.resolve("y.txt")));
                sender.process.destroy();
            }
        }
    }

    @Test
    void badInputGetsUsageErrors() {
        StderrRun r = StderrRun.of("blob", "get", "nodeabc");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("expected a ticket starting with 'blob'"), r.err());
        r = StderrRun.of("blob", "send", tmp.resolve("missing").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("does not exist"), r.err());
        r = StderrRun.of("blob");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("send"), r.err());
    }
}
