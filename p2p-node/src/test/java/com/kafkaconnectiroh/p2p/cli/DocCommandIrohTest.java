package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code doc} commands with a real iroh-docs 0.35 node on the other side: join its ticket, share to it. */
@Tag("iroh-interop")
@Timeout(240)
class DocCommandIrohTest {
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    @Test
    void joinAnIrohTicketAndListWhatItHolds() throws Exception {
        try (IrohPeer iroh = IrohPeer.start(IrohVersion.V035, PeerOption.docs(), PeerOption.name("docs-cli-iroh-share"))) {
            String doc = iroh.call("doc-create").path("doc").asText();
            iroh.call("doc-set-many", "doc", doc, "count", 20, "prefix", "k", "valuePrefix", "v");
            iroh.call("doc-set", "doc", doc, "key", "multi", "hex", Hex.encode("a\nb".getBytes(StandardCharsets.UTF_8)));
            String ticket = iroh.call("doc-share", "doc", doc, "mode", "read").path("ticket").asText();
            String dir = tmp.resolve("java").toString();
            CliRun joined = CliRun.of("doc", "join", "--data-dir", dir, "--bind", "127.0.0.1:0", ticket);
            assertEquals(0, joined.exitCode(), joined.toString());
            assertEquals(doc, joined.out().strip());
            List<String> lines = CliRun.of("doc", "list", "--data-dir", dir, doc).outLines();
            assertEquals(21, lines.size(), lines.toString());
            assertEquals("k0000000\tv0", lines.get(0));
            assertTrue(lines.get(20).startsWith("multi\t<blob "), lines.get(20));
            CliRun readOnly = CliRun.of("doc", "set", "--data-dir", dir, doc, "k", "v");
            assertEquals(1, readOnly.exitCode());
            assertTrue(readOnly.err().contains("p2p-node doc set: document is read-only here"), readOnly.err());
        }
    }

    @Test
    void shareToIroh() throws Exception {
        String dir = tmp.resolve("java").toString();
        String doc = CliRun.of("doc", "create", "--data-dir", dir).out().strip();
        for (int i = 0; i < 10; i++) {
            assertEquals(0, CliRun.of("doc", "set", "--data-dir", dir, doc, "key" + i, "value" + i).exitCode());
        }
        try (CliProcess share = CliProcess.start("doc", "share", "--data-dir", dir, "--bind", "127.0.0.1:0", doc, "write");
                IrohPeer iroh = IrohPeer.start(IrohVersion.V035, PeerOption.docs(), PeerOption.name("docs-cli-iroh-join"))) {
            String ticket = share.nextLine(WAIT);
            JsonNode r = iroh.call("doc-import", IrohPeer.params("ticket", ticket, "count", 10, "content", true,
                    "timeoutMs", WAIT.toMillis()), WAIT.plusSeconds(10));
            assertEquals(10, r.path("complete").asInt());
            assertEquals(Hex.encode("value7".getBytes(StandardCharsets.UTF_8)),
                    iroh.call("doc-get", "doc", doc, "key", "key7").path("contentHex").asText());
            assertEquals(0, share.stop(), share.stderr());
        }
    }
}
