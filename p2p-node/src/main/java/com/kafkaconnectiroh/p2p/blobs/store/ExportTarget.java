package com.kafkaconnectiroh.p2p.blobs.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an export writes, checked when opened, so that a caller can open it before fetching anything:
 *
 * <ul>
 *   <li>A path that does not exist, or an existing regular file: the blob goes to {@code .<name>.part} beside
 *       it, which is created (with any missing folders) and locked on open, flushed, then renamed over the
 *       target by {@link #commit()}: readers see the old file or the whole new one. The part file's name is fixed
 *       per target, so a run killed with {@code kill -9} leaves at most one, which the next export of that target
 *       reuses; while one process writes it, another exporting the same target is refused. {@link #close()}
 *       without a commit removes it (and the folders it created).</li>
 *   <li>A symbolic link is followed: what it points to decides, and the link itself is never replaced (a
 *       dangling link is refused). {@link #openInside} follows none.</li>
 *   <li>A blob from a throwaway store ({@link FsBlobStore.Options#throwaway}, whose file holds exactly the bytes
 *       this process verified) is not copied: {@link #write} hard-links that file as {@code .<name>.link} beside
 *       the target (the part file stays empty and locked), and {@link #commit()} flushes and renames the link over
 *       the target. Where a link cannot be made (another file system) it is copied as any other. A run killed
 *       before the commit leaves the link, which the next export of that target removes.</li>
 *   <li>A FIFO or a character device ({@code /dev/null}, {@code /dev/stdout} on a pipe or terminal) is written
 *       through, never replaced: the blob is verified whole first, then streamed, each block verified again as it
 *       is written, so only verified bytes reach it (and none if the store's copy is damaged).</li>
 *   <li>A folder, a block device, a socket, or a path under a file: refused with {@link UnsuitableException}.</li>
 * </ul>
 */
public final class ExportTarget implements AutoCloseable {
    /** What is at the target. */
    public enum Kind {
        /** Nothing yet: a new file is created. */
        NEW_FILE,
        /** A regular file, replaced atomically. */
        REPLACE_FILE,
        /** A FIFO or character device, written through. */
        STREAM
    }

    /** The target cannot take a blob: a folder, a device that is no stream, a path under a file, a bad link. */
    public static final class UnsuitableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnsuitableException(String message) {
            super(message);
        }
    }

    private static final int MAX_NAME_BYTES = 255;

    private final Kind kind;
    private final Path path;
    private final Path part;
    private final FileChannel partChannel;
    private final FileLock lock;
    private final List<Path> createdDirs;
    /** The hard link that replaces the part file's content, if {@link #write} made one. */
    private Path linked;
    private boolean done;

    private ExportTarget(Kind kind, Path path, Path part, FileChannel partChannel, FileLock lock, List<Path> createdDirs) {
        this.kind = kind;
        this.path = path;
        this.part = part;
        this.partChannel = partChannel;
        this.lock = lock;
        this.createdDirs = createdDirs;
    }

    /** Opens {@code target}, following symbolic links (see the class comment). */
    public static ExportTarget open(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        BasicFileAttributes a = attributes(abs, true);
        boolean link = Files.isSymbolicLink(abs);
        if (a == null && link) {
            throw new UnsuitableException(target + " is a symbolic link to " + Files.readSymbolicLink(abs)
                    + ", which does not exist");
        }
        if (a == null || a.isRegularFile()) {
            // Through a link, the file it points to is replaced, beside it; the link stays.
            return openFile(link ? abs.toRealPath() : abs, a != null);
        }
        if (a.isDirectory()) {
            throw new UnsuitableException(target + " is a folder");
        }
        FileKind kind = FileKind.of(abs, true);
        if (kind.isStream()) {
            return new ExportTarget(Kind.STREAM, abs, null, null, null, List.of());
        }
        throw new UnsuitableException(target + " is " + kind.words() + "; a blob goes to a file, a FIFO or a"
                + " character device");
    }

    /**
     * Opens {@code target}, a path below the folder {@code base}, following no symbolic link below {@code base}:
     * for files named by others (a collection's entries), which must not be steered out of {@code base} by links
     * found there, nor onto a FIFO or device.
     */
    public static ExportTarget openInside(Path base, Path target) throws IOException {
        Path t = checkInside(base, target);
        return openFile(t, Files.exists(t, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * What {@link #openInside} refuses, checked without creating anything (so that a caller can check every file
     * before writing any); returns the normalized absolute target.
     */
    public static Path checkInside(Path base, Path target) throws IOException {
        Path b = base.toAbsolutePath().normalize();
        Path t = target.toAbsolutePath().normalize();
        if (!t.startsWith(b) || t.equals(b)) {
            throw new UnsuitableException(target + " is not inside " + base);
        }
        Path at = b;
        for (Path name : b.relativize(t)) {
            at = at.resolve(name);
            BasicFileAttributes a = attributes(at, false);
            if (a == null) {
                break;
            }
            if (a.isSymbolicLink()) {
                throw new UnsuitableException(at + " is a symbolic link; not writing through it");
            }
            if (!at.equals(t) && !a.isDirectory()) {
                throw new UnsuitableException(at + " is a file, so " + t + " cannot be created");
            }
            if (at.equals(t) && !a.isRegularFile()) {
                throw new UnsuitableException(t + " is " + FileKind.of(t, false).words()
                        + "; only a regular file is replaced");
            }
        }
        return t;
    }

    private static ExportTarget openFile(Path abs, boolean exists) throws IOException {
        Path dir = abs.getParent();
        List<Path> created = createFolders(dir);
        Path part = dir.resolve(partName(abs.getFileName().toString()));
        try {
            for (int attempt = 0; ; attempt++) {
                BasicFileAttributes pa = attributes(part, false);
                if (pa != null && !pa.isRegularFile()) {
                    throw new UnsuitableException(part + " (where " + abs.getFileName() + " is written first) is "
                            + FileKind.of(part, false).words() + "; remove it");
                }
                FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    ch.close();
                    throw new IOException("another export to " + abs + " is under way (it holds " + part + ")");
                }
                // The holder before us may have renamed this very file onto its target just before we locked it.
                if (!Files.exists(part, LinkOption.NOFOLLOW_LINKS) && attempt < 3) {
                    ch.close();
                    continue;
                }
                ch.truncate(0);
                return new ExportTarget(exists ? Kind.REPLACE_FILE : Kind.NEW_FILE, abs, part, ch, lock, created);
            }
        } catch (IOException | RuntimeException e) {
            removeFolders(created);
            throw e;
        }
    }

    /** {@code .<name>.part}, shortened (kept unique per name) where the file system's name limit needs it. */
    static String partName(String name) {
        String p = "." + name + ".part";
        if (p.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return p;
        }
        String tail = "~" + Integer.toHexString(name.hashCode()) + ".part";
        int keep = name.length();
        while (("." + name.substring(0, keep) + tail).getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES
                || Character.isLowSurrogate(name.charAt(keep))) {
            keep--;
        }
        return "." + name.substring(0, keep) + tail;
    }

    /** Creates the missing folders above a file, returning those it made (outermost first). */
    private static List<Path> createFolders(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path d = dir; d != null; d = d.getParent()) {
            BasicFileAttributes a = attributes(d, true);
            if (a != null) {
                if (!a.isDirectory()) {
                    throw new UnsuitableException(d + " is a file, not a folder");
                }
                break;
            }
            missing.add(0, d);
        }
        List<Path> created = new ArrayList<>();
        try {
            for (Path d : missing) {
                try {
                    Files.createDirectory(d);
                    created.add(d);
                } catch (FileAlreadyExistsException raced) {
                    if (!Files.isDirectory(d)) {
                        throw new UnsuitableException(d + " is a file, not a folder");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            removeFolders(created);
            throw e;
        }
        return created;
    }

    private static void removeFolders(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException notEmpty) {
                return; // someone else put something there: leave it
            }
        }
    }

    /** The attributes, or null if nothing is there (also when a folder on the way is a file). */
    private static BasicFileAttributes attributes(Path p, boolean follow) throws IOException {
        try {
            return follow ? Files.readAttributes(p, BasicFileAttributes.class)
                    : Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            if ("Not a directory".equals(e.getReason())) {
                return null; // ENOTDIR: createFolders names the file in the way
            }
            throw e;
        }
    }

    public Kind kind() {
        return kind;
    }

    /** The file written: the target with symbolic links resolved. */
    public Path path() {
        return path;
    }

    /**
     * Writes the blob: into the part file, or, for a stream, straight through after verifying it whole. Every
     * byte written was verified first; a damaged store copy fails with {@link CorruptBlobException}.
     */
    public void write(BlobReader blob) throws IOException {
        if (isDone()) {
            throw new IllegalStateException("export to " + path + " is over");
        }
        if (kind == Kind.STREAM) {
            // Bytes written to a stream cannot be taken back: no byte goes out before all of them verified.
            blob.verify();
            try (FileChannel out = FileChannel.open(path, StandardOpenOption.WRITE)) {
                blob.copyTo(out);
            }
            return;
        }
        partChannel.truncate(0);
        partChannel.position(0);
        discardLink();
        Path whole = blob.takeWholeFile();
        if (whole != null && link(whole)) {
            return;
        }
        blob.copyTo(partChannel);
    }

    /** {@code .<name>.link}: the part file's name (fixed per target, within the name limit) with another end. */
    private Path linkPath() {
        String p = part.getFileName().toString();
        return part.resolveSibling(p.substring(0, p.length() - ".part".length()) + ".link");
    }

    /** Hard-links {@code whole} beside the target; false (nothing left behind) where that cannot be done. */
    private boolean link(Path whole) {
        Path l = linkPath();
        try {
            BasicFileAttributes a = attributes(l, false);
            if (a != null && !a.isRegularFile()) {
                return false; // a folder, link or device by that name is not one of ours: leave it, copy instead
            }
            Files.deleteIfExists(l); // a run killed before its commit; the part lock says it is ours now
            Files.createLink(l, whole);
            linked = l;
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false; // another file system, or one without hard links: copy instead
        }
    }

    private void discardLink() throws IOException {
        if (linked != null) {
            Files.deleteIfExists(linked);
            linked = null;
        }
    }

    private synchronized boolean isDone() {
        return done;
    }

    /** Makes the written blob the target's content: flushed, renamed over it, its folder flushed. */
    public synchronized void commit() throws IOException {
        if (done) {
            throw new IllegalStateException("export to " + path + " is over");
        }
        if (kind != Kind.STREAM) {
            Path written = linked != null ? linked : part;
            if (linked != null) {
                // A channel of its own for the flush: it holds no lock (the part file's lock stays on the part file).
                try (FileChannel c = FileChannel.open(linked, StandardOpenOption.READ)) {
                    c.force(true);
                }
            } else {
                partChannel.force(true);
            }
            Files.move(written, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            linked = null;
            done = true;
            FsSync.directory(path.getParent());
            if (written != part) {
                Files.deleteIfExists(part); // the empty part file, still ours: locked until the channel closes
            }
            partChannel.close(); // releases the lock (on the target's file when the part file was written)
        }
        done = true;
    }

    /** Without a commit: removes the part file and the folders made for it. */
    @Override
    public synchronized void close() {
        if (kind == Kind.STREAM) {
            done = true;
            return;
        }
        try {
            if (!done) {
                done = true;
                try {
                    discardLink();
                    Files.deleteIfExists(part); // still locked: nobody else can have taken it over
                } catch (IOException ignored) {
                    // nothing more to do: the next export of this target reuses it
                }
                removeFolders(createdDirs);
            }
        } finally {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
                partChannel.close();
            } catch (IOException ignored) {
                // closing a file we only wrote: nothing to lose
            }
        }
    }

    @Override
    public String toString() {
        return "ExportTarget(" + kind + " " + path + ")";
    }
}
