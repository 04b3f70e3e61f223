package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.io.IOException;

/** A provider claims a size other than the one already proven for a blob: it lies or serves other data. */
public final class SizeConflictException extends IOException {
    private static final long serialVersionUID = 1L;

    public SizeConflictException(Hash hash, long claimed, long verified) {
        super("blob " + hash.fmtShort() + ": provider claims size " + Long.toUnsignedString(claimed)
                + ", the verified size is " + verified);
    }
}
