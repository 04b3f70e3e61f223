package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.blobs.ChildJvm;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code blob send DIR} sends the regular files in DIR and nothing else, whatever else DIR holds. */
class BlobSendFolderTest {
    @TempDir
    Path tmp;

    @Test
    void onlyTheFolderRegularFilesAreSentAndEverythingElseIsNamedOnStderr() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "the password file\n");
        Path dir = Files.createDirectories(tmp.resolve("DIR"));
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(tmp.resolve("DIR/a.txt"), "a");
        Files.writeString(tmp.resolve("DIR/sub/b.txt"), "b");
        Files.createSymbolicLink(tmp.resolve("DIR/p"), secret);             // leaves the folder: the issue's /etc/passwd
        Files.createSymbolicLink(tmp.resolve("DIR/alias"), Path.of("a.txt")); // stays inside
        Files.createSymbolicLink(tmp.resolve("DIR/up"), tmp);                // a folder outside
        Files.createSymbolicLink(tmp.resolve("DIR/loop"), Path.of("."));     // a folder inside, a loop
        BlobSource.mkfifo(tmp.resolve("DIR/fifo"));                          // reading it would block
        try (ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            sock.bind(UnixDomainSocketAddress.of(tmp.resolve("DIR/sock")));
            Path log = tmp.resolve("send.log");
            try (ChildJvm sender = ChildJvm.start(Main.class, log, "blob", "send", tmp.resolve("DIR").toString(),
                    "--bind", "127.0.0.1:0")) {
                String ticket = sender.await(l -> l.startsWith("blob"), Duration.ofSeconds(60));
                assertNotNull(ticket, "no ticket: " + Files.readString(log));
                StderrRun r = StderrRun.of("blob", "get", ticket, "-o", tmp.resolve("got").toString(), "--bind",
                        "127.0.0.1:0");
                assertEquals(0, r.exit(), r.err());
                try (Stream<Path> got = Files.walk(tmp.resolve("got"))) {
                    assertEquals(List.of("a.txt", "sub/b.txt"), got.filter(Files::isRegularFile)
                            .map(f -> tmp.resolve("got").relativize(f).toString()).sorted().toList());
                }
                sender.process.destroy();
                assertTrue(sender.process.waitFor(30, TimeUnit.SECONDS));
                String err = Files.readString(log);
                assertTrue(err.contains("skipping " + dir.resolve("p") + ": a symbolic link to " + secret
                        + ", outside " + dir.toRealPath() + "; links are not followed"), err);
                assertTrue(err.contains("skipping " + dir.resolve("alias") + ": a symbolic link to a.txt;"), err);
                assertTrue(err.contains("skipping " + dir.resolve("up") + ": a symbolic link"), err);
                assertTrue(err.contains("skipping " + dir.resolve("loop") + ": a symbolic link"), err);
                assertTrue(err.contains("skipping " + dir.resolve("fifo") + ": a FIFO; only regular files"), err);
                assertTrue(err.contains("skipping " + dir.resolve("sock") + ": a socket; only regular files"), err);
                assertTrue(err.contains("(collection, 2 B)"), err);
            }
        }
    }

    @Test
    void aFolderHoldingTheDataDirIsRefusedSoTheKeyIsNeverSent() throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "n");
        StderrRun r = BlobSource.child(tmp, 30, "blob", "send", ".", "--data-dir", "node", "--bind", "127.0.0.1:0");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("p2p-node blob send: . holds --data-dir node (this node's secret key and store)"),
                r.err());
        assertTrue(Files.notExists(tmp.resolve("node/secret_key")), "refused before the key was made");
    }
}
