package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.DownloadProgress;
import com.kafkaconnectiroh.p2p.blobs.DownloadResult;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-node blob send|get}: share a file or folder and fetch it, the way iroh's {@code sendme} does, with
 * tickets iroh 0.35 (and 0.103) nodes read. Without {@code --data-dir} everything lives in memory under a throwaway
 * key; with it, blobs persist in {@code <dir>/blobs} and an interrupted {@code get} resumes where it stopped.
 */
@Command(name = "blob", mixinStandardHelpOptions = true,
        description = "Send and fetch blobs over iroh-blobs (/iroh-bytes/4), compatible with iroh 0.35 tickets.",
        subcommands = {BlobCommand.Send.class, BlobCommand.Get.class})
final class BlobCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }

    /** The store: in memory without {@code --data-dir}, else {@code <dir>/blobs} (exit 1 if it cannot be opened). */
    static BlobStore openStore(NodeOptions node) throws CliException {
        Path dataDir = node.identity.dataDir();
        if (dataDir == null) {
            return new MemBlobStore();
        }
        try {
            return FsBlobStore.open(dataDir.resolve("blobs"));
        } catch (IOException e) {
            throw new CliException("cannot open the blob store in " + dataDir.resolve("blobs") + ": " + e.getMessage(), 1, e);
        }
    }

    /** Opens the store and binds the endpoint; the store is closed again if binding fails. */
    static Blobs start(NodeOptions node) throws CliException {
        BlobStore store = openStore(node);
        try {
            return new Blobs(node.bind(null), store);
        } catch (CliException | RuntimeException e) {
            try {
                store.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** {@code blob send <path>}: adds a file (raw blob) or a folder (collection), prints a ticket, serves. */
    @Command(name = "send", mixinStandardHelpOptions = true,
            description = {"Add a file (or a folder, as a collection) and serve it until stopped (Ctrl-C).",
                "Prints one line on stdout: a blob ticket to give to 'p2p-node blob get' or iroh."})
    static final class Send implements Callable<Integer> {
        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "PATH", description = "File or folder to send.")
        Path path;


        /** Counted down to stop serving (tests); a signal stops the JVM instead. */
        final CountDownLatch stop = new CountDownLatch(1);

        @Override
        public Integer call() throws Exception {
            if (!Files.exists(path)) {
                System.err.println("p2p-node: " + path + " does not exist");
                return 2;
            }
            Blobs blobs;
            try {
                blobs = start(node);
            } catch (CliException e) {
                return e.report(System.err, "blob send");
            }
            Endpoint endpoint = blobs.endpoint();
            BlobStore store = blobs.store();
            Router router = Router.builder(endpoint).accept(Blobs.ALPN, blobs.provider()).spawn();
            Thread hook = new Thread(() -> shutdown(router, store), "blob-send-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                Blobs.AddOutcome added;
                try {
                    added = Files.isDirectory(path) ? addFolder(blobs, path)
                            : blobs.add(path, TagOption.named("send:" + path.getFileName()));
                } catch (IOException e) {
                    System.err.println("p2p-node: cannot add " + path + ": " + describe(e));
                    return 1;
                }
                BlobTicket ticket = blobs.ticket(added.content());
                System.err.printf(Locale.ROOT, "p2p-node: serving %s (%s, %s) as %s from %s%n", path,
                        added.content().format() == BlobFormat.HASH_SEQ ? "collection" : "blob",
                        bytes(added.content().format() == BlobFormat.HASH_SEQ ? folderSize(path) : added.size()),
                        added.hash(), endpoint.addr().ipAddrs());
                System.out.println(ticket);
                System.out.flush();
                stop.await();
                return 0;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    shutdown(router, store);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running already
                }
            }
        }

        private static void shutdown(Router router, BlobStore store) {
            router.close();
            try {
                store.close();
            } catch (IOException e) {
                System.err.println("p2p-node: closing the store: " + e.getMessage());
            }
        }

        private static Blobs.AddOutcome addFolder(Blobs blobs, Path dir) throws IOException {
            List<String> names = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile).sorted().forEach(f -> {
                    names.add(dir.relativize(f).toString().replace('\\', '/'));
                    files.add(f);
                });
            }
            return blobs.addFiles(names, files, TagOption.named("send:" + dir.getFileName()));
        }

        private static long folderSize(Path dir) throws IOException {
            try (Stream<Path> s = Files.walk(dir)) {
                return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
        }
    }

    /** {@code blob get <ticket>}: downloads with verification and writes the file (or folder) atomically. */
    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Download what a blob ticket names, verifying every byte, and write it out.",
                "A blob goes to -o (default: ./<hash>); a collection's files go under -o (default: .)."})
    static final class Get implements Callable<Integer> {
        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "TICKET", description = "A blob ticket (blob…).")
        String ticketText;

        @Option(names = {"-o", "--out"}, paramLabel = "PATH", description = "Where to write (file for a blob, folder for a collection).")
        Path out;


        @Override
        public Integer call() throws Exception {
            BlobTicket ticket;
            try {
                ticket = BlobTicket.parse(ticketText);
            } catch (IllegalArgumentException e) {
                System.err.println("p2p-node: " + e.getMessage());
                return 2;
            }
            // Checked before downloading: found only afterwards, the download was for nothing (without --data-dir).
            if (out != null && ticket.format() == BlobFormat.RAW && Files.isDirectory(out)) {
                System.err.println("p2p-node: -o " + out + " is a folder; a blob is written to a file (-o " + out
                        + "/NAME)");
                return 2;
            }
            if (out != null && ticket.format() == BlobFormat.HASH_SEQ && Files.exists(out) && !Files.isDirectory(out)) {
                System.err.println("p2p-node: -o " + out + " is a file; a collection's files go under a folder");
                return 2;
            }
            Blobs blobs;
            try {
                blobs = start(node);
            } catch (CliException e) {
                return e.report(System.err, "blob get");
            }
            try (BlobStore store = blobs.store(); Endpoint endpoint = blobs.endpoint()) {
                ProgressBar bar = new ProgressBar(System.err);
                DownloadResult r;
                try {
                    r = blobs.download(ticket, bar);
                } catch (IOException e) {
                    // DownloadException: every provider failed; otherwise the store failed (disk full, ...).
                    bar.end();
                    System.err.println("p2p-node: download failed: " + describe(e));
                    System.err.println("p2p-node: nothing was written" + (node.identity.dataDir() == null ? ""
                            : "; verified parts are kept in " + node.identity.dataDir() + " and the next run resumes"));
                    return 1;
                }
                bar.end();
                List<Path> written;
                try {
                    if (ticket.format() == BlobFormat.HASH_SEQ) {
                        written = blobs.exportCollection(ticket.hash(), out == null ? Path.of(".") : out);
                    } else {
                        Path target = out == null ? Path.of(ticket.hash().toHex()) : out;
                        blobs.export(ticket.hash(), target);
                        written = List.of(target);
                    }
                } catch (IOException e) {
                    System.err.println("p2p-node: downloaded and verified, but could not write it out: " + describe(e));
                    return 1;
                }
                double secs = r.elapsed().toNanos() / 1e9;
                System.err.printf(Locale.ROOT, "p2p-node: verified %s (%d blob%s, %s received in %.1f s, %.1f MB/s) -> %s%n",
                        bytes(r.totalBytes()), r.blobs(), r.blobs() == 1 ? "" : "s", bytes(r.receivedBytes()), secs,
                        secs > 0 ? r.receivedBytes() / 1e6 / secs : 0, written.size() == 1 ? written.get(0) : written.size() + " files");
                return 0;
            }
        }
    }

    /** One self-overwriting line on stderr: bar, percentage, bytes, rate, provider. */
    static final class ProgressBar implements com.kafkaconnectiroh.p2p.blobs.DownloadListener {
        private final PrintStream err;
        private final long start = System.nanoTime();
        /** Verified bytes at the first event: what an earlier run left, not received now (kept out of the rate). */
        private long alreadyThere = -1;
        private long lastPrint;
        private boolean drawn;

        ProgressBar(PrintStream err) {
            this.err = err;
        }

        @Override
        public void onProgress(DownloadProgress p) {
            if (p.phase() == DownloadProgress.Phase.PROVIDER_FAILED) {
                end();
                err.println("p2p-node: provider " + p.provider().fmtShort() + " failed: " + p.message());
                return;
            }
            if (alreadyThere < 0) {
                alreadyThere = p.verifiedBytes();
            }
            long now = System.nanoTime();
            boolean last = p.phase() == DownloadProgress.Phase.DONE;
            if (!last && now - lastPrint < 100_000_000L) {
                return;
            }
            lastPrint = now;
            String phase = switch (p.phase()) {
                case CONNECTING -> "connecting";
                case REQUESTING -> "requesting";
                case DONE -> "done";
                default -> "receiving";
            };
            double secs = Math.max(1e-3, (now - start) / 1e9);
            String line;
            if (p.totalBytes() > 0) {
                double frac = Math.min(1, (double) p.verifiedBytes() / p.totalBytes());
                int fill = (int) Math.round(frac * 30);
                line = String.format(Locale.ROOT, "[%s%s] %3.0f%% %s / %s  %.1f MB/s  %s", "#".repeat(fill),
                        ".".repeat(30 - fill), frac * 100, bytes(p.verifiedBytes()), bytes(p.totalBytes()),
                        Math.max(0, p.verifiedBytes() - alreadyThere) / 1e6 / secs, phase);
            } else {
                line = phase + (p.provider() == null ? "" : " " + p.provider().fmtShort());
            }
            err.print("\r" + line + "   ");
            err.flush();
            drawn = true;
        }

        void end() {
            if (drawn) {
                err.println();
                drawn = false;
            }
        }
    }

    /** An I/O failure in words: file system errors often carry only the path ("/x/y") as their message. */
    static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() == null) {
            String what = e instanceof NoSuchFileException ? "no such file or folder"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "already exists"
                    : e instanceof NotDirectoryException ? "not a folder"
                    : e.getClass().getSimpleName();
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + what;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    static String bytes(long n) {
        if (n < 0) {
            return "?";
        }
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
