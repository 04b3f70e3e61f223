package com.kafkaconnectiroh.p2p.endpoint;

import java.io.IOException;

/** The peer abandoned the stream: RESET_STREAM while we read, or STOP_SENDING while we wrote. */
public class StreamResetException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long errorCode;
    private final boolean stopped;

    StreamResetException(String message, long errorCode, boolean stopped) {
        super(message);
        this.errorCode = errorCode;
        this.stopped = stopped;
    }

    /** The application error code the peer gave. */
    public long errorCode() {
        return errorCode;
    }

    /** True if the peer asked us to stop sending (STOP_SENDING); false if it reset its sending half. */
    public boolean stoppedByPeer() {
        return stopped;
    }
}
