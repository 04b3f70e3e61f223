package com.kafkaconnectiroh.p2p.cli;

import static com.kafkaconnectiroh.p2p.Fixtures.randomBytes;
import static com.kafkaconnectiroh.p2p.Fixtures.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.docs.Doc;
import com.kafkaconnectiroh.p2p.docs.DocEvent;
import com.kafkaconnectiroh.p2p.docs.DocSubscription;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code p2p-node doc …} as scripts run it: outputs, exit codes and one-line errors; share/join/watch across processes. */
@Timeout(240)
class DocCommandTest {
    static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;

    /** {@code doc get} writes raw bytes to stdout; capture them. */
    static byte[] getRaw(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r.toString());
        return r.outBytes();
    }

    @Test
    void createSetGetListDelOnADataDir() throws Exception {
        String dir = tmp.resolve("node").toString();
        CliRun created = CliRun.of("doc", "create", "--data-dir", dir);
        assertEquals(0, created.exitCode(), created.toString());
        String doc = created.out().strip();
        assertEquals(doc, NamespaceId.parse(doc).toString(), "stdout is the id alone");

        assertEquals(0, CliRun.of("doc", "set", "--data-dir", dir, doc, "b/one", "first value").exitCode());
        assertEquals(0, CliRun.of("doc", "set", "--data-dir", dir, doc, "a", "x").exitCode());
        CliRun set = CliRun.of("doc", "set", "--data-dir", dir, doc, "a", "replaced");
        assertEquals("", set.out());
        byte[] big = randomBytes(3, 5000);
        Files.write(tmp.resolve("big.bin"), big);
        assertEquals(0, CliRun.of("doc", "set", "--data-dir", dir, doc, "b/big", "--file", tmp.resolve("big.bin").toString()).exitCode());
        assertEquals(0, CliRun.of("doc", "set", "--data-dir", dir, doc, "c", "two\nlines").exitCode());

        CliRun list = CliRun.of("doc", "list", "--data-dir", dir, doc);
        assertEquals(List.of("a\treplaced", "b/big\t<blob " + Hash.of(big).toHex() + " 5000>", "b/one\tfirst value",
                "c\t<blob " + Hash.of(utf8("two\nlines")).toHex() + " 9>"), list.outLines());
        assertEquals(List.of("b/big\t<blob " + Hash.of(big).toHex() + " 5000>", "b/one\tfirst value"),
                CliRun.of("doc", "list", "--data-dir", dir, doc, "--prefix", "b/").outLines());

        assertEquals("replaced", new String(getRaw("doc", "get", "--data-dir", dir, doc, "a"), StandardCharsets.UTF_8));
        assertEquals(Hex.encode(big), Hex.encode(getRaw("doc", "get", "--data-dir", dir, doc, "b/big")));

        CliRun del = CliRun.of("doc", "del", "--data-dir", dir, doc, "b/");
        assertEquals(0, del.exitCode());
        assertEquals("2", del.out().strip());
        assertEquals(List.of("a\treplaced", "c\t<blob " + Hash.of(utf8("two\nlines")).toHex() + " 9>"),
                CliRun.of("doc", "list", "--data-dir", dir, doc).outLines());

        // keys that are not printable text are shown in hex
        try (Node n = Node.builder().dataDir(Path.of(dir)).spawn()) {
            Doc d = n.docs().open(NamespaceId.parse(doc)).orElseThrow();
            d.set(new byte[] {0, 1, (byte) 0xff}, utf8("binary key"));
            d.set(utf8("tab\there"), utf8("v"));
        }
        List<String> lines = CliRun.of("doc", "list", "--data-dir", dir, doc).outLines();
        assertEquals("<key 0001ff>\tbinary key", lines.get(0));
        assertTrue(lines.contains("<key " + Hex.encode(utf8("tab\there")) + ">\tv"), lines.toString());
    }

    @Test
    void mistakesGetOneLineAndTheRightExitCode() {
        String dir = tmp.resolve("node").toString();
        String doc = CliRun.of("doc", "create", "--data-dir", dir).out().strip();
        String other = "ab".repeat(32);
        assertError(2, "doc get", CliRun.of("doc", "get", "--data-dir", dir, "nothex", "k"));
        assertError(1, "doc get", CliRun.of("doc", "get", "--data-dir", dir, other, "k"));
        assertError(1, "doc get", CliRun.of("doc", "get", "--data-dir", dir, doc, "missing"));
        assertError(2, "doc set", CliRun.of("doc", "set", "--data-dir", dir, doc, "k"));
        assertError(2, "doc set", CliRun.of("doc", "set", "--data-dir", dir, doc, "k", "v", "--file", "/etc/hostname"));
        assertError(2, "doc set", CliRun.of("doc", "set", "--data-dir", dir, doc, "k", "--file", tmp.resolve("nope").toString()));
        assertError(1, "doc set", CliRun.of("doc", "set", "--data-dir", dir, doc, "k", ""));
        assertError(2, "doc share", CliRun.of("doc", "share", "--data-dir", dir, doc, "admin"));
        assertError(2, "doc join", CliRun.of("doc", "join", "--data-dir", dir, "docnotaticket"));
        assertEquals(2, CliRun.of("doc", "list", "--data-dir", dir).exitCode(), "DOC missing");
        assertEquals(2, CliRun.of("doc").exitCode());
    }

    static void assertError(int code, String command, CliRun r) {
        assertEquals(code, r.exitCode(), r.toString());
        // log lines (a new key's INFO, the JVM's incubator WARNING) are not the command's report
        List<String> errLines = r.err().lines().filter(l -> !l.contains("INFO ") && !l.startsWith("WARNING")).toList();
        assertEquals(1, errLines.size(), r.toString());
        assertTrue(errLines.get(0).startsWith("p2p-node " + command + ": "), r.toString());
        assertEquals("", r.out());
    }

    @Test
    void shareJoinAndWatchAcrossProcesses() throws Exception {
        String a = tmp.resolve("a").toString();
        String b = tmp.resolve("b").toString();
        String doc = CliRun.of("doc", "create", "--data-dir", a).out().strip();
        for (int i = 0; i < 50; i++) {
            assertEquals(0, CliRun.of("doc", "set", "--data-dir", a, doc, "k" + i, "v" + i).exitCode());
        }
        try (CliProcess share = CliProcess.start("doc", "share", "--data-dir", a, "--bind", "127.0.0.1:0", doc, "write")) {
            String ticketLine = share.nextLine(WAIT);
            DocTicket ticket = DocTicket.parse(ticketLine);
            assertEquals(doc, ticket.namespace().toString());
            assertTrue(ticket.capability().canWrite());

            CliRun joined = CliRun.of("doc", "join", "--data-dir", b, "--bind", "127.0.0.1:0", ticketLine);
            assertEquals(0, joined.exitCode(), joined.toString());
            assertEquals(doc, joined.out().strip());
            List<String> listed = CliRun.of("doc", "list", "--data-dir", b, doc).outLines();
            assertEquals(50, listed.size());
            assertTrue(listed.contains("k7\tv7"), listed.toString());

            try (CliProcess watch = CliProcess.start("doc", "watch", "--data-dir", b, "--bind", "127.0.0.1:0", doc);
                    Node writer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
                // a third node joins through the ticket and writes; the watcher sees it arrive with its content
                Doc w = writer.docs().join(ticket);
                try (DocSubscription ev = w.subscribe()) {
                    DocEvent e;
                    do {
                        e = ev.next(WAIT);
                    } while (e != null && !(e instanceof DocEvent.SyncFinished s && s.ok()));
                }
                var entry = w.set(utf8("news"), utf8("fresh"));
                String insert = awaitLine(watch, "insert-remote\tnews\t");
                assertEquals(List.of("insert-remote", "news", entry.author().toString(), entry.contentHash().toHex(), "5"),
                        List.of(insert.split("\t")).subList(0, 5));
                assertEquals("content-ready\t" + entry.contentHash().toHex(), awaitLine(watch, "content-ready\t"));
                assertEquals(0, watch.stop(), watch.stderr());
            }
            assertEquals(0, share.stop(), share.stderr());
        }
        assertEquals("fresh", CliRun.of("doc", "list", "--data-dir", b, doc, "--prefix", "news").out().strip().split("\t")[1]);
    }

    static String awaitLine(CliProcess p, String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String l = p.nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        throw new AssertionError("no line starting with " + prefix.replace("\t", "\\t") + "; stderr:\n" + p.stderr());
    }

    @Test
    void joinGivesUpWithOneLineWhenNoPeerAnswers() throws Exception {
        String a = tmp.resolve("a").toString();
        String doc = CliRun.of("doc", "create", "--data-dir", a).out().strip();
        String ticket;
        try (Node n = Node.builder().dataDir(Path.of(a)).bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            ticket = n.docs().open(NamespaceId.parse(doc)).orElseThrow().share(false).toString();
        }
        // the sharing node is gone: nobody answers at the ticket's address
        CliRun r = CliRun.of("doc", "join", "--data-dir", tmp.resolve("b").toString(), "--bind", "127.0.0.1:0",
                "--timeout", "20s", ticket);
        assertError(1, "doc join", r);
    }
}
