package com.kafkaconnectiroh.p2p.docs;

import com.kafkaconnectiroh.p2p.docs.proto.AbortReason;

/** The accepting peer declined the sync with an {@code Abort} message. */
public final class SyncAbortedException extends SyncProtocolException {
    private static final long serialVersionUID = 1L;
    private final AbortReason reason;

    public SyncAbortedException(AbortReason reason) {
        super("peer declined the sync: " + switch (reason) {
            case NOT_FOUND -> "it does not sync this document";
            case ALREADY_SYNCING -> "it is syncing it with us already";
            case INTERNAL_SERVER_ERROR -> "internal error";
        });
        this.reason = reason;
    }

    public AbortReason reason() {
        return reason;
    }
}
