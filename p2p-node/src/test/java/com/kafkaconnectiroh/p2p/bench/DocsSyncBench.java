package com.kafkaconnectiroh.p2p.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.kafkaconnectiroh.p2p.docs.Doc;
import com.kafkaconnectiroh.p2p.docs.DocEvent;
import com.kafkaconnectiroh.p2p.docs.DocSubscription;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Document sync: initial sync of N entries (values {@code value-<i>}, a few bytes each) into an empty replica, in
 * all four pairings of iroh 0.35 (the npm harness, {@code --docs}, memory stores) and Java, then live-update
 * latency. Times run from the reader's import of a read ticket to its first finished sync ({@code sync}: every
 * entry stored) and to its N-th content-ready event ({@code +content}: every value downloaded), both taken from each
 * side's own events, so no polling skews them. Every reader is
 * checked afterwards: N entries, all content.
 *
 * <p>Live updates: the writer sets a new key in a synced document; the time until the reader's insert event, and
 * until its content-ready event. iroh's are observed through the harness (one JSON command, one JSON event).
 *
 * <p>Args: {@code [sizes=10000,100000] [updates=20] [runs=3]}: each pairing runs {@code runs} times, interleaved
 * with the others, against the same writers; the median run is reported (the machine is shared). {@code -Dbench.javaStore=file} puts the Java readers' blobs and
 * documents in a data dir (crash-safe file stores) instead of memory.
 */
public final class DocsSyncBench {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static final Duration TIMEOUT = Duration.ofMinutes(20);
    private static final boolean FILE_STORE = "file".equals(System.getProperty("bench.javaStore"));

    record Timing(String pairing, int entries, double syncMs, double contentMs) {
    }

    /** The run with the median sync time; all runs' sync times are printed as it goes. */
    static Timing median(List<Timing> runs) {
        List<Timing> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(Timing::syncMs));
        Timing m = sorted.get(sorted.size() / 2);
        List<Double> contents = new ArrayList<>(runs.stream().map(Timing::contentMs).toList());
        contents.sort(null);
        return new Timing(m.pairing, m.entries, m.syncMs, contents.get(contents.size() / 2));
    }

    private DocsSyncBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "10000,100000").split(",")).mapToInt(Integer::parseInt).toArray();
        int updates = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf("DocsSyncBench sizes=%s updates=%d javaStore=%s cores=%d load=%s%n", Arrays.toString(sizes),
                updates, FILE_STORE ? "file" : "memory", Runtime.getRuntime().availableProcessors(), load());
        warmUp();
        List<Timing> results = new ArrayList<>();
        for (int n : sizes) {
            results.addAll(initialSync(n, runs));
        }
        System.out.println();
        System.out.println("| pairing | entries | sync ms (median) | sync + content ms (median) | sync vs iroh→iroh |");
        System.out.println("|---|---|---|---|---|");
        for (Timing t : results) {
            Timing base = results.stream().filter(r -> r.entries == t.entries && r.pairing.equals("iroh → iroh")).findFirst().orElse(t);
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f |%n", t.pairing, t.entries, t.syncMs, t.contentMs,
                    t.syncMs / base.syncMs);
        }
        liveUpdates(updates);
        System.out.println("load after: " + load());
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    /** JIT warm-up: a small Java → Java sync, untimed. */
    static void warmUp() throws Exception {
        try (Node w = Node.builder().bindAddr(LOOPBACK).spawn()) {
            DocTicket t = javaWriter(w, 3000);
            for (int i = 0; i < 2; i++) {
                javaReader("warm-up", t, 3000);
            }
        }
    }

    static List<Timing> initialSync(int n, int runs) throws Exception {
        List<Timing> out = new ArrayList<>();
        try (IrohPeer irohWriter = IrohPeer.start(IrohVersion.V035, PeerOption.docs(), PeerOption.name("bench-docs-writer"),
                PeerOption.callTimeout(TIMEOUT));
                Node javaWriter = Node.builder().bindAddr(LOOPBACK).spawn()) {
            long t0 = System.nanoTime();
            String docId = irohWriter.call("doc-create").path("doc").asText();
            JsonNode written = irohWriter.call("doc-set-many", IrohPeer.params("doc", docId, "count", n, "prefix", "key-",
                    "valuePrefix", "value-"), TIMEOUT);
            String irohTicket = irohWriter.call("doc-share", "doc", docId, "mode", "read").path("ticket").asText();
            System.out.printf(Locale.ROOT, "%d entries written by iroh in %.1f s%n", n, written.path("ms").asDouble() / 1000);
            t0 = System.nanoTime();
            DocTicket javaTicket = javaWriter(javaWriter, n);
            System.out.printf(Locale.ROOT, "%d entries written by Java in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);

            List<List<Timing>> all = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int run = 0; run < runs; run++) {
                all.get(0).add(irohReader("iroh → iroh", irohTicket, n));
                all.get(1).add(javaReader("iroh → Java", DocTicket.parse(irohTicket), n));
                all.get(2).add(irohReader("Java → iroh", javaTicket.toString(), n));
                all.get(3).add(javaReader("Java → Java", javaTicket, n));
            }
            for (List<Timing> t : all) {
                out.add(median(t));
            }
        }
        return out;
    }

    static DocTicket javaWriter(Node w, int n) throws Exception {
        Doc doc = w.docs().create();
        com.kafkaconnectiroh.p2p.docs.proto.Author author = w.docs().defaultAuthor();
        for (int from = 0; from < n; from += 5000) {
            com.kafkaconnectiroh.p2p.docs.DocBatch b = doc.batch();
            for (int i = from; i < Math.min(n, from + 5000); i++) {
                b.set(author, String.format("key-%07d", i).getBytes(StandardCharsets.UTF_8), ("value-" + i).getBytes(StandardCharsets.UTF_8));
            }
            b.commit();
        }
        return doc.share(false);
    }

    static Timing irohReader(String pairing, String ticket, int n) {
        try (IrohPeer r = IrohPeer.start(IrohVersion.V035, PeerOption.docs(), PeerOption.name("bench-docs-reader"),
                PeerOption.callTimeout(TIMEOUT))) {
            JsonNode res = r.call("doc-import", IrohPeer.params("ticket", ticket, "waitSync", true, "content", true,
                    "expectContent", n, "timeoutMs", TIMEOUT.toMillis()), TIMEOUT.plusMinutes(1));
            check(pairing, n, res.path("count").asInt(), res.path("complete").asInt());
            return report(new Timing(pairing, n, res.path("syncMs").asDouble(), res.path("contentMs").asDouble()));
        }
    }

    static Timing javaReader(String pairing, DocTicket ticket, int n) throws Exception {
        Path dir = FILE_STORE ? Files.createTempDirectory("docs-bench") : null;
        // every entry's events are counted: room for all of them
        Node.Builder b = Node.builder().bindAddr(LOOPBACK)
                .docs(com.kafkaconnectiroh.p2p.docs.DocsConfig.DEFAULT.withSubscriberCapacity(3 * n + 100));
        if (dir != null) {
            b.dataDir(dir);
        }
        try (Node r = b.spawn()) {
            Doc doc = r.docs().importTicket(ticket);
            double syncMs = -1;
            double contentMs;
            int ready = 0;
            try (DocSubscription events = doc.subscribe()) {
                long t0 = System.nanoTime();
                doc.startSync(ticket.nodes());
                while (true) {
                    DocEvent e = events.next(TIMEOUT);
                    if (e == null) {
                        throw new IllegalStateException(pairing + ": no sync within " + TIMEOUT);
                    }
                    if (e instanceof DocEvent.SyncFinished s && s.ok() && syncMs < 0) {
                        syncMs = (System.nanoTime() - t0) / 1e6;
                    } else if (e instanceof DocEvent.ContentReady) {
                        ready++;
                    } else if (e instanceof DocEvent.Lagged) {
                        throw new IllegalStateException(pairing + ": events dropped; raise the subscriber capacity");
                    }
                    if (syncMs >= 0 && ready >= n) {
                        contentMs = (System.nanoTime() - t0) / 1e6;
                        break;
                    }
                }
            }
            List<SignedEntry> latest = doc.query(Query.singleLatestPerKey());
            int complete = 0;
            for (SignedEntry e : latest) {
                complete += doc.contentStatus(e) == com.kafkaconnectiroh.p2p.docs.proto.ContentStatus.COMPLETE ? 1 : 0;
            }
            check(pairing, n, latest.size(), complete);
            return pairing.equals("warm-up") ? null : report(new Timing(pairing, n, syncMs, contentMs));
        }
    }

    static void check(String pairing, int n, int count, int complete) {
        if (count != n || complete != n) {
            throw new IllegalStateException(pairing + ": expected " + n + " entries with content, got " + count
                    + " entries, " + complete + " with content");
        }
    }

    static Timing report(Timing t) {
        System.out.printf(Locale.ROOT, "%-12s %7d entries: sync %8.0f ms, with content %8.0f ms   (load %s)%n", t.pairing,
                t.entries, t.syncMs, t.contentMs, load());
        return t;
    }

    // ================================================================================================
    // Live updates

    static void liveUpdates(int updates) throws Exception {
        System.out.println();
        System.out.println("| live update | insert p50 ms | insert p90 ms | content p50 ms | content p90 ms |");
        System.out.println("|---|---|---|---|---|");
        for (String pairing : List.of("iroh → iroh", "iroh → Java", "Java → iroh", "Java → Java")) {
            liveUpdates(pairing, updates);
        }
    }

    interface Writer {
        /** Sets key → value; returns the content hash (hex). */
        String set(String key, String value) throws Exception;
    }

    interface Reader {
        /** Waits for the insert of {@code key}, then for the content {@code hashHex}; returns both times (ns). */
        long[] await(String key, String hashHex, long t0) throws Exception;
    }

    static void liveUpdates(String pairing, int updates) throws Exception {
        boolean irohWrites = pairing.startsWith("iroh");
        boolean irohReads = pairing.endsWith("iroh");
        List<AutoCloseable> closing = new ArrayList<>();
        try {
            Writer writer;
            String ticket;
            if (irohWrites) {
                IrohPeer w = IrohPeer.start(IrohVersion.V035, PeerOption.docs(), PeerOption.name("bench-live-writer"));
                closing.add(w);
                String doc = w.call("doc-create").path("doc").asText();
                w.call("doc-set", "doc", doc, "key", "seed", "hex", "00");
                ticket = w.call("doc-share", "doc", doc, "mode", "read").path("ticket").asText();
                writer = (k, v) -> w.call("doc-set", "doc", doc, "key", k, "hex",
                        com.kafkaconnectiroh.p2p.base.Hex.encode(v.getBytes(StandardCharsets.UTF_8))).path("hashHex").asText();
            } else {
                Node w = Node.builder().bindAddr(LOOPBACK).spawn();
                closing.add(w);
                Doc doc = w.docs().create();
                doc.set("seed".getBytes(StandardCharsets.UTF_8), new byte[] {0});
                ticket = doc.share(false).toString();
                writer = (k, v) -> doc.set(k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8)).contentHash().toHex();
            }
            Reader reader;
            if (irohReads) {
                IrohPeer r = IrohPeer.start(IrohVersion.V035, PeerOption.docs(), PeerOption.name("bench-live-reader"));
                closing.add(r);
                r.call("doc-import", IrohPeer.params("ticket", ticket, "subscribe", true, "count", 1, "timeoutMs", 60_000),
                        Duration.ofSeconds(70));
                reader = (key, hash, t0) -> {
                    r.awaitEvent("doc", e -> e.path("kind").asText().equals("insert-remote")
                            && key.equals(e.path("entry").path("key").asText()), Duration.ofSeconds(60));
                    long inserted = System.nanoTime() - t0;
                    r.awaitEvent("doc", e -> e.path("kind").asText().equals("content-ready")
                            && hash.equals(e.path("hashHex").asText()), Duration.ofSeconds(60));
                    return new long[] {inserted, System.nanoTime() - t0};
                };
            } else {
                Node r = Node.builder().bindAddr(LOOPBACK).spawn();
                closing.add(r);
                DocTicket t = DocTicket.parse(ticket);
                Doc doc = r.docs().importTicket(t);
                DocSubscription events = doc.subscribe();
                closing.add(events);
                doc.startSync(t.nodes());
                while (!(events.next(Duration.ofSeconds(60)) instanceof DocEvent.PendingContentReady)) {
                    // until the first sync and its content are done
                }
                reader = (key, hash, t0) -> {
                    long inserted = -1;
                    while (true) {
                        DocEvent e = events.next(Duration.ofSeconds(60));
                        if (e == null) {
                            throw new IllegalStateException("no update for " + key);
                        }
                        if (e instanceof DocEvent.InsertRemote in && new String(in.change().entry().key(), StandardCharsets.UTF_8).equals(key)) {
                            inserted = System.nanoTime() - t0;
                        } else if (e instanceof DocEvent.ContentReady c && c.hash().toHex().equals(hash) && inserted >= 0) {
                            return new long[] {inserted, System.nanoTime() - t0};
                        }
                    }
                };
            }
            Thread.sleep(2000); // let the swarm settle (neighbors up both ways)
            double[] insert = new double[updates];
            double[] content = new double[updates];
            for (int i = 0; i < updates; i++) {
                String key = "live-" + i;
                String value = "update " + i + " " + System.nanoTime();
                long t0 = System.nanoTime();
                String hash = writer.set(key, value);
                long[] t = reader.await(key, hash, t0);
                insert[i] = t[0] / 1e6;
                content[i] = t[1] / 1e6;
                Thread.sleep(100);
            }
            Arrays.sort(insert);
            Arrays.sort(content);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f |%n", pairing, insert[updates / 2],
                    insert[updates * 9 / 10], content[updates / 2], content[updates * 9 / 10]);
        } finally {
            for (int i = closing.size() - 1; i >= 0; i--) {
                closing.get(i).close();
            }
        }
    }
}
