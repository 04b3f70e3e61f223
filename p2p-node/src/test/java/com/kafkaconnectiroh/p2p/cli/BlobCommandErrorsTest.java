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
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code p2p-node blob} failures a user meets: one clear line and exit 1, never a stack trace. */
class BlobCommandErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void sendingAFileThatCannotBeReadSaysSo() {
        Path unreadable = Path.of("/proc/self/mem"); // exists, reads fail with EIO
        assertTrue(Files.exists(unreadable), "a Linux /proc is needed: " + unreadable);
        StderrRun r = StderrRun.of("blob", "send", unreadable.toString(), "--bind", "127.0.0.1:0");
        String err = r.err();
        assertEquals(1, r.exit(), err);
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
                StderrRun r = StderrRun.of("blob", "get", ticket, "-o", file.resolve("under-a-file").toString(),
                        "--bind", "127.0.0.1:0");
                String err = r.err();
                // Refused before downloading (bad usage), saying why; it used to say only the path, and only after.
                assertEquals(2, r.exit(), err);
                assertTrue(err.contains(file.toAbsolutePath() + " is a file, not a folder"), err);
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
        StderrRun r = StderrRun.of("blob", "get", raw, "-o", tmp.toString(), "--bind", "127.0.0.1:0");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("-o " + tmp + " is a folder"), r.err());
        Path file = Files.write(tmp.resolve("file"), new byte[] {9});
        r = StderrRun.of("blob", "get", seq, "-o", file.toString(), "--bind", "127.0.0.1:0");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("-o " + file + " is a file"), r.err());
    }
}
