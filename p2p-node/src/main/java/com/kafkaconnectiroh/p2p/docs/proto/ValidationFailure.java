package com.kafkaconnectiroh.p2p.docs.proto;

import java.util.concurrent.TimeUnit;

/**
 * Why an entry from a peer is refused (iroh-docs {@code ValidationFailure}, DO@v0.35.0 {@code src/sync.rs::
 * validate_entry}). A refused entry is dropped and never stored; sync goes on with the others.
 */
public enum ValidationFailure {
    /** The entry names another document. */
    INVALID_NAMESPACE("entry belongs to another document"),
    /** The namespace's or the author's signature does not verify. */
    BAD_SIGNATURE("entry signature is invalid"),
    /** The timestamp is more than {@link #MAX_FUTURE_SHIFT_MICROS} ahead of our clock. */
    TOO_FAR_IN_THE_FUTURE("entry timestamp is too far in the future"),
    /** Length 0 with a non-empty hash, or the empty hash with a length. */
    INVALID_EMPTY_ENTRY("entry has length 0 but not the empty hash, or the empty hash but not length 0");

    /**
     * How far ahead of our clock an entry's timestamp may be: 10 minutes, as iroh-docs documents (and as
     * 0.100 enforces). iroh-docs 0.35 compares microseconds with this figure counted in milliseconds, so it
     * effectively allows only 0.6 s; see docs/docs.md, "Differences from iroh".
     */
    public static final long MAX_FUTURE_SHIFT_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final String message;

    ValidationFailure(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }

    /**
     * Checks an entry from a peer for the replica of {@code namespace} at {@code nowMicros}; null if valid.
     * Signatures are checked last (they cost the most).
     */
    public static ValidationFailure check(SignedEntry e, NamespaceId namespace, long nowMicros) {
        ValidationFailure f = checkUnsigned(e, namespace, nowMicros);
        if (f != null) {
            return f;
        }
        return e.verify() ? null : BAD_SIGNATURE;
    }

    /** The checks a locally signed entry gets too: all but the signatures. */
    public static ValidationFailure checkUnsigned(SignedEntry e, NamespaceId namespace, long nowMicros) {
        if (!e.id().isIn(namespace)) {
            return INVALID_NAMESPACE;
        }
        if (Long.compareUnsigned(e.timestamp(), nowMicros + MAX_FUTURE_SHIFT_MICROS) > 0) {
            return TOO_FAR_IN_THE_FUTURE;
        }
        if (!e.record().isConsistent()) {
            return INVALID_EMPTY_ENTRY;
        }
        return null;
    }
}
