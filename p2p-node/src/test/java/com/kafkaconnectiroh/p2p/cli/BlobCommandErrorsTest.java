package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code p2p-node blob} failures a user meets: one clear line and exit 1, never a stack trace. */
class BlobCommandErrorsTest {
    @TempDir
    Path tmp;

    /** Runs the CLI in this JVM; returns exit code and stderr. */
    private static Object[] run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.run(args);
        } finally {
            System.setErr(old);
        }
        return new Object[] {code, err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void sendingAFileThatCannotBeReadSaysSo() {
        Path unreadable = Path.of("/proc/self/mem"); // exists, reads fail with EIO
        Assumptions.assumeTrue(Files.exists(unreadable));
        Object[] r = run("blob", "send", unreadable.toString(), "--bind", "127.0.0.1:0");
        String err = (String) r[1];
        assertEquals(1, r[0], err);
        assertTrue(err.contains("p2p-node: cannot add /proc/self/mem: "), err);
        assertFalse(err.contains("\tat "), err);
    }

    @Test
    void writingWhereNoFileCanBeSaysWhyInWords() throws Exception {
        try (Endpoint provider = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind();
                MemBlobStore store = new MemBlobStore()) {
            Blobs blobs = new Blobs(provider, store);
            Router router = Router.builder(provider).accept(Blobs.ALPN, blobs.provider()).spawn();
            try {
                String ticket = blobs.ticket(blobs.add(new byte[] {1, 2, 3}).content()).toString();
                Path file = Files.write(tmp.resolve("file"), new byte[] {9});
                Object[] r = run("blob", "get", ticket, "-o", file.resolve("under-a-file").toString(),
                        "--bind", "127.0.0.1:0");
                String err = (String) r[1];
                assertEquals(1, r[0], err);
                // It said only the path before: "could not write it out: <tmp>/file".
                assertTrue(err.contains("could not write it out: " + file.toAbsolutePath() + ": "), err);
                assertFalse(err.contains("could not write it out: " + file.toAbsolutePath() + "\n"), err);
            } finally {
                router.close();
            }
        }
    }

    @Test
    void anOutputPathThatCannotTakeTheDownloadIsRefusedBeforeDownloading() throws Exception {
        // The provider does not exist: a download would fail only after the connect timeout, with exit 1.
        EndpointAddr nobody = EndpointAddr.of(SecretKey.generate().publicKey(), null,
                List.of(SocketAddrs.parse("127.0.0.1:9")));
        Hash h = Hash.of(new byte[] {7});
        String raw = new BlobTicket(nobody, HashAndFormat.raw(h)).toString();
        String seq = new BlobTicket(nobody, new HashAndFormat(h, BlobFormat.HASH_SEQ)).toString();
        Object[] r = run("blob", "get", raw, "-o", tmp.toString(), "--bind", "127.0.0.1:0");
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("-o " + tmp + " is a folder"), (String) r[1]);
        Path file = Files.write(tmp.resolve("file"), new byte[] {9});
        r = run("blob", "get", seq, "-o", file.toString(), "--bind", "127.0.0.1:0");
        assertEquals(2, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("-o " + file + " is a file"), (String) r[1]);
    }
}
