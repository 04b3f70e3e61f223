package com.kafkaconnectiroh.p2p.base;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an endpoint's identity across restarts: {@code <dataDir>/secret_key} holds the Ed25519 seed as 64
 * lowercase hex characters and a newline, readable by the owner only.
 *
 * <p>A key file is created atomically (a 0600 temporary file, fsync, a no-replace hard link into place, fsync of
 * the directory), so a crash never leaves a half-written key and two processes starting together end up with the
 * same key. An existing key is never replaced: a malformed file is an error the operator must resolve, because a
 * new key would silently give the node a new identity.
 */
public final class SecretKeyStore {
    public static final String FILE_NAME = "secret_key";

    private static final Logger LOG = LoggerFactory.getLogger(SecretKeyStore.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    /** A well-formed file is 65 bytes (or 66 with CRLF); anything much larger is not ours. */
    private static final long MAX_FILE_SIZE = 256;

    private SecretKeyStore() {
    }

    /**
     * Loads {@code <dataDir>/secret_key}, or creates the directory and a fresh key if there is none.
     *
     * @throws IOException if the file cannot be read or written, or is malformed (it is then left untouched)
     */
    public static SecretKey loadOrCreate(Path dataDir) throws IOException {
        try {
            return loadOrCreateIn(dataDir);
        } catch (FileSystemException e) {
            // the JDK's messages are often just a path ("AccessDeniedException: /srv/node"): say what failed
            throw new IOException("cannot keep the secret key in " + dataDir + ": " + e.getFile() + ": "
                    + fileSystemProblem(e), e);
        }
    }

    private static String fileSystemProblem(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }

    private static SecretKey loadOrCreateIn(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return load(file);
        }
        createDirectories(dataDir);
        SecretKey key = SecretKey.generate();
        if (writeNew(file, key)) {
            LOG.info("Created a new secret key for endpoint {} in {}", key.publicKey(), file);
            return key;
        }
        // Another process created the file between our check and our link: its key wins.
        return load(file);
    }

    /** Reads a key file, tightening its permissions to 0600 (with a warning) if others could read it. */
    public static SecretKey load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("secret key file " + file + " is not a regular file");
        }
        tightenPermissions(file);
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new IOException("malformed secret key file " + file + ": " + size + " bytes, expected 64 hex characters and a newline");
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
        if (text.length() != 2 * EndpointId.LENGTH || !Hex.isHex(text)) {
            throw new IOException("malformed secret key file " + file + ": expected 64 hex characters, got "
                    + text.length() + " characters" + (Hex.isHex(text) ? "" : " that are not all hex")
                    + "; not replacing it, since a new key would change this endpoint's identity");
        }
        return SecretKey.fromBytes(Hex.decode(text));
    }

    /**
     * An explicitly given secret, e.g. from the {@code IROH_SECRET} environment variable as iroh's tools take it:
     * 64 hex or 52 base32 characters.
     *
     * @throws IllegalArgumentException if it is neither; the message never repeats the secret
     */
    public static SecretKey parse(String secret) {
        String s = secret == null ? "" : secret.strip();
        byte[] seed;
        if (s.length() == 64 && Hex.isHex(s)) {
            seed = Hex.decode(s);
        } else if (s.length() == 52) {
            try {
                seed = Base32.STANDARD.decode(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret key must be 64 hex or 52 base32 characters; the 52 given are not valid base32");
            }
        } else {
            throw new IllegalArgumentException("secret key must be 64 hex or 52 base32 characters, got " + s.length() + " characters");
        }
        return SecretKey.fromBytes(seed);
    }

    /**
     * The key an endpoint should run with: an explicit secret if one is given (it is not written anywhere), else
     * the data directory's key (created on first use), else a fresh ephemeral key.
     *
     * @param explicitSecret 64 hex or 52 base32 characters, or null/blank
     * @param dataDir may be null for an ephemeral endpoint
     */
    public static SecretKey resolve(String explicitSecret, Path dataDir) throws IOException {
        if (explicitSecret != null && !explicitSecret.isBlank()) {
            return parse(explicitSecret);
        }
        if (dataDir != null) {
            return loadOrCreate(dataDir);
        }
        return SecretKey.generate();
    }

    /** The file's contents for a key: 64 lowercase hex characters and a newline. */
    static byte[] format(SecretKey key) {
        return (Hex.encode(key.toBytes()) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean writeNew(Path file, SecretKey key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = isPosix(dir);
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + FILE_NAME + "-", ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(format(key));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                // A hard link never replaces an existing file, unlike rename.
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | IOException e) {
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    return false;
                }
                // No hard links on this file system: a plain move, which fails rather than replace.
                try {
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException e2) {
                    return false;
                }
            }
            syncDirectory(dir);
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (isPosix(parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw new IOException("data directory " + dir + " exists but is not a directory", e);
            }
        }
    }

    private static void tightenPermissions(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
        extra.addAll(perms);
        extra.removeAll(OWNER_ONLY);
        if (!extra.isEmpty()) {
            Set<PosixFilePermission> tightened = EnumSet.noneOf(PosixFilePermission.class);
            tightened.addAll(perms);
            tightened.retainAll(OWNER_ONLY);
            LOG.warn("Secret key file {} had permissions {}; restricting them to {}", file,
                    PosixFilePermissions.toString(perms), PosixFilePermissions.toString(tightened));
            view.setPermissions(tightened);
        }
    }

    private static boolean isPosix(Path p) {
        return p != null && Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open or sync a directory; the file itself is already synced.
            LOG.debug("Could not sync directory {}: {}", dir, e.toString());
        }
    }
}
