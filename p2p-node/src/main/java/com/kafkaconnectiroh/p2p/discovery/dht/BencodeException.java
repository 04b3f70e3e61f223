package com.kafkaconnectiroh.p2p.discovery.dht;

/** Input that is not bencode within our limits; the message says what was expected and what came. */
public final class BencodeException extends Exception {
    public BencodeException(String message) {
        super(message);
    }
}
