package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blob get -o}: what is at the path decides. Nothing that is not a regular file is ever replaced, what cannot
 * take a blob is refused before anything is fetched, and a stopped get leaves nothing behind.
 */
class BlobGetOutputTest {
    @TempDir
    Path tmp;

    private static StderrRun get(String ticket, String... more) {
        List<String> args = new ArrayList<>(List.of("blob", "get", ticket, "--bind", "127.0.0.1:0"));
        args.addAll(List.of(more));
        return StderrRun.of(args.toArray(String[]::new));
    }

    private List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFifoIsWrittenThroughAndStaysAFifo() throws Exception {
        byte[] data = BlobSource.data(2_000_000, 1);
        Path fifo = BlobSource.mkfifo(tmp.resolve("pipe"));
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        try (BlobSource source = BlobSource.start()) {
            StderrRun r = get(source.ticket(data), "-o", fifo.toString());
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(data, read.get(30, TimeUnit.SECONDS));
            assertEquals(010000, (Integer) Files.getAttribute(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000,
                    "still a FIFO");
            assertEquals(List.of("pipe"), files(tmp));
        }
    }

    @Test
    void aLinkIsFollowedAndKeptAndAReplacedFileIsSaidSo() throws Exception {
        byte[] data = BlobSource.data(100_000, 2);
        Path target = Files.writeString(tmp.resolve("target.bin"), "old");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), Path.of("target.bin"));
        try (BlobSource source = BlobSource.start()) {
            StderrRun r = get(source.ticket(data), "-o", link.toString());
            assertEquals(0, r.exit(), r.err());
            assertTrue(Files.isSymbolicLink(link), "the link stays");
            assertArrayEquals(data, Files.readAllBytes(target));
            assertTrue(r.err().contains("p2p-node blob get: replaced the existing file " + target.toRealPath()), r.err());
            assertEquals(List.of("link", "target.bin"), files(tmp));
        }
    }

    @Test
    void aLinkToTheProcessStdoutStreamsTheBlobThere() throws Exception {
        byte[] data = BlobSource.data(3_000_000, 3);
        // /dev/stdout is such a link; one of our own cannot harm the machine if this ever replaced links again.
        Path link = Files.createSymbolicLink(tmp.resolve("stdout"), Path.of("/proc/self/fd/1"));
        try (BlobSource source = BlobSource.start()) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "blob", "get", source.ticket(data), "-o", link.toString(), "--bind",
                    "127.0.0.1:0"));
            Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("err.log").toFile()).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err.log")));
            assertArrayEquals(data, out.toByteArray());
            assertTrue(Files.isSymbolicLink(link));
        }
    }

    @Test
    void aCollectionIsNeverWrittenThroughLinksOrOntoFifosFoundUnderTheOutput() throws Exception {
        Path in = Files.createDirectories(tmp.resolve("in/sub"));
        Files.writeString(tmp.resolve("in/a.txt"), "a");
        Files.writeString(in.resolve("b.txt"), "b");
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path got = Files.createDirectories(tmp.resolve("got"));
        Files.createSymbolicLink(got.resolve("sub"), outside);
        try (BlobSource source = BlobSource.start()) {
            String ticket = source.blobs.ticket(source.blobs.addFiles(List.of("a.txt", "sub/b.txt"),
                    List.of(tmp.resolve("in/a.txt"), in.resolve("b.txt")),
                    com.kafkaconnectiroh.p2p.blobs.store.TagOption.auto()).content()).toString();
            StderrRun r = get(ticket, "-o", got.toString());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains(got.resolve("sub") + " is a symbolic link; not writing through it"), r.err());
            assertEquals(List.of(), files(outside));
            assertEquals(List.of("sub"), files(got), "refused before the first file was written");

            Files.delete(got.resolve("sub"));
            BlobSource.mkfifo(got.resolve("a.txt"));
            r = get(ticket, "-o", got.toString());
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.err().contains(got.resolve("a.txt") + " is a FIFO; only a regular file is replaced"), r.err());
            assertEquals(List.of("a.txt"), files(got));
        }
    }

    @Test
    void anOutputThatCannotTakeTheBlobIsRefusedBeforeAnythingIsFetched() throws Exception {
        String dead = BlobSource.deadTicket(); // fetching would take the 10 s connect timeout and exit 1
        Files.writeString(tmp.resolve("file"), "x");
        Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("nowhere"));
        Path dataDir = tmp.resolve("D");
        String[][] refused = {
            {tmp.resolve("newdir") + "/", "ends in '/'", "is a folder; a blob is written to a file"},
            {tmp.resolve("file/under").toString(), "under a file", tmp.resolve("file") + " is a file, not a folder"},
            {tmp.resolve("dangling").toString(), "a dangling link", "is a symbolic link to nowhere, which does not exist"},
            {dataDir.resolve("blobs/x").toString(), "in the data dir", "is inside --data-dir"},
        };
        for (String[] c : refused) {
            long start = System.nanoTime();
            StderrRun r = get(dead, "-o", c[0], "--data-dir", dataDir.toString());
            assertEquals(2, r.exit(), c[1] + ": " + r.err());
            assertTrue(r.err().contains(c[2]), c[1] + ": " + r.err());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8), c[1] + ": refused without fetching");
        }
        assertFalse(Files.exists(tmp.resolve("newdir")));
        // A folder where nothing can be created (as root too): failure, exit 1, still before fetching.
        StderrRun r = get(dead, "-o", "/proc/p2p-node-test-out");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("p2p-node blob get: cannot write /proc/p2p-node-test-out: "), r.err());
        assertEquals(List.of("dangling", "file"), files(tmp), "nothing made, not even the data dir");
    }

    @Test
    void aStoppedGetLeavesNoPartFileNorTemporaryStoreAndAKilledOnesAreCleanedUpNextTime() throws Exception {
        byte[] data = BlobSource.data(16 << 20, 4);
        Path tmpdir = Files.createDirectories(tmp.resolve("TMPDIR"));
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        try (BlobSource source = BlobSource.slow(2_000_000)) {
            String ticket = source.ticket(data);
            Process term = startGet(ticket, outDir.resolve("x.bin"), tmpdir);
            awaitDownloading(term, outDir, tmpdir);
            term.destroy(); // SIGTERM
            assertTrue(term.waitFor(30, TimeUnit.SECONDS));
            assertEquals(143, term.exitValue(), "killed by SIGTERM");
            assertEquals(List.of(), files(outDir), "no part file");
            assertEquals(List.of(), files(tmpdir), "no temporary store");

            Process kill = startGet(ticket, outDir.resolve("x.bin"), tmpdir);
            awaitDownloading(kill, outDir, tmpdir);
            kill.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9: nothing can clean up
            assertEquals(List.of(".x.bin.part"), files(outDir));
            assertEquals(1, files(tmpdir).size());

            source.store.close(); // no need to wait for the slow provider again: a fast one has the same blob
        }
        try (BlobSource fast = BlobSource.start()) {
            Process again = startGet(fast.ticket(data), outDir.resolve("x.bin"), tmpdir);
            assertTrue(again.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, again.exitValue(), Files.readString(tmp.resolve("get.log")));
            assertEquals(List.of("x.bin"), files(outDir), "the part file was reused");
            assertArrayEquals(data, Files.readAllBytes(outDir.resolve("x.bin")));
            assertEquals(List.of(), files(tmpdir), "the killed run's store was swept");
        }
    }

    private Process startGet(String ticket, Path out, Path tmpdir) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--add-modules",
                "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "blob",
                "get", ticket, "-o", out.toString(), "--bind", "127.0.0.1:0");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("get.log").toFile());
        pb.environment().put("TMPDIR", tmpdir.toString());
        return pb.start();
    }

    /** Waits until the get has its part file and temporary store and has fetched something. */
    private void awaitDownloading(Process p, Path outDir, Path tmpdir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "not downloading: "
                    + Files.readString(tmp.resolve("get.log")));
            List<String> stores = files(tmpdir);
            if (Files.exists(outDir.resolve(".x.bin.part"), LinkOption.NOFOLLOW_LINKS) && stores.size() == 1) {
                try (Stream<Path> s = Files.walk(tmpdir.resolve(stores.get(0)))) {
                    if (s.anyMatch(f -> f.toString().endsWith(".data"))) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
    }
}
