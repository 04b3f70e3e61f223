package com.kafkaconnectiroh.p2p.endpoint;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * A {@link ProtocolHandler} that serves a connection without holding a router worker for it. Handlers that keep
 * connections open for long or wait on the peer (gossip, blobs, ping) implement it, so that idle or slow peers
 * cannot use up the router's bounded pool and lock others out; connections served this way count only against
 * the endpoint's own connection limits.
 */
public interface AsyncProtocolHandler extends ProtocolHandler {
    /**
     * Starts serving {@code connection} and returns at once: it runs on the router's accept thread, so it must not
     * block. The stage completes when the handler is done with the connection; the router then closes it with
     * code 0 if it is still open (as after {@link #accept}).
     */
    CompletionStage<?> acceptAsync(Connection connection);

    /** The blocking form, for callers outside a router: serves and waits until done. */
    @Override
    default void accept(Connection connection) throws Exception {
        try {
            acceptAsync(connection).toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
