package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.docs.Doc;
import com.kafkaconnectiroh.p2p.docs.DocEvent;
import com.kafkaconnectiroh.p2p.docs.DocSubscription;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.EntryKeyText;
import com.kafkaconnectiroh.p2p.docs.proto.NamespaceId;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.InsertException;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code p2p-node doc create|join|set|get|del|list|share|watch}: iroh-docs documents from the command line. With
 * {@code --data-dir D} the node's key, blobs and documents persist in D; without it everything is gone when the
 * command ends. Names, arguments, output lines and exit codes are a contract (docs/cli.md): 0 ok, 1 failure (one
 * line on stderr, {@code p2p-node doc <command>: …}), 2 bad usage. One command at a time per data dir (the store
 * is locked while a command runs).
 */
@Command(name = "doc", mixinStandardHelpOptions = true,
        description = "iroh-docs documents: create, join by ticket, set/get/delete keys, list, share, watch (/iroh-sync/1).",
        subcommands = {DocCommand.Create.class, DocCommand.Join.class, DocCommand.Set.class, DocCommand.Get.class,
                DocCommand.Del.class, DocCommand.ListCmd.class, DocCommand.Share.class, DocCommand.Watch.class})
final class DocCommand implements Callable<Integer> {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    /** {@code doc list} shows content inline up to this size. */
    static final int INLINE_LIMIT = 4096;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Starts the node (1 s keep-alives, as iroh, for live sync); exit 1 (2 for a malformed --secret) if it cannot. */
    static Node start(NodeOptions opts) throws CliException {
        Node.Builder b = opts.nodeBuilder(null).protocols(EnumSet.allOf(Node.Protocol.class))
                .transportConfig(new TransportConfig().keepAliveInterval(Duration.ofSeconds(1)));
        if (opts.identity.dataDir() != null) {
            b.dataDir(opts.identity.dataDir());
        }
        try {
            return b.spawn();
        } catch (IOException | RuntimeException e) {
            throw new CliException(String.valueOf(e.getMessage()), EXIT_FAILURE, e);
        }
    }

    /** The document named by DOC (64 hex characters): exit 2 if malformed, 1 if this node does not hold it. */
    static Doc open(Node node, String doc) throws CliException {
        NamespaceId id;
        try {
            id = NamespaceId.parse(doc);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), EXIT_USAGE, e);
        }
        return node.docs().open(id).orElseThrow(() -> new CliException("no document " + id + " here"
                + (node.docs().list().isEmpty() ? " (this node holds none; use --data-dir)" : ""), EXIT_FAILURE, null));
    }

    /**
     * A key as the CLI prints it: the text itself when it is UTF-8 without control characters, else
     * {@code <key HEX>}.
     */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs {@code body} on a started node, turning failures into the one-line report and exit code. */
    interface Body {
        int run(Node node, PrintWriter out, PrintWriter err) throws Exception;
    }

    static int run(CommandSpec spec, String name, NodeOptions opts, Body body) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Node node = start(opts)) {
            return body.run(node, out, err);
        } catch (CliException e) {
            return GossipCommand.report(err, "doc " + name, e);
        } catch (InsertException e) {
            return GossipCommand.report(err, "doc " + name, new CliException(e.getMessage(), EXIT_FAILURE, e));
        } catch (IOException | RuntimeException e) {
            return GossipCommand.report(err, "doc " + name, new CliException(String.valueOf(e.getMessage()), EXIT_FAILURE, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return GossipCommand.report(err, "doc " + name, new CliException("interrupted", EXIT_FAILURE, e));
        } catch (Exception e) {
            return GossipCommand.report(err, "doc " + name, new CliException(String.valueOf(e.getMessage()), EXIT_FAILURE, e));
        } finally {
            out.flush();
            err.flush();
        }
    }

    // ================================================================================================

    /** What every subcommand takes: the command spec (for its output streams) and the node options. */
    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NodeOptions node = new NodeOptions();
    }

    /** A subcommand whose first argument is the document. */
    abstract static class OnDoc extends Sub {
        @Parameters(index = "0", paramLabel = "DOC", description = "Document id (64 hex).")
        String doc;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a new document (this node may write it).",
                "stdout: its id (64 hex), the DOC every other doc command takes."})
    static final class Create extends Sub {

        @Override
        public Integer call() {
            return run(spec, "create", node, (n, out, err) -> {
                Doc doc = n.docs().create();
                n.docs().defaultAuthor();
                out.println(doc.id());
                return 0;
            });
        }
    }

    @Command(name = "join", mixinStandardHelpOptions = true,
            description = {"Import a doc ticket, sync with its peers until the first sync finished and the content is "
                    + "downloaded, then exit.",
                "stdout: the document id. Exit 1 (one line on stderr) if no peer could be synced with or content is missing."})
    static final class Join extends Sub {

        @Parameters(index = "0", paramLabel = "TICKET", description = "A doc ticket (doc…), read or write.")
        String ticketText;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "120s",
                converter = Converters.DurationConverter.class,
                description = "Give up (exit 1) after this long (default ${DEFAULT-VALUE}).")
        Duration timeout;

        @Override
        public Integer call() {
            DocTicket ticket;
            try {
                ticket = DocTicket.parse(ticketText);
            } catch (IllegalArgumentException e) {
                return GossipCommand.report(spec.commandLine().getErr(), "doc join", new CliException(e.getMessage(), EXIT_USAGE, e));
            }
            return run(spec, "join", node, (n, out, err) -> {
                Doc doc = n.docs().importTicket(ticket);
                long deadline = System.nanoTime() + timeout.toNanos();
                List<String> failures = new ArrayList<>();
                try (DocSubscription events = doc.subscribe()) {
                    doc.startSync(ticket.nodes());
                    boolean synced = false;
                    while (true) {
                        long left = deadline - System.nanoTime();
                        DocEvent e = left > 0 ? events.next(Duration.ofNanos(left)) : null;
                        if (e == null) {
                            throw new CliException((synced ? "content still downloading" : "no sync finished")
                                    + " after " + ConnectFailures.time(timeout)
                                    + (failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")"), EXIT_FAILURE, null);
                        }
                        if (e instanceof DocEvent.SyncFinished s) {
                            if (s.ok()) {
                                synced = true;
                                err.println("p2p-node: synced with " + s.peer().fmtShort() + ": " + s.outcome().received()
                                        + " entries received, " + s.outcome().sent() + " sent");
                                err.flush();
                            } else {
                                failures.add(s.peer().fmtShort() + ": " + s.error());
                                if (!synced && failures.size() >= ticket.nodes().size()) {
                                    throw new CliException("could not sync with " + (failures.size() == 1 ? "the peer"
                                            : "any of the " + failures.size() + " peers") + ": " + String.join("; ", failures),
                                            EXIT_FAILURE, null);
                                }
                            }
                        } else if (e instanceof DocEvent.PendingContentReady && synced) {
                            break;
                        }
                    }
                }
                int missing = 0;
                for (SignedEntry e : doc.query(Query.singleLatestPerKey())) {
                    if (doc.downloadPolicy().matches(e.key()) && doc.content(e).isEmpty()) {
                        missing++;
                    }
                }
                if (missing > 0) {
                    throw new CliException("the content of " + missing + " entr" + (missing == 1 ? "y" : "ies")
                            + " could not be downloaded", EXIT_FAILURE, null);
                }
                out.println(doc.id());
                return 0;
            });
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Set KEY to VALUE (or to the contents of --file) as this node's default author."})
    static final class Set extends OnDoc {

        @Parameters(index = "1", paramLabel = "KEY", description = "The key (its UTF-8 bytes).")
        String key;

        @Parameters(index = "2", paramLabel = "VALUE", arity = "0..1", description = "The value (its UTF-8 bytes).")
        String value;

        @Option(names = "--file", paramLabel = "F", description = "Take the value from this file instead.")
        Path file;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if ((value == null) == (file == null)) {
                return GossipCommand.report(err, "doc set", new CliException(
                        "give either VALUE or --file F", EXIT_USAGE, null));
            }
            if (file != null && !Files.isRegularFile(file)) {
                return GossipCommand.report(err, "doc set", new CliException(file + " is not a readable file", EXIT_USAGE, null));
            }
            return run(spec, "set", node, (n, out, e) -> {
                Doc d = open(n, doc);
                if (file != null) {
                    d.setFile(n.docs().defaultAuthor(), utf8(key), file);
                } else {
                    d.set(utf8(key), utf8(value));
                }
                return 0;
            });
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Print the content of KEY's latest entry (any author), raw, on stdout.",
                "Exit 1 if there is no such key or its content is not here."})
    static final class Get extends OnDoc {

        @Parameters(index = "1", paramLabel = "KEY", description = "The key (its UTF-8 bytes).")
        String key;

        @Override
        public Integer call() {
            return run(spec, "get", node, (n, out, err) -> {
                Doc d = open(n, doc);
                SignedEntry e = d.get(utf8(key)).orElseThrow(() -> new CliException("no entry for key '" + key + "'",
                        EXIT_FAILURE, null));
                byte[] content = d.content(e).orElseThrow(() -> new CliException("the content of '" + key + "' ("
                        + e.contentHash() + ", " + Long.toUnsignedString(e.contentLen()) + " bytes) is not here",
                        EXIT_FAILURE, null));
                StdoutWriter.writeRaw(out, content);
                return 0;
            });
        }
    }

    @Command(name = "del", mixinStandardHelpOptions = true,
            description = {"Delete every entry of this node's default author whose key starts with PREFIX.",
                "stdout: how many entries were deleted."})
    static final class Del extends OnDoc {

        @Parameters(index = "1", paramLabel = "PREFIX", description = "Key prefix (its UTF-8 bytes); a whole key deletes that key.")
        String prefix;

        @Override
        public Integer call() {
            return run(spec, "del", node, (n, out, err) -> {
                out.println(open(n, doc).delete(utf8(prefix)));
                return 0;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"One line per key, sorted by key (the latest entry per key): the key, a tab, and the content "
                    + "as text when it is single-line UTF-8 of at most 4 KiB, otherwise <blob HASH SIZE>."})
    static final class ListCmd extends OnDoc {

        @Option(names = "--prefix", paramLabel = "P", description = "Only keys starting with P.")
        String prefix;

        @Override
        public Integer call() {
            return run(spec, "list", node, (n, out, err) -> {
                Doc d = open(n, doc);
                Query q = Query.singleLatestPerKey();
                if (prefix != null) {
                    q = q.withKeyPrefix(utf8(prefix));
                }
                IOException[] failure = {null};
                d.forEach(q, e -> {
                    try {
                        out.println(EntryKeyText.display(e.key()) + "\t" + shown(d, e));
                        return true;
                    } catch (IOException x) {
                        failure[0] = x;
                        return false;
                    }
                });
                if (failure[0] != null) {
                    throw failure[0];
                }
                return 0;
            });
        }

        static String shown(Doc d, SignedEntry e) throws IOException {
            if (Long.compareUnsigned(e.contentLen(), INLINE_LIMIT) <= 0) {
                Optional<byte[]> content = d.content(e);
                if (content.isPresent()) {
                    Optional<String> t = EntryKeyText.utf8(content.get());
                    if (t.isPresent() && t.get().indexOf('\n') < 0 && t.get().indexOf('\r') < 0) {
                        return t.get();
                    }
                }
            }
            return "<blob " + e.contentHash() + " " + Long.toUnsignedString(e.contentLen()) + ">";
        }
    }

    @Command(name = "share", mixinStandardHelpOptions = true,
            description = {"Print a doc ticket on the first stdout line, then serve the document (sync and content) "
                    + "until Ctrl-C or SIGTERM."})
    static final class Share extends OnDoc {

        @Parameters(index = "1", paramLabel = "MODE", description = "read or write: what the ticket lets others do.")
        String mode;

        @Override
        public Integer call() {
            if (!mode.equals("read") && !mode.equals("write")) {
                return GossipCommand.report(spec.commandLine().getErr(), "doc share",
                        new CliException("MODE must be read or write, got '" + mode + "'", EXIT_USAGE, null));
            }
            return serve(spec, "share", node, doc, (n, d, out, err) -> {
                if (mode.equals("write") && !d.isWritable()) {
                    throw new CliException("document " + d.id() + " is read-only here; share it with mode read",
                            EXIT_FAILURE, null);
                }
                DocTicket t = d.share(mode.equals("write"));
                out.println(t);
                out.flush();
                err.println("p2p-node: serving document " + d.id() + " (" + d.entryCount() + " entries, " + mode
                        + " ticket) from " + addrs(n) + "; until Ctrl-C or SIGTERM");
                err.flush();
                return null;
            });
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = {"Sync the document live (with the peers it synced with before, and --peer) and print one "
                    + "line per change until Ctrl-C or SIGTERM:",
                "insert-local<TAB>KEY<TAB>AUTHOR<TAB>HASH<TAB>SIZE, insert-remote<TAB>KEY<TAB>AUTHOR<TAB>HASH<TAB>SIZE<TAB>FROM, "
                        + "content-ready<TAB>HASH."})
    static final class Watch extends OnDoc {

        @Option(names = "--peer", paramLabel = "PEER", converter = Converters.EndpointAddrConverter.class,
                description = "Also sync with this peer: an endpoint…/node… ticket, <id>@<ip:port>[,…] or a bare id. Repeatable.")
        List<EndpointAddr> peers = new ArrayList<>();

        @Override
        public Integer call() {
            return serve(spec, "watch", node, doc, (n, d, out, err) -> {
                DocSubscription events = d.subscribe();
                d.startSync(peers);
                err.println("p2p-node: watching document " + d.id() + " from " + addrs(n) + " (peers: those it synced "
                        + "with before" + (peers.isEmpty() ? "" : ", " + GossipCommand.describe(peers))
                        + "); until Ctrl-C or SIGTERM");
                err.flush();
                return events;
            });
        }
    }

    static String addrs(Node n) {
        return n.addr().ipAddrs().stream().map(SocketAddrs::format).collect(Collectors.joining(","));
    }

    /** Sets up a serving command; returns the events to print (watch) or null (share). */
    interface ServeSetup {
        DocSubscription setUp(Node node, Doc doc, PrintWriter out, PrintWriter err) throws Exception;
    }

    /** Runs a long-lived command: set up, then print events (if any) until a signal. Exit 0 when stopped. */
    static int serve(CommandSpec spec, String name, NodeOptions opts, String docText, ServeSetup setup) {
        try (StopSignal stop = new StopSignal()) {
            return run(spec, name, opts, (n, out, err) -> {
                Doc d = open(n, docText);
                DocSubscription events = setup.setUp(n, d, out, err);
                if (events == null) {
                    String why = stop.await();
                    err.println("p2p-node: stopping (" + why + ")");
                    return 0;
                }
                Thread stopper = new Thread(() -> {
                    String why = stop.await();
                    err.println("p2p-node: stopping (" + why + ")");
                    err.flush();
                    events.close();
                }, "p2p-node-doc-stop");
                stopper.setDaemon(true);
                stopper.start();
                DocEvent e;
                while ((e = events.next()) != null) {
                    String line = watchLine(e);
                    if (line != null) {
                        out.println(line);
                        out.flush();
                    } else if (e instanceof DocEvent.SyncFinished s) {
                        err.println("p2p-node: sync with " + s.peer().fmtShort() + (s.ok() ? ": " + s.outcome().received()
                                + " entries received, " + s.outcome().sent() + " sent" : " failed: " + s.error()));
                        err.flush();
                    } else if (e instanceof DocEvent.Lagged) {
                        err.println("p2p-node: output fell behind; some events were dropped (the entries are stored)");
                        err.flush();
                    }
                }
                return 0;
            });
        }
    }

    /** The stdout line for a change event, or null for the others. */
    static String watchLine(DocEvent e) {
        if (e instanceof DocEvent.InsertLocal l) {
            SignedEntry en = l.change().entry();
            return "insert-local\t" + EntryKeyText.display(en.key()) + "\t" + en.author() + "\t" + en.contentHash()
                    + "\t" + Long.toUnsignedString(en.contentLen());
        }
        if (e instanceof DocEvent.InsertRemote r) {
            SignedEntry en = r.change().entry();
            return "insert-remote\t" + EntryKeyText.display(en.key()) + "\t" + en.author() + "\t" + en.contentHash()
                    + "\t" + Long.toUnsignedString(en.contentLen()) + "\t" + r.from();
        }
        if (e instanceof DocEvent.ContentReady c) {
            return "content-ready\t" + c.hash();
        }
        return null;
    }
}
