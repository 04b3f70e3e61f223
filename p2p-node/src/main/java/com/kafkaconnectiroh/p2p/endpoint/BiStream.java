package com.kafkaconnectiroh.p2p.endpoint;

/** The two halves of a bidirectional stream. Closing it closes both (the send half finishes). */
public record BiStream(SendStream send, RecvStream recv) implements AutoCloseable {
    /** The QUIC stream id. */
    public long id() {
        return send.id();
    }

    @Override
    public void close() {
        send.close();
        recv.close();
    }
}
