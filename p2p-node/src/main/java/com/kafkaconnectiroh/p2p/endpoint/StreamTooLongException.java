package com.kafkaconnectiroh.p2p.endpoint;

import java.io.IOException;

/** {@link RecvStream#readToEnd(int)} found more bytes than its limit. */
public class StreamTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    StreamTooLongException(String message) {
        super(message);
    }
}
