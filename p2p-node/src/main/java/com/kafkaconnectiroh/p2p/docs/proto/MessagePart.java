package com.kafkaconnectiroh.p2p.docs.proto;

import java.util.List;
import java.util.Objects;

/**
 * One part of a reconciliation message (iroh-docs {@code ranger::MessagePart}; postcard variant
 * {@code RangeFingerprint=0 | RangeItem=1}).
 */
public sealed interface MessagePart permits MessagePart.RangeFingerprint, MessagePart.RangeItem {
    Range range();

    /** "My entries in {@code range} have this fingerprint": the peer compares, and answers or splits. */
    record RangeFingerprint(Range range, Fingerprint fingerprint) implements MessagePart {
        public RangeFingerprint {
            Objects.requireNonNull(range, "range");
            Objects.requireNonNull(fingerprint, "fingerprint");
        }
    }

    /**
     * "These are my entries in {@code range}", each with whether I hold its content. With {@code haveLocal} false
     * the peer answers with its entries in the range that these do not supersede; true ends the range.
     */
    record RangeItem(Range range, List<SyncValue> values, boolean haveLocal) implements MessagePart {
        public RangeItem {
            Objects.requireNonNull(range, "range");
            values = List.copyOf(values);
        }
    }

    /** An entry as sync sends it: with the sender's {@link ContentStatus} for its content. */
    record SyncValue(SignedEntry entry, ContentStatus status) {
        public SyncValue {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(status, "status");
        }
    }
}
