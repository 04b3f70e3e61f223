package com.kafkaconnectiroh.p2p.blobs.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Flushing to disk what {@link java.nio.channels.FileChannel#force} does not reach: directory entries. */
final class FsSync {
    private FsSync() {}

    /**
     * fsyncs a directory so that files created, renamed or deleted in it survive a crash (POSIX leaves that to
     * the directory's own fsync). Where directories cannot be opened (Windows) this does nothing.
     */
    static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }
}
