package com.kafkaconnectiroh.p2p.endpoint.disco;

/**
 * A datagram that is not a disco packet we can accept: wrong framing, a bad sender key, a failed
 * authentication or an undecodable message. Checked so the receive path has to decide what to do (drop it).
 */
public final class DiscoException extends Exception {
    private static final long serialVersionUID = 1L;

    public DiscoException(String message) {
        super(message);
    }
}
