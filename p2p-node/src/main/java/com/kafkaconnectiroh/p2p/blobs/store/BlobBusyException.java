package com.kafkaconnectiroh.p2p.blobs.store;

import com.kafkaconnectiroh.p2p.blobs.Hash;
import java.io.IOException;

/** A blob is already being written (downloaded) by someone else in this store. */
public final class BlobBusyException extends IOException {
    private static final long serialVersionUID = 1L;

    public BlobBusyException(Hash hash) {
        super("blob " + hash + " is already being written");
    }
}
