package com.kafkaconnectiroh.p2p.docs.store;

/** A local write the replica refused; {@link #reason()} says why, the message in words. */
public final class InsertException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why (iroh-docs {@code InsertError} for local writes). */
    public enum Reason {
        /** We hold only the read capability: nothing can be signed for this document. */
        READ_ONLY("document is read-only here (joined with a read ticket)"),
        /** This author has a newer entry for this key, or for a prefix of it. */
        NEWER_ENTRY_EXISTS("a newer entry exists for this key or a prefix of it"),
        /** A value with no content: use a deletion instead. */
        ENTRY_IS_EMPTY("an entry needs content (use delete to remove a key)"),
        /** The store is closed. */
        CLOSED("the document store is closed");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        public String message() {
            return message;
        }
    }

    private final Reason reason;

    public InsertException(Reason reason) {
        super(reason.message());
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
