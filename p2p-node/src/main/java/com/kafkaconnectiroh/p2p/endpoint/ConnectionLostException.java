package com.kafkaconnectiroh.p2p.endpoint;

import java.io.IOException;

/** A connection ended (or never got established) while an operation needed it; {@link #close()} says why. */
public class ConnectionLostException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ConnectionClose close;

    public ConnectionLostException(String message, ConnectionClose close) {
        super(message);
        this.close = close;
    }

    /** Why the connection ended. */
    public ConnectionClose close() {
        return close;
    }
}
