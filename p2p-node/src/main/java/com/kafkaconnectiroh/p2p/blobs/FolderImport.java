package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.FileKind;
import com.kafkaconnectiroh.p2p.blobs.store.TempTag;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Adds the regular files under a folder, and only those: nothing outside the folder can be slipped in.
 *
 * <ul>
 *   <li>Symbolic links are not followed, wherever they point (outside the folder they would ship what the folder
 *       does not hold, e.g. {@code /etc/passwd}; inside it they would send the same bytes twice, or loop). Each is
 *       skipped and reported.</li>
 *   <li>FIFOs, sockets and devices are skipped and reported (reading them would block or never end).</li>
 *   <li>Every folder and file is opened relative to its already open parent, refusing links
 *       ({@link SecureDirectoryStream}, openat with O_NOFOLLOW), and hashed from that open file: a link swapped in
 *       while walking (a race by whoever else can write there) fails to open instead of being followed.</li>
 * </ul>
 *
 * Where the platform has no {@link SecureDirectoryStream}, paths are checked one by one without following links,
 * which leaves that race open.
 */
final class FolderImport {
    private final BlobStore store;
    private final Path root;
    private final Blobs.FolderListener listener;
    private final List<Collection.Entry> entries = new ArrayList<>();
    private final List<TempTag> held = new ArrayList<>();

    private FolderImport(BlobStore store, Path root, Blobs.FolderListener listener) {
        this.store = store;
        this.root = root;
        this.listener = listener;
    }

    /**
     * Adds the files under {@code dir} and returns them as collection entries (names relative, with '/'), in the
     * order of their paths; {@code held} receives the temp tags keeping them, which the caller closes.
     */
    static List<Collection.Entry> run(BlobStore store, Path dir, Blobs.FolderListener listener, List<TempTag> held)
            throws IOException {
        FolderImport f = new FolderImport(store, dir.toRealPath(), listener);
        try {
            try (DirectoryStream<Path> top = Files.newDirectoryStream(f.root)) {
                if (top instanceof SecureDirectoryStream<Path> secure) {
                    f.walkSecure(secure, "");
                } else {
                    f.walkByPath(f.root, "");
                }
            }
        } finally {
            held.addAll(f.held);
        }
        f.entries.sort(Comparator.comparing(e -> Path.of(e.name())));
        return f.entries;
    }

    private void walkSecure(SecureDirectoryStream<Path> dir, String prefix) throws IOException {
        for (Path name : sortedNames(dir)) {
            String rel = prefix + name;
            BasicFileAttributes a;
            try {
                a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            } catch (NoSuchFileException gone) {
                listener.skipped(rel, "it went away while the folder was read");
                continue;
            }
            if (a.isDirectory()) {
                SecureDirectoryStream<Path> sub;
                try {
                    sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException changed) {
                    listener.skipped(rel, "it changed while the folder was read (" + reason(changed) + ")");
                    continue;
                }
                try (sub) {
                    walkSecure(sub, rel + "/");
                }
            } else if (a.isRegularFile()) {
                listener.adding(rel, a.size());
                SeekableByteChannel ch;
                try {
                    ch = dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
                } catch (FileSystemException changed) {
                    listener.skipped(rel, "it changed while the folder was read (" + reason(changed) + ")");
                    continue;
                }
                try (ch) {
                    add(rel, ch);
                }
            } else {
                skipOther(rel, a);
            }
        }
    }

    private void walkByPath(Path dir, String prefix) throws IOException {
        List<Path> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(p -> names.add(p.getFileName()));
        }
        names.sort(null);
        for (Path name : names) {
            String rel = prefix + name;
            Path p = dir.resolve(name);
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException gone) {
                listener.skipped(rel, "it went away while the folder was read");
                continue;
            }
            if (a.isDirectory()) {
                walkByPath(p, rel + "/");
            } else if (a.isRegularFile()) {
                listener.adding(rel, a.size());
                try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                    add(rel, ch);
                }
            } else {
                skipOther(rel, a);
            }
        }
    }

    private static List<Path> sortedNames(SecureDirectoryStream<Path> dir) {
        List<Path> names = new ArrayList<>();
        dir.forEach(p -> names.add(p.getFileName()));
        names.sort(null);
        return names;
    }

    private void add(String rel, SeekableByteChannel ch) throws IOException {
        Path path = root.resolve(rel);
        TempTag t = ch instanceof FileChannel fc ? store.importOpened(path, fc, BlobFormat.RAW)
                : store.importStream(Channels.newInputStream(ch), BlobFormat.RAW);
        held.add(t);
        entries.add(new Collection.Entry(rel, t.hash()));
    }

    /** Reports what is not sent; the words are for people, so a race while finding them costs only detail. */
    private void skipOther(String rel, BasicFileAttributes a) {
        Path p = root.resolve(rel);
        if (a.isSymbolicLink()) {
            String where;
            try {
                Path target = Files.readSymbolicLink(p);
                where = " to " + target + (p.resolveSibling(target).normalize().startsWith(root) ? "" : ", outside " + root);
            } catch (IOException | UnsupportedOperationException e) {
                where = "";
            }
            listener.skipped(rel, "a symbolic link" + where + "; links are not followed");
        } else {
            String kind;
            try {
                kind = FileKind.of(p, false).words();
            } catch (IOException e) {
                kind = "not a regular file";
            }
            listener.skipped(rel, kind + "; only regular files are sent");
        }
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }
}
