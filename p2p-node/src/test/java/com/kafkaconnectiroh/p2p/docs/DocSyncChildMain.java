package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.docs.store.Query;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Child JVM for {@link DocsCrashTest}: a node on {@code args[0]} (data dir) joins the ticket {@code args[1]} and
 * prints its progress ({@code inserted N}, {@code content N}), then {@code synced ENTRIES COMPLETE} once a sync
 * finished and every entry's content is here, and exits.
 */
public final class DocSyncChildMain {
    public static void main(String[] args) throws Exception {
        // What the sync engine decides goes to the log the test shows on failure.
        System.setProperty("org.slf4j.simpleLogger.log.com.kafkaconnectiroh.p2p.docs", "debug");
        DocTicket ticket = DocTicket.parse(args[1]);
        try (Node node = Node.builder().dataDir(Path.of(args[0])).bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            Doc doc = node.docs().importTicket(ticket);
            System.out.println("ready " + doc.entryCount());
            int inserted = 0;
            int content = 0;
            boolean synced = false;
            try (DocSubscription events = doc.subscribe()) {
                doc.startSync(ticket.nodes());
                while (true) {
                    DocEvent e = events.next(Duration.ofSeconds(120));
                    if (e == null) {
                        System.out.println("timeout");
                        System.exit(3);
                    }
                    if (e instanceof DocEvent.InsertRemote && ++inserted % 250 == 0) {
                        System.out.println("inserted " + inserted);
                    } else if (e instanceof DocEvent.ContentReady && ++content % 250 == 0) {
                        System.out.println("content " + content);
                    } else if (e instanceof DocEvent.SyncFinished s) {
                        synced |= s.ok();
                        System.out.println(s.ok() ? "sync-ok " + s.outcome().received() : "sync-failed " + s.error());
                    } else if (e instanceof DocEvent.PendingContentReady && synced) {
                        break;
                    } else if (e instanceof DocEvent.NeighborUp || e instanceof DocEvent.NeighborDown) {
                        System.out.println(e);
                    }
                }
            }
            int complete = 0;
            for (SignedEntry e : doc.query(Query.all())) {
                if (doc.content(e).isPresent()) {
                    complete++;
                }
            }
            System.out.println("synced " + doc.entryCount() + " " + complete);
        }
    }
}
