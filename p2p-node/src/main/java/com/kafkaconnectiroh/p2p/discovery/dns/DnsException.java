package com.kafkaconnectiroh.p2p.discovery.dns;

/** A DNS message that cannot be read or written: says what was expected and what came. */
public final class DnsException extends Exception {
    public DnsException(String message) {
        super(message);
    }
}
