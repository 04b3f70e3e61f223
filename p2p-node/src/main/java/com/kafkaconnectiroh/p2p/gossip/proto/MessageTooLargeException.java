package com.kafkaconnectiroh.p2p.gossip.proto;

/** An outgoing frame would reach the configured maximum message size (iroh refuses to write those). */
public final class MessageTooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    public MessageTooLargeException(int size, int maxMessageSize) {
        super("encoded gossip message is " + size + " bytes; frames must stay below the max message size " + maxMessageSize);
    }
}
