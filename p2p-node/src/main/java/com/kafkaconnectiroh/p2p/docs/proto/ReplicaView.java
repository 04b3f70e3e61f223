package com.kafkaconnectiroh.p2p.docs.proto;

import java.util.List;

/**
 * What the {@link Reconciler} needs of one replica: ordered access to its entries and a way to store the peer's.
 * Bounds are record identifiers, {@code lo} inclusive and {@code hi} exclusive; {@code null} stands for the
 * start or end of this document's entries. Implementations keep every bound within this document: a bound
 * outside it is as good as the document's start or end.
 *
 * <p>The reconciler calls these from one thread per session; the implementation decides how sessions and local
 * writes to the same replica interleave (ours hold the replica's lock for one whole message).
 */
public interface ReplicaView {
    NamespaceId namespace();

    /** The smallest identifier held, or {@link RecordIdentifier#ZERO} when the replica is empty (as iroh). */
    RecordIdentifier first();

    /** How many entries lie in {@code [lo, hi)} and the XOR of their fingerprints. */
    RangeSummary summarize(RecordIdentifier lo, RecordIdentifier hi);

    /** How many entries lie in {@code [lo, hi)} (cheaper than {@link #summarize} where the store counts). */
    int count(RecordIdentifier lo, RecordIdentifier hi);

    /** The entries in {@code [lo, hi)}, in order. */
    List<SignedEntry> entries(RecordIdentifier lo, RecordIdentifier hi);

    /** The identifier of the {@code index}-th entry (from 0) in {@code [lo, hi)}; it exists. */
    RecordIdentifier idAt(RecordIdentifier lo, RecordIdentifier hi, int index);

    /** Whether we hold the content of our entry {@code e} (sent beside it). */
    ContentStatus contentStatus(SignedEntry e);

    /** Verifies the signatures of {@code entries}; element i tells whether entry i is valid. */
    boolean[] verify(List<SignedEntry> entries);

    /**
     * Stores a validated entry from the peer under last-writer-wins and prefix deletion; true if it was stored
     * (false: this or a newer entry for its key, or for a prefix of it by the same author, is held).
     */
    boolean insertRemote(SignedEntry e, ContentStatus remoteStatus);

    /** Count and fingerprint XOR of a span of entries. */
    record RangeSummary(int count, byte[] xor) {
        public static final RangeSummary EMPTY = new RangeSummary(0, new byte[Fingerprint.LENGTH]);
    }
}
