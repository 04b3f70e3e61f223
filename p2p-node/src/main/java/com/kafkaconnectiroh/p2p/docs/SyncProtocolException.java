package com.kafkaconnectiroh.p2p.docs;

import java.io.IOException;

/** The peer broke the {@code /iroh-sync/1} protocol (bad frame, unexpected message) or declined the sync. */
public class SyncProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public SyncProtocolException(String message) {
        super(message);
    }
}
