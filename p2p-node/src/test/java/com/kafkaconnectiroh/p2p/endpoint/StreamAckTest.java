package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.interop.Pattern;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SendStream#acked}: what the peer's QUIC stack acknowledged of a stream, over real sockets on loopback.
 * Gossip's delivery receipts are built on it.
 */
@Timeout(60)
class StreamAckTest {
    static final String HOLD = "test/hold";
    static final Duration WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Connection client;
    private Connection server;

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private void connect() throws Exception {
        Endpoint serverEp = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).alpns(HOLD).bind();
        closeables.add(serverEp);
        Endpoint clientEp = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind();
        closeables.add(clientEp);
        client = clientEp.connect(serverEp.addr(), HOLD);
        server = serverEp.accept(WAIT);
    }

    private static long await(CompletableFuture<Long> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void completesOnceThePeerAcknowledgedEveryByteBelowTheOffset() throws Exception {
        connect();
        SendStream out = client.openUni();
        assertEquals(0, await(out.acked(0)), "nothing asked for: at once");
        CompletableFuture<Long> ahead = out.acked(3 << 20); // asked before the bytes are even written
        byte[] data = Pattern.bytes(7, 3 << 20);
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return server.acceptUni().readToEnd(data.length);
            } catch (java.io.IOException e) {
                throw new RuntimeException(e);
            }
        });
        out.writeAll(data);
        out.finish();
        assertEquals(3 << 20, await(ahead));
        assertArrayEquals(data, read.get(10, TimeUnit.SECONDS));
        assertEquals(OptionalLong.empty(), out.stopped().get(10, TimeUnit.SECONDS));
        // once the stream is done, the answer is final and immediate
        assertEquals(3 << 20, await(out.acked(1)));
        assertEquals(3 << 20, await(out.acked(4 << 20)), "never written: the final offset, below what was asked");
    }

    @Test
    void acknowledgementsThatCameWithThePeersConnectionCloseCount() throws Exception {
        // The peer reads our last bytes and closes at once, before its ACK delay has passed: the ACK travels in
        // the CONNECTION_CLOSE packet (quinn does the same), so those bytes count as acknowledged.
        for (int round = 0; round < 5; round++) {
            connect();
            SendStream out = client.openUni();
            out.writeAll(new byte[] {1, 2, 3, 4, 5});
            RecvStream in = server.acceptUni(WAIT);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, in.readExact(5));
            server.close(0, "bye");
            assertEquals(ConnectionClose.Kind.APPLICATION_CLOSED, client.closed().get(10, TimeUnit.SECONDS).kind());
            assertEquals(5, await(out.acked(5)), "round " + round);
        }
    }

    @Test
    void aConnectionLostBeforeTheOffsetCompletesWithWhatWasAcknowledged() throws Exception {
        connect();
        SendStream out = client.openUni();
        out.writeAll(new byte[10]);
        assertEquals(10, await(out.acked(10)));
        CompletableFuture<Long> beyond = out.acked(20);
        assertFalse(beyond.isDone());
        server.close(0, "gone");
        assertEquals(10, await(beyond), "the peer had 10 bytes; nothing beyond will ever be acknowledged");
        assertEquals(10, await(out.acked(20)), "and asked again later: the same");
    }

    @Test
    void aStopFreezesTheOffsetAtWhatWasAcknowledgedBeforeIt() throws Exception {
        connect();
        BiStream a = client.openBi();
        a.send().writeAll(new byte[] {1, 2, 3});
        BiStream b = server.acceptBi();
        assertArrayEquals(new byte[] {1, 2, 3}, b.recv().readExact(3));
        CompletableFuture<Long> more = a.send().acked(1000);
        b.recv().stop(7);
        assertEquals(OptionalLong.of(7), a.send().stopped().get(10, TimeUnit.SECONDS));
        // the reset that answers STOP_SENDING abandons what was not acknowledged; it never counts as acknowledged
        assertEquals(3, await(more));
        assertEquals(3, await(a.send().acked(4)));
    }

    @Test
    void oneWaiterAtATime() throws Exception {
        connect();
        SendStream out = client.openUni();
        CompletableFuture<Long> first = out.acked(100);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> out.acked(200).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        out.writeAll(new byte[100]);
        assertTrue(await(first) >= 100);
    }
}
