package com.kafkaconnectiroh.p2p.ping;

import java.io.IOException;

/** A ping that did not get its PONG; {@link #kind()} says which way it failed, the message says it for people. */
public final class PingException extends IOException {
    private static final long serialVersionUID = 1L;

    /** How a ping failed. */
    public enum Kind {
        /** No handshake answer from any address within the timeout, or no address to try. */
        UNREACHABLE,
        /** Something answered, but proved another endpoint id than the one we asked for. */
        WRONG_ID,
        /** The peer does not serve {@code iroh/ping/0} (TLS alert no_application_protocol). */
        ALPN_REFUSED,
        /** Connected, but no PONG within the timeout. */
        TIMEOUT,
        /** The peer answered something other than PONG. */
        BAD_RESPONSE,
        /** The connection ended (closed, reset, transport error) before the PONG. */
        CONNECTION_LOST
    }

    private final Kind kind;

    public PingException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
