package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.BridgeHeaders.ValueKind;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;

/**
 * What an envelope's payload became: the bytes for the record value, what they are, and for a blob its reference
 * and, if it was not fetched although asked to, why.
 */
record ResolvedValue(ValueKind kind, byte[] bytes, BlobRef blob, String blobError) {
    static ResolvedValue inline(byte[] bytes) {
        return new ResolvedValue(ValueKind.INLINE, bytes, null, null);
    }

    static ResolvedValue none() {
        return new ResolvedValue(ValueKind.NONE, null, null, null);
    }

    static ResolvedValue fetched(BlobRef ref, byte[] content) {
        return new ResolvedValue(ValueKind.BLOB, content, ref, null);
    }

    /** The value is the ticket (set by the mapper); {@code why} is null when not fetching was the plan. */
    static ResolvedValue reference(BlobRef ref, String why) {
        return new ResolvedValue(ValueKind.BLOB_TICKET, null, ref, why);
    }
}
