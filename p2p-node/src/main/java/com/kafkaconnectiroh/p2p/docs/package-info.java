/**
 * iroh-docs on a node: {@link com.kafkaconnectiroh.p2p.docs.Docs} (the engine, {@code node.docs()}) and
 * {@link com.kafkaconnectiroh.p2p.docs.Doc} (one document), with the drivers around the sans-IO core: sync
 * sessions on {@code /iroh-sync/1} ({@code SyncDriver}), live sync over the document's gossip topic
 * ({@code LiveDoc}) and content downloads ({@code ContentFetcher}).
 *
 * <pre>{@code
 * try (Node a = Node.builder().spawn(); Node b = Node.builder().spawn()) {
 *     Doc doc = a.docs().create();
 *     doc.set("greeting".getBytes(UTF_8), "hello".getBytes(UTF_8));
 *     DocTicket ticket = doc.share(false);                     // read ticket; a serves and syncs live
 *     Doc copy = b.docs().join(ticket);                        // b imports, syncs, follows
 *     try (DocSubscription events = copy.subscribe()) {
 *         DocEvent e = events.next(Duration.ofSeconds(10));    // InsertRemote, ContentReady, SyncFinished, ...
 *     }
 * }
 * }</pre>
 *
 * See docs/docs.md for the wire formats, the store and the differences from iroh.
 */
package com.kafkaconnectiroh.p2p.docs;
