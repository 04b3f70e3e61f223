package com.kafkaconnectiroh.p2p.relay;

/** A relay connection cannot go on: the peer broke the protocol, denied us, or stopped answering. */
public final class RelayException extends Exception {
    public RelayException(String message) {
        super(message);
    }

    public RelayException(String message, Throwable cause) {
        super(message, cause);
    }
}
