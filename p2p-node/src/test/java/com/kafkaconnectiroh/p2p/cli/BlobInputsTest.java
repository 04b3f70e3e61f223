package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code blob send} and the data-dir option refuse at once, each in a small JVM of its own ({@code -Xmx64m}):
 * input that would block, never end or not fit, and empty paths that would silently mean the current folder.
 */
class BlobInputsTest {
    @TempDir
    Path tmp;

    @Test
    void sendRefusesWhatIsNeitherAFileNorAFolderAtOnce() throws Exception {
        Path fifo = BlobSource.mkfifo(tmp.resolve("fifo")); // blocked forever, silently
        StderrRun r = BlobSource.child(tmp, 30, "blob", "send", fifo.toString(), "--bind", "127.0.0.1:0");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("p2p-node blob send: " + fifo + " is a FIFO; only regular files and folders can be"
                + " sent"), r.err());
        r = BlobSource.child(tmp, 30, "blob", "send", "/dev/zero", "--bind", "127.0.0.1:0"); // grew without end
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("/dev/zero is a character device"), r.err());
    }

    @Test
    void aFileWhoseOutboardWouldNotFitTheHeapIsRefusedBeforeHashing() throws Exception {
        Path huge = tmp.resolve("huge.bin");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(64L << 30); // sparse: no disk used; its outboard would be 256 MiB
        }
        StderrRun r = BlobSource.child(tmp, 30, "blob", "send", huge.toString(), "--bind", "127.0.0.1:0");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("p2p-node blob send: " + huge + " has 64.0 GiB; serving it needs 256.0 MiB of"
                + " memory for outboards"), r.err());
        assertTrue(r.err().contains("P2P_NODE_JAVA_OPTS=-Xmx"), r.err());
    }

    @Test
    void emptyPathsAreBadUsageNotTheCurrentFolder() throws Exception {
        Files.writeString(tmp.resolve("private.txt"), "not to be sent");
        StderrRun r = BlobSource.child(tmp, 30, "blob", "send", "", "--bind", "127.0.0.1:0");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("an empty path"), r.err());
        for (String[] args : new String[][] {{"id", "--data-dir", ""},
            {"blob", "get", BlobSource.deadTicket(), "--data-dir", ""},
            {"blob", "send", "private.txt", "--data-dir", ""}}) {
            r = BlobSource.child(tmp, 30, args);
            assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("Invalid value for option '--data-dir': an empty path"), r.err());
            assertFalse(Files.exists(tmp.resolve("secret_key")), String.join(" ", args) + " wrote ./secret_key");
            assertFalse(Files.exists(tmp.resolve("blobs")), String.join(" ", args) + " made ./blobs");
        }
    }
}
