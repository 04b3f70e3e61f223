package com.kafkaconnectiroh.p2p.discovery.dht;

/**
 * A KRPC error: BEP 5's codes (201 generic, 202 server, 203 protocol, 204 method unknown) and BEP 44's (205 v too
 * big, 206 invalid signature, 207 salt too big, 301 cas mismatch, 302 seq less than current). Thrown by the query
 * handler and sent as the {@code e} reply; received ones fail the caller's future.
 */
public final class KrpcError extends Exception {
    private final int code;

    public KrpcError(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The error's text without its code, as the {@code e} list carries it. */
    public String text() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        return code + " " + super.getMessage();
    }
}
