package com.kafkaconnectiroh.p2p.blobs;

import com.kafkaconnectiroh.p2p.base.EndpointId;

/** A download refused a blob larger than the caller's limit; nothing of it was stored. */
public final class BlobTooLargeException extends DownloadException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final long limit;

    public BlobTooLargeException(Hash hash, long size, long limit, EndpointId provider) {
        super("blob " + hash + " is " + size + " bytes (announced by " + provider.fmtShort() + "), more than the limit of "
                + limit + " bytes");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
