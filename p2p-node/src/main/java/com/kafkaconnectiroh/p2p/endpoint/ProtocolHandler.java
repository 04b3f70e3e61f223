package com.kafkaconnectiroh.p2p.endpoint;

/**
 * Serves the connections a {@link Router} accepted for one ALPN. Like iroh's {@code ProtocolHandler}: each
 * accepted connection gets its own call on a router worker thread, so blocking stream calls are fine here.
 *
 * <p>When {@link #accept} returns (or throws), the router closes the connection with code 0 if it is still open,
 * as iroh does when the last handle of a connection is dropped. A handler that writes a reply and returns at once
 * may therefore cut its own reply short; wait for the peer instead, e.g. {@code connection.closed().get()} after
 * {@code send.finish()} (the side that reads last closes).
 */
@FunctionalInterface
public interface ProtocolHandler {
    /** Serves one connection; runs off the event loop. */
    void accept(Connection connection) throws Exception;

    /** The router is shutting down; stop background work. Called once, before the endpoint closes. */
    default void shutdown() {
    }
}
