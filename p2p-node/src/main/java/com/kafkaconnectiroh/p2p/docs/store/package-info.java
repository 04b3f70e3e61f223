/**
 * The persistent replica store: every document of a node in one H2 MVStore file (or memory), with iroh's keep rules
 * (last writer wins per author and key, prefix deletion), indexes by key, author and prefix, queries, author heads,
 * a local change feed, and the ordered access reconciliation needs ({@link com.kafkaconnectiroh.p2p.docs.store.SyncView}).
 *
 * <pre>{@code
 * try (ReplicaStore store = ReplicaStore.open(dir.resolve("docs.db"))) {
 *     Replica r = store.importReplica(new Capability.Write(NamespaceSecret.generate()));
 *     r.insertLocal(store.defaultAuthor(), key, hash, len);       // signed, committed, fsynced
 *     r.query(Query.singleLatestPerKey().withKeyPrefix(prefix));
 *     r.changes(lastSeenSeq, 1000);                              // what changed since
 * }
 * }</pre>
 */
package com.kafkaconnectiroh.p2p.docs.store;
