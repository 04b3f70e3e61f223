package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An Error on an endpoint's event loop (as an OutOfMemoryError under memory pressure) must not leave an endpoint
 * that looks alive and answers nobody: it fails for good and says so to everyone, its peers included.
 */
@Timeout(60)
class LoopFailureTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void anErrorOnTheLoopFailsTheEndpointVisiblyForEveryone() throws Exception {
        CompletableFuture<Connection> atServer = new CompletableFuture<>();
        try (Endpoint server = Endpoint.builder().bindAddr(LOOPBACK).bind();
             Router router = Router.builder(server).accept(EndpointTest.HOLD, c -> {
                 atServer.complete(c);
                 c.closed().get();
             }).spawn();
             Endpoint client = Endpoint.builder().bindAddr(LOOPBACK).alpns(EndpointTest.HOLD).bind()) {
            Connection conn = client.connect(server.addr(), EndpointTest.HOLD);
            CompletableFuture<BiStream> waiting = conn.acceptBiAsync(); // an application waiting on the peer
            CompletableFuture<Connection> accepting = client.acceptAsync();

            OutOfMemoryError oom = new OutOfMemoryError("Java heap space (injected)");
            assertTrue(client.driver().submit(() -> {
                throw oom;
            }));

            ExecutionException closed = assertThrows(ExecutionException.class,
                    () -> client.closed().get(10, TimeUnit.SECONDS));
            assertSame(oom, closed.getCause());
            assertSame(oom, client.failure());
            assertTrue(client.isClosed());

            String expected = "endpoint failed: java.lang.OutOfMemoryError: Java heap space (injected)";
            for (CompletableFuture<?> f : new CompletableFuture<?>[] {waiting, accepting}) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertInstanceOf(EndpointClosedException.class, e.getCause());
                assertEquals(expected, e.getCause().getMessage());
            }
            assertEquals(ConnectionClose.Kind.ENDPOINT_CLOSED, conn.closeInfo().kind());
            assertEquals(expected, conn.closeInfo().reason());
            EndpointClosedException later = assertThrows(EndpointClosedException.class,
                    () -> client.connect(server.addr(), EndpointTest.HOLD, Duration.ofSeconds(5)));
            assertEquals(expected, later.getMessage());
            assertSame(oom, later.getCause());
            assertNull(client.accept());

            // the peer was told, as by close()
            ConnectionClose seen = atServer.get(10, TimeUnit.SECONDS).closed().get(20, TimeUnit.SECONDS);
            assertEquals(ConnectionClose.Kind.APPLICATION_CLOSED, seen.kind(), seen.toString());
            assertTrue(seen.byPeer(), seen.toString());
            assertEquals("endpoint failed", seen.reason());
        }
    }
}
