package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;

/**
 * The store of a {@code blob get} without {@code --data-dir}: a file store in a fresh folder under {@code $TMPDIR}
 * (the JVM's {@code java.io.tmpdir} if unset), so that a download of any size takes disk, not memory. Deleted when
 * the command ends, on SIGINT/SIGTERM too ({@link #close} from the command's shutdown hook). A run killed with
 * {@code kill -9} cannot delete its folder; the next run does, once the store's lock shows nobody holds it.
 */
final class TempBlobStore implements AutoCloseable {
    static final String PREFIX = "p2p-node-blob-get-";
    /** A folder without a store lock is left alone this long (its run may be about to open the store). */
    private static final Duration UNLOCKED_GRACE = Duration.ofMinutes(10);

    private final Path dir;
    private final FsBlobStore store;
    private boolean closed;

    private TempBlobStore(Path dir, FsBlobStore store) {
        this.dir = dir;
        this.store = store;
    }

    static TempBlobStore create() throws IOException {
        Path base = base();
        sweepLeftovers(base);
        Path dir = Files.createTempDirectory(base, PREFIX);
        try {
            // Nothing here outlives the run, so nothing needs to reach the disk before the OS writes it anyway.
            return new TempBlobStore(dir, FsBlobStore.open(dir, FsBlobStore.Options.throwaway()));
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    static Path base() {
        String env = System.getenv("TMPDIR");
        return Path.of(env != null && !env.isEmpty() ? env : System.getProperty("java.io.tmpdir"));
    }

    FsBlobStore store() {
        return store;
    }

    Path directory() {
        return dir;
    }

    /** Closes the store and deletes its folder; safe to call twice and from a shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            store.close();
        } catch (IOException ignored) {
            // the folder goes anyway
        }
        deleteTree(dir);
    }

    /** Deletes the folders of earlier runs whose store nobody holds (killed before they could clean up). */
    private static void sweepLeftovers(Path base) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(base, PREFIX + "*")) {
            for (Path d : s) {
                if (Files.isDirectory(d) && !Files.isSymbolicLink(d) && abandoned(d)) {
                    deleteTree(d);
                }
            }
        } catch (IOException ignored) {
            // a base we cannot list: createTempDirectory will say what is wrong with it
        }
    }

    private static boolean abandoned(Path d) throws IOException {
        Path lock = d.resolve("LOCK");
        if (!Files.exists(lock)) {
            Instant made = Files.getLastModifiedTime(d).toInstant();
            return made.isBefore(Instant.now().minus(UNLOCKED_GRACE));
        }
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) {
                return false; // a running get
            }
            l.release();
            return true;
        } catch (OverlappingFileLockException inThisJvm) {
            return false;
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // what is left is swept by the next run
        }
    }
}
