package com.kafkaconnectiroh.p2p.endpoint;

/** The endpoint was closed; nothing more can be done with it. */
public class EndpointClosedException extends ConnectionLostException {
    private static final long serialVersionUID = 1L;

    EndpointClosedException(String message) {
        super(message, new ConnectionClose(ConnectionClose.Kind.ENDPOINT_CLOSED, false, 0, message));
    }
}
