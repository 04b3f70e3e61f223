package com.kafkaconnectiroh.p2p.envelope;

/** A message that starts like an envelope but cannot be read as one; the text says what was wrong. */
public final class EnvelopeException extends Exception {
    private static final long serialVersionUID = 1L;

    public EnvelopeException(String message) {
        super(message);
    }

    public EnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
