/**
 * iroh-docs without I/O: keys and ids, signed entries and their encoding, capabilities and doc tickets, author heads,
 * the {@code /iroh-sync/1} frames and gossip ops, entry validation and batch verification, and the
 * {@link com.kafkaconnectiroh.p2p.docs.proto.Reconciler} (range-based set reconciliation over a
 * {@link com.kafkaconnectiroh.p2p.docs.proto.ReplicaView}: a message in, the answer out).
 *
 * <pre>{@code
 * Reconciler alice = new Reconciler(viewA), bob = new Reconciler(viewB);
 * SyncMessage m = alice.initialMessage();
 * for (boolean bobsTurn = true; m != null; bobsTurn = !bobsTurn) {
 *     m = (bobsTurn ? bob : alice).process(m, nowMicros);   // null: the session is over
 * }
 * }</pre>
 */
package com.kafkaconnectiroh.p2p.docs.proto;
