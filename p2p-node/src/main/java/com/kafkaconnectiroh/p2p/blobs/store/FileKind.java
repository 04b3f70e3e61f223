package com.kafkaconnectiroh.p2p.blobs.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What kind of file system entry a path is, in words, beyond what {@link java.nio.file.attribute.BasicFileAttributes}
 * tells apart (it calls FIFOs, sockets and devices all "other"): the unix file type from {@code st_mode}.
 */
public enum FileKind {
    FILE("a regular file"),
    FOLDER("a folder"),
    LINK("a symbolic link"),
    FIFO("a FIFO"),
    CHARACTER_DEVICE("a character device"),
    BLOCK_DEVICE("a block device"),
    SOCKET("a socket"),
    OTHER("not a regular file");

    private final String words;

    FileKind(String words) {
        this.words = words;
    }

    /** "a FIFO", "a character device", ... */
    public String words() {
        return words;
    }

    /** The kind of {@code p} ({@code follow}: of what a link at {@code p} points to); fails if nothing is there. */
    public static FileKind of(Path p, boolean follow) throws IOException {
        Object mode;
        try {
            mode = follow ? Files.getAttribute(p, "unix:mode") : Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException noUnix) {
            // No unix attributes (Windows): only files, folders and links are told apart there.
            LinkOption[] o = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
            return !follow && Files.isSymbolicLink(p) ? LINK : Files.isDirectory(p, o) ? FOLDER
                    : Files.isRegularFile(p, o) ? FILE : OTHER;
        }
        return switch ((Integer) mode & 0170000) {
            case 0010000 -> FIFO;
            case 0020000 -> CHARACTER_DEVICE;
            case 0040000 -> FOLDER;
            case 0060000 -> BLOCK_DEVICE;
            case 0100000 -> FILE;
            case 0120000 -> LINK;
            case 0140000 -> SOCKET;
            default -> OTHER;
        };
    }

    /** A FIFO or character device: something written through as a stream, never replaced. */
    public boolean isStream() {
        return this == FIFO || this == CHARACTER_DEVICE;
    }
}
