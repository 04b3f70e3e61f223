package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.blobs.BlobTicket;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.DownloadProgress;
import com.kafkaconnectiroh.p2p.blobs.DownloadResult;
import com.kafkaconnectiroh.p2p.blobs.GetRequest;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.ProviderListener;
import com.kafkaconnectiroh.p2p.blobs.bao.BaoTree;
import com.kafkaconnectiroh.p2p.blobs.store.BlobReader;
import com.kafkaconnectiroh.p2p.blobs.store.BlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.CorruptBlobException;
import com.kafkaconnectiroh.p2p.blobs.store.ExportTarget;
import com.kafkaconnectiroh.p2p.blobs.store.FileKind;
import com.kafkaconnectiroh.p2p.blobs.store.FsBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.discovery.ContentDiscovery;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-node blob send|get}: share a file or folder and fetch it, the way iroh's {@code sendme} does, with
 * tickets iroh 0.35 (and 0.103) nodes read. Without {@code --data-dir} the key is thrown away, {@code send} serves
 * files in place and {@code get} stages in a temporary store: memory stays bounded at any size. With it, blobs
 * persist in {@code <dir>/blobs} and an interrupted {@code get} resumes where it stopped.
 */
@Command(name = "blob", mixinStandardHelpOptions = true,
        description = "Send and fetch blobs over iroh-blobs (/iroh-bytes/4), compatible with iroh 0.35 tickets.",
        subcommands = {BlobCommand.Send.class, BlobCommand.Get.class})
final class BlobCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The store: {@code <dir>/blobs} with {@code --data-dir} (exit 1 if it cannot be opened), else {@code fallback}. */
    static BlobStore openStore(NodeOptions node, StoreSupplier fallback) throws CliException {
        Path dataDir = node.identity.dataDir();
        try {
            return dataDir == null ? fallback.get() : FsBlobStore.open(dataDir.resolve("blobs"));
        } catch (IOException e) {
            Path where = dataDir == null ? TempBlobStore.base() : dataDir.resolve("blobs");
            throw new CliException("cannot open the blob store in " + where + ": " + describe(e), 1, e);
        }
    }

    /** A store to use without {@code --data-dir}. */
    @FunctionalInterface
    interface StoreSupplier {
        BlobStore get() throws IOException;
    }

    /**
     * Starts a node on {@code store} ({@code setup} says what else it runs and serves); the caller closes the store
     * after the node, and here it is closed if the node cannot start.
     */
    static Node start(NodeOptions node, BlobStore store, UnaryOperator<Node.Builder> setup) throws CliException {
        try {
            return NodeOptions.spawn(setup.apply(node.nodeBuilder(null)).blobStore(store));
        } catch (CliException | RuntimeException e) {
            try {
                store.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Content discovery for {@code n}: the given trackers, and the DHT when the node runs one. */
    static ContentDiscovery contentDiscovery(Node n, List<com.kafkaconnectiroh.p2p.base.EndpointAddr> trackers,
            String command, PrintWriter err) {
        return new ContentDiscovery(n.endpoint(), trackers, ContentDiscovery.dhtOf(n.discovery()), TRACKER_TIMEOUT, line -> {
            synchronized (err) {
                err.println("p2p-node " + command + ": " + line);
                err.flush();
            }
        });
    }

    /** Bounds each tracker exchange and DHT search (connecting includes a discovery lookup of a bare id). */
    static final java.time.Duration TRACKER_TIMEOUT = java.time.Duration.ofSeconds(20);

    /** {@code blob send <path>}: adds a file (raw blob) or a folder (collection), prints a ticket, serves. */
    @Command(name = "send", mixinStandardHelpOptions = true,
            description = {"Add a file (or a folder, as a collection) and serve it until stopped (Ctrl-C).",
                "Prints one line on stdout: a blob ticket to give to 'p2p-node blob get' or iroh.",
                "In a folder only regular files are sent: symbolic links, FIFOs, sockets and devices are skipped"
                        + " (each said on stderr)."})
    static final class Send implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "PATH", description = "File or folder to send.",
                converter = Converters.NonEmptyPathConverter.class)
        Path path;

        @Option(names = "--tracker", paramLabel = "ID|TICKET", converter = Converters.EndpointAddrConverter.class,
                description = "Content tracker to announce what this sends to (repeatable): now, then every 10 min while"
                        + " it runs. With --dht-bootstrap it is announced on the DHT too.")
        List<com.kafkaconnectiroh.p2p.base.EndpointAddr> trackers = List.of();

        /** Counted down to stop serving (tests); a signal stops the JVM instead. */
        final CountDownLatch stop = new CountDownLatch(1);

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!Files.exists(path)) {
                err.println("p2p-node: " + path + " does not exist");
                return 2;
            }
            FileKind kind = FileKind.of(path, true);
            if (kind != FileKind.FILE && kind != FileKind.FOLDER) {
                // A FIFO would block here forever, /dev/zero never end: neither has a size to hash and serve.
                err.println("p2p-node blob send: " + path + " is " + kind.words()
                        + "; only regular files and folders can be sent");
                return 2;
            }
            Path dataDir = node.identity.dataDir();
            if (kind == FileKind.FOLDER && dataDir != null && inside(dataDir, path)) {
                // It would ship the node's secret key, and the store's files as they change under the walk.
                err.println("p2p-node blob send: " + path + " holds --data-dir " + dataDir
                        + " (this node's secret key and store); send a folder that does not");
                return 2;
            }
            boolean inPlace = dataDir == null;
            OutboardBudget budget = new OutboardBudget(inPlace);
            Node n;
            try {
                if (kind == FileKind.FILE) {
                    budget.add(path.toString(), Files.size(path));
                }
                // Without --data-dir files are served from where they are: nothing is copied or held but outboards.
                n = start(node, openStore(node, MemBlobStore::referencingFiles),
                        b -> b.protocols(Set.of(Node.Protocol.BLOBS)).blobsProviderListener(new ChangedFiles(err)));
            } catch (CliException e) {
                return e.report(err, "blob send");
            } catch (IOException e) {
                err.println("p2p-node blob send: " + describe(e));
                return 1;
            }
            Blobs blobs = n.blobs();
            Endpoint endpoint = n.endpoint();
            BlobStore store = blobs.store();
            Thread hook = new Thread(() -> shutdown(n, store, err), "blob-send-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                Blobs.AddOutcome added;
                long[] folderBytes = {0};
                try {
                    added = kind == FileKind.FOLDER ? blobs.addFolder(path, TagOption.named("send:" + path.getFileName()),
                            new Blobs.FolderListener() {
                                @Override
                                public void adding(String name, long size) throws IOException {
                                    budget.add(name, size);
                                    folderBytes[0] += size;
                                }

                                @Override
                                public void skipped(String name, String why) {
                                    err.println("p2p-node blob send: skipping " + path.resolve(name) + ": " + why);
                                }
                            })
                            : blobs.add(path, TagOption.named("send:" + path.getFileName()));
                } catch (IOException e) {
                    err.println("p2p-node: cannot add " + path + ": " + describe(e));
                    return 1;
                }
                BlobTicket ticket = blobs.ticket(added.content());
                err.printf(Locale.ROOT, "p2p-node: serving %s (%s, %s) as %s from %s%n", path,
                        added.content().format() == BlobFormat.HASH_SEQ ? "collection" : "blob",
                        bytes(added.content().format() == BlobFormat.HASH_SEQ ? folderBytes[0] : added.size()),
                        added.hash(), endpoint.addr().ipAddrs());
                out.println(ticket);
                out.flush();
                try (ContentDiscovery content = contentDiscovery(n, trackers, "blob send", err)) {
                    if (content.isEnabled()) {
                        content.provide(added.content());
                    }
                    stop.await();
                }
                return 0;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    shutdown(n, store, err);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running already
                }
            }
        }

        private static void shutdown(Node node, BlobStore store, PrintWriter err) {
            node.close();
            try {
                store.close();
            } catch (IOException e) {
                err.println("p2p-node: closing the store: " + e.getMessage());
            }
        }

        /** Says on stderr when a file changed after it was added: its blob is then no longer served. */
        private static final class ChangedFiles implements ProviderListener {
            private final java.util.Set<Hash> told = java.util.concurrent.ConcurrentHashMap.newKeySet();
            private final PrintWriter err;

            ChangedFiles(PrintWriter err) {
                this.err = err;
            }

            @Override
            public void transferAborted(EndpointId peer, GetRequest request, long bytesSent, Exception cause) {
                if (cause instanceof CorruptBlobException c && told.add(c.hash())) {
                    err.println("p2p-node blob send: no longer serving " + c.hash() + ": it changed since it"
                            + " was added (" + c.getMessage() + "); send it again");
                }
            }
        }
    }

    /**
     * Refuses, before anything is hashed, what this JVM could not hold: outboards (64 bytes per 16 KiB) stay in
     * memory, every one while served in place (no {@code --data-dir}), one at a time when copied into a store.
     */
    static final class OutboardBudget {
        private final boolean allHeld;
        private final long limit = Runtime.getRuntime().maxMemory() / 4;
        private long held;

        OutboardBudget(boolean allHeld) {
            this.allHeld = allHeld;
        }

        void add(String name, long size) throws IOException {
            long outboard = new BaoTree(size).outboardSize();
            long need = allHeld ? held + outboard : outboard;
            if (need > limit) {
                throw new IOException(name + " has " + bytes(size) + "; serving " + (held > 0 ? "it and what was"
                        + " added before" : "it") + " needs " + bytes(need) + " of memory for outboards, more than a"
                        + " quarter of this JVM's " + bytes(Runtime.getRuntime().maxMemory()) + " heap (raise it with"
                        + " P2P_NODE_JAVA_OPTS=-Xmx...)");
            }
            held = allHeld ? need : held;
        }
    }

    /** {@code blob get <ticket>}: downloads with verification and writes the file (or folder). */
    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Download what a blob ticket names, verifying every byte, and write it out.",
                "A blob goes to -o (default: ./<hash>); a collection's files go under -o (default: .).",
                "A file is replaced atomically; a FIFO or character device (-o /dev/stdout) is written through."})
    static final class Get implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        /** Downloads again after the stored copy failed verification at most this often. */
        private static final int REPAIRS = 2;

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "TICKET", description = "A blob ticket (blob…), or a blob's hash with --from.")
        String ticketText;

        @Option(names = "--from", paramLabel = "PEER", converter = Converters.EndpointAddrConverter.class,
                description = "Provider of the HASH given instead of a ticket: a bare id (found through discovery),"
                        + " <id>@<ip:port> or an endpoint ticket. The hash names a raw blob.")
        com.kafkaconnectiroh.p2p.base.EndpointAddr from;

        @Option(names = {"-o", "--out"}, paramLabel = "PATH",
                description = "Where to write (file for a blob, folder for a collection).")
        String outText;

        @Option(names = "--tracker", paramLabel = "ID|TICKET", converter = Converters.EndpointAddrConverter.class,
                description = "Content tracker to ask for providers of the HASH given without a ticket or --from"
                        + " (repeatable; with --dht-bootstrap the DHT is asked too).")
        List<com.kafkaconnectiroh.p2p.base.EndpointAddr> trackers = List.of();

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            Hash bare = from == null ? hashOnly(ticketText) : null;
            if (bare != null) {
                if (trackers.isEmpty() && !node.discovery.dhtOn()) {
                    err.println("p2p-node blob get: " + bare + " is a bare hash: say who provides it with --from ID, or"
                            + " where to find providers with --tracker ID or the DHT (--dht-bootstrap IP:PORT or"
                            + " --discovery dht)");
                    return 2;
                }
                try (Cleanup cleanup = new Cleanup()) {
                    return runByHash(bare, cleanup, err);
                }
            }
            BlobTicket ticket;
            try {
                // a hash and a provider (by bare id: discovery finds it) say what a ticket says
                ticket = from != null ? new BlobTicket(from, Hash.parse(ticketText), BlobFormat.RAW)
                        : BlobTicket.parse(ticketText);
            } catch (IllegalArgumentException e) {
                err.println("p2p-node: " + e.getMessage());
                return 2;
            }
            boolean collection = ticket.format() == BlobFormat.HASH_SEQ;
            String usage = checkOut(collection);
            if (usage != null) {
                err.println(usage);
                return 2;
            }
            Path out = outText == null ? Path.of(collection ? "." : ticket.hash().toHex()) : Path.of(outText);
            try (Cleanup cleanup = new Cleanup()) {
                return run(ticket, out, collection, cleanup, err);
            }
        }

        /** What is wrong with {@code -o} before anything is opened (a usage error), or null. */
        private String checkOut(boolean collection) throws IOException {
            if (outText == null) {
                return null;
            }
            Path out = Path.of(outText);
            if (outText.isEmpty()) {
                return "p2p-node blob get: -o is empty; give a file (a folder for a collection)";
            }
            if (!collection && (outText.endsWith("/") || Files.isDirectory(out))) {
                // Checked before downloading: found only afterwards, the download was for nothing.
                return "p2p-node: -o " + outText + " is a folder; a blob is written to a file (-o "
                        + (outText.endsWith("/") ? outText : outText + "/") + "NAME)";
            }
            if (collection && Files.exists(out) && !Files.isDirectory(out)) {
                return "p2p-node: -o " + out + " is a file; a collection's files go under a folder";
            }
            Path dataDir = node.identity.dataDir();
            if (dataDir != null && inside(out, dataDir)) {
                return "p2p-node blob get: -o " + out + " is inside --data-dir " + dataDir
                        + ", which holds this node's key and store; write it elsewhere";
            }
            return null;
        }

        private static Hash hashOnly(String text) {
            try {
                return Hash.parse(text);
            } catch (IllegalArgumentException notAHash) {
                return null; // a ticket, then
            }
        }

        /**
         * {@code blob get HASH --tracker ID}: the node starts first, since the providers (and the format: a raw blob
         * or a collection) come from the trackers and the DHT; then as with a ticket, trying each provider in turn.
         */
        private int runByHash(Hash hash, Cleanup cleanup, PrintWriter err) throws Exception {
            Node started;
            try {
                started = start(node, openStore(node, () -> cleanup.track(TempBlobStore.create()).store()), b -> b);
            } catch (CliException e) {
                return e.report(err, "blob get");
            }
            ContentDiscovery.Found found;
            try (ContentDiscovery content = contentDiscovery(started, trackers, "blob get", err)) {
                found = content.findProviders(hash);
            }
            if (found.providers().isEmpty()) {
                closeQuietly(started);
                err.println("p2p-node blob get: no provider of " + hash + " found (asked " + trackers.size()
                        + " tracker" + (trackers.size() == 1 ? "" : "s")
                        + (node.discovery.dhtOn() ? " and the DHT" : "") + ")");
                return 1;
            }
            boolean collection = found.content().format() == BlobFormat.HASH_SEQ;
            String usage = checkOut(collection);
            if (usage != null) {
                closeQuietly(started);
                err.println(usage);
                return 2;
            }
            Path out = outText == null ? Path.of(collection ? "." : hash.toHex()) : Path.of(outText);
            err.println("p2p-node blob get: " + found.providers().size() + " provider"
                    + (found.providers().size() == 1 ? "" : "s") + " of " + hash + " found");
            BlobTicket ticket = new BlobTicket(found.providers().get(0), hash, found.content().format());
            return run(ticket, found.providers(), started, out, collection, cleanup, err);
        }

        /** Closes {@code started} (when given) and returns {@code exitCode}. */
        private static int closing(Node started, int exitCode) {
            if (started != null) {
                closeQuietly(started);
            }
            return exitCode;
        }

        private static void closeQuietly(Node n) {
            try (BlobStore store = n.blobs().store(); n) {
                // closed
            } catch (IOException | RuntimeException ignored) {
                // nothing was fetched; the error line says why
            }
        }

        private int run(BlobTicket ticket, Path out, boolean collection, Cleanup cleanup, PrintWriter err)
                throws Exception {
            return run(ticket, List.of(ticket.provider()), null, out, collection, cleanup, err);
        }

        /** Fetches from {@code providers} in turn, on {@code started} or a node started here when null. */
        private int run(BlobTicket ticket, List<com.kafkaconnectiroh.p2p.base.EndpointAddr> providers, Node started,
                Path out, boolean collection, Cleanup cleanup, PrintWriter err) throws Exception {
            ExportTarget target = null;
            if (!collection) {
                // Opened (and its part file created and locked) now: a folder that cannot take it fails here.
                try {
                    target = cleanup.track(ExportTarget.open(out));
                } catch (ExportTarget.UnsuitableException e) {
                    err.println("p2p-node blob get: -o " + out + ": " + e.getMessage());
                    return closing(started, 2);
                } catch (IOException e) {
                    err.println("p2p-node blob get: cannot write " + out + ": " + describe(e));
                    return closing(started, 1);
                }
            } else {
                String problem = folderProblem(out);
                if (problem != null) {
                    err.println("p2p-node blob get: " + problem);
                    return closing(started, 1);
                }
            }
            if (started == null) {
                try {
                    // Downloads only: blobs run on the given store, nothing is served.
                    started = start(node, openStore(node, () -> cleanup.track(TempBlobStore.create()).store()), b -> b);
                } catch (CliException e) {
                    return e.report(err, "blob get");
                }
            }
            Blobs blobs = started.blobs();
            try (BlobStore store = blobs.store(); Node n = started) {
                long received = 0;
                for (int round = 0; ; round++) {
                    ProgressBar bar = new ProgressBar(err);
                    DownloadResult r;
                    try {
                        r = blobs.download(ticket.content(), providers, TagOption.auto(), bar);
                    } catch (CorruptBlobException e) {
                        // A stored hash sequence read to follow it: the store kept what verified, so fetch again.
                        bar.end();
                        err.println("p2p-node blob get: " + e.getMessage()
                                + (round < REPAIRS ? "; fetching it again" : "; giving up"));
                        if (round < REPAIRS) {
                            continue;
                        }
                        return 1;
                    } catch (IOException e) {
                        // DownloadException: every provider failed; otherwise the store failed (disk full, ...).
                        bar.end();
                        err.println("p2p-node: download failed: " + describe(e));
                        err.println("p2p-node: nothing was written" + (node.identity.dataDir() == null
                                ? " (the download was staged under " + TempBlobStore.base() + "; set TMPDIR to stage it"
                                        + " elsewhere, or use --data-dir to keep and resume it)"
                                : "; verified parts are kept in " + node.identity.dataDir() + " and the next run resumes"));
                        return 1;
                    }
                    bar.end();
                    received += r.receivedBytes();
                    List<Path> written;
                    try {
                        written = collection ? exportCollection(blobs, ticket, out, cleanup, err) : export(blobs, ticket, target, err);
                    } catch (CorruptBlobException e) {
                        // The store kept what still verified; fetching again completes it.
                        err.println("p2p-node blob get: " + e.getMessage()
                                + (round < REPAIRS ? "; fetching it again" : "; giving up"));
                        if (round < REPAIRS) {
                            continue;
                        }
                        return 1;
                    } catch (IOException e) {
                        err.println("p2p-node: downloaded and verified, but could not write it out: " + describe(e));
                        return 1;
                    }
                    double secs = r.elapsed().toNanos() / 1e9;
                    err.printf(Locale.ROOT, "p2p-node: verified %s (%d blob%s, %s received in %.1f s, %.1f MB/s) -> %s%n",
                            bytes(r.totalBytes()), r.blobs(), r.blobs() == 1 ? "" : "s", bytes(received), secs,
                            secs > 0 ? r.receivedBytes() / 1e6 / secs : 0,
                            written.size() == 1 ? written.get(0) : written.size() + " files");
                    return 0;
                }
            }
        }

        private static List<Path> export(Blobs blobs, BlobTicket ticket, ExportTarget target, PrintWriter err)
                throws IOException {
            try (BlobReader r = blobs.reader(ticket.hash())
                    .orElseThrow(() -> new IOException("blob " + ticket.hash() + " is not complete here"))) {
                target.write(r);
            }
            target.commit();
            replaced(target, err);
            return List.of(target.path());
        }

        private List<Path> exportCollection(Blobs blobs, BlobTicket ticket, Path out, Cleanup cleanup, PrintWriter err)
                throws IOException {
            Path dataDir = node.identity.dataDir();
            return blobs.exportCollection(ticket.hash(), out, new Blobs.CollectionExport() {
                @Override
                public void check(String name, Path file) throws IOException {
                    if (dataDir != null && inside(file, dataDir)) {
                        throw new IOException("collection entry '" + name + "' would be written to " + file
                                + ", inside --data-dir " + dataDir + "; write the collection elsewhere");
                    }
                }

                @Override
                public void opened(String name, ExportTarget target) {
                    cleanup.track(target);
                }

                @Override
                public void written(String name, ExportTarget target) {
                    cleanup.forget(target); // committed: nothing left to clean up (a large collection has many)
                    replaced(target, err);
                }
            });
        }

        private static void replaced(ExportTarget target, PrintWriter err) {
            if (target.kind() == ExportTarget.Kind.REPLACE_FILE) {
                err.println("p2p-node blob get: replaced the existing file " + target.path());
            }
        }

        /** Why a collection cannot go under {@code dir} (checked before downloading), or null. */
        private static String folderProblem(Path dir) {
            Path d = dir.toAbsolutePath();
            while (d != null && !Files.exists(d)) {
                d = d.getParent();
            }
            if (d == null || !Files.isDirectory(d)) {
                return "cannot create the folder " + dir + ": " + d + " is not a folder";
            }
            if (!Files.isWritable(d)) {
                return "cannot write into " + d + ": permission denied (or a read-only file system)";
            }
            return null;
        }
    }

    /** Whether {@code p} is {@code dir} or below it, by name or after resolving links. */
    static boolean inside(Path p, Path dir) {
        Path a = p.toAbsolutePath().normalize();
        Path b = dir.toAbsolutePath().normalize();
        if (a.startsWith(b)) {
            return true;
        }
        try {
            Path existing = a;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.exists(b)) {
                return false;
            }
            Path realA = existing.toRealPath().resolve(existing.relativize(a)).normalize();
            return realA.startsWith(b.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * What a {@code blob get} must not leave behind, removed when it ends, also on SIGINT/SIGTERM: the JVM then
     * runs this as a shutdown hook (and exits with 130/143, as killed commands do), so a part file or the
     * temporary store never outlive it. Only {@code kill -9} can leave them, and the next run reuses or sweeps them.
     */
    static final class Cleanup implements AutoCloseable {
        private final java.util.Deque<AutoCloseable> open = new java.util.concurrent.ConcurrentLinkedDeque<>();
        private final Thread hook = new Thread(this::closeAll, "blob-get-cleanup");

        Cleanup() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        <T extends AutoCloseable> T track(T c) {
            open.push(c);
            return c;
        }

        void forget(AutoCloseable c) {
            open.remove(c);
        }

        private void closeAll() {
            for (AutoCloseable c; (c = open.poll()) != null; ) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // best effort: the rest still goes
                }
            }
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return; // the hook runs
            }
            closeAll();
        }
    }

    /** One self-overwriting line on stderr: bar, percentage, bytes, rate, provider. */
    static final class ProgressBar implements com.kafkaconnectiroh.p2p.blobs.DownloadListener {
        private final PrintWriter err;
        private final long start = System.nanoTime();
        /** Verified bytes at the first event: what an earlier run left, not received now (kept out of the rate). */
        private long alreadyThere = -1;
        private long lastPrint;
        private boolean drawn;

        ProgressBar(PrintWriter err) {
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
