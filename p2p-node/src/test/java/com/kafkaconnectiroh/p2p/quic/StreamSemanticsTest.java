package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FIN, RESET_STREAM, STOP_SENDING, stream limits, flow control and backpressure through the simulator. */
class StreamSemanticsTest {

    private static Pair lossy(long seed, TransportConfig c, TransportConfig s) {
        Pair p = new Pair(seed, c, s);
        p.sim.loss = 0.10;
        p.sim.reorder = 0.05;
        p.sim.duplicate = 0.02;
        return p.establish();
    }

    @Test
    void finEndsTheStreamAfterAllData() {
        Pair p = lossy(11, new TransportConfig(), new TransportConfig());
        long id = p.client.openUni();
        p.client.write(id, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        p.client.finish(id);
        assertThrows(StreamException.class, () -> p.client.write(id, ByteBuffer.wrap(new byte[] {4})),
                "no writes after finish");
        long[] sid = {-1};
        ByteBuffer got = ByteBuffer.allocate(10);
        int[] last = {0};
        p.sim.runUntil(() -> {
            if (sid[0] < 0) {
                sid[0] = p.server.acceptUni();
            }
            if (sid[0] >= 0) {
                last[0] = p.server.read(sid[0], got);
            }
            return last[0] == -1;
        }, 30_000_000_000L);
        assertEquals(3, got.position());
        assertEquals(id, sid[0]);
        // the writer hears that everything arrived
        p.sim.runUntil(() -> Pair.of(p.clientEvents, ConnectionEvent.StreamFinished.class).stream()
                .anyMatch(e -> e.streamId() == id), 30_000_000_000L);
        assertEquals(-1, p.server.read(sid[0], got), "FIN is sticky");
    }

    /**
     * A short write that still takes more than half of what was offered must arm StreamWritable: a writer that
     * waits for the event (as the endpoint driver does) otherwise stalls for good. Found by the Netty driver.
     */
    @Test
    void shortWriteTakingMostOfTheOfferStillSignalsWritable() {
        TransportConfig small = new TransportConfig().streamSendBufferSize(100_000);
        Pair p = lossy(14, small, new TransportConfig());
        long id = p.client.openUni();
        ByteBuffer src = ByteBuffer.wrap(new byte[130_000]);
        assertEquals(100_000, p.client.write(id, src));
        assertEquals(30_000, src.remaining(), "took 100000 of 130000: more than what is left");
        p.sim.runUntil(() -> Pair.of(p.clientEvents, ConnectionEvent.StreamWritable.class).stream()
                .anyMatch(e -> e.streamId() == id), 30_000_000_000L);
    }

    @Test
    void resetStreamReachesTheReaderWithItsCode() {
        Pair p = lossy(12, new TransportConfig(), new TransportConfig());
        long id = p.client.openBi();
        p.client.write(id, ByteBuffer.wrap(new byte[5000]));
        p.sim.runUntil(() -> p.server.acceptBi() >= 0 || !Pair.of(p.serverEvents,
                ConnectionEvent.StreamOpened.class).isEmpty(), 30_000_000_000L);
        p.client.reset(id, 77);
        p.sim.runUntil(() -> Pair.of(p.serverEvents, ConnectionEvent.StreamReset.class).stream()
                .anyMatch(e -> e.streamId() == id && e.errorCode() == 77), 30_000_000_000L);
        StreamException e = assertThrows(StreamException.class,
                () -> {
                    ByteBuffer b = ByteBuffer.allocate(10000);
                    while (true) {
                        if (p.server.read(id, b) <= 0) {
                            return;
                        }
                    }
                });
        assertEquals(StreamException.Kind.RESET, e.kind());
        assertEquals(77, e.errorCode());
        assertFalse(p.server.isClosed());
    }

    @Test
    void stopSendingMakesTheWriterReset() {
        Pair p = lossy(13, new TransportConfig(), new TransportConfig());
        long id = p.client.openBi();
        Patterns.Writer w = new Patterns.Writer(p.client, id, 50L << 20);
        p.sim.apps.add(w);
        p.sim.runUntil(() -> !Pair.of(p.serverEvents, ConnectionEvent.StreamOpened.class).isEmpty(), 30_000_000_000L);
        assertEquals(id, p.server.acceptBi());
        p.server.stop(id, 99);
        p.sim.runUntil(() -> Pair.of(p.clientEvents, ConnectionEvent.StreamStopped.class).stream()
                .anyMatch(e -> e.streamId() == id && e.errorCode() == 99), 30_000_000_000L);
        StreamException e = assertThrows(StreamException.class, () -> p.client.write(id, ByteBuffer.wrap(new byte[1])));
        assertEquals(StreamException.Kind.STOPPED, e.kind());
        assertEquals(99, e.errorCode());
        // the reset arrives at the (stopped) reader side and both halves are cleaned up; the server's half of
        // the bidi stream is still open for writing, so finish it too
        p.server.finish(id);
        ByteBuffer b = ByteBuffer.allocate(100);
        p.sim.runUntil(() -> {
            try {
                return p.client.read(id, b) == -1;
            } catch (StreamException x) {
                return false;
            }
        }, 30_000_000_000L);
        p.sim.runUntil(() -> p.server.openStreamCount() == 0 && p.client.openStreamCount() == 0, 30_000_000_000L);
        assertFalse(p.client.isClosed());
        assertFalse(p.server.isClosed());
    }

    @Test
    void thousandSequentialRequestsWithAHundredStreamLimit() {
        TransportConfig server = new TransportConfig().maxConcurrentBidiStreams(100);
        Pair p = lossy(14, new TransportConfig(), server);
        int total = 1000;
        int[] opened = {0};
        int[] answered = {0};
        long[] current = {-1};
        boolean[] requestSent = {false};
        ByteBuffer in = ByteBuffer.allocate(64);
        // server: echo each request back reversed, then FIN
        p.sim.apps.add(s -> {
            long sid;
            while ((sid = p.server.acceptBi()) >= 0) {
                echo.add(sid);
            }
            for (int k = echo.size() - 1; k >= 0; k--) {
                long e = echo.get(k);
                ByteBuffer b = ByteBuffer.allocate(64);
                int n = p.server.read(e, b);
                if (n > 0) {
                    b.flip();
                    p.server.write(e, b);
                } else if (n == -1) {
                    p.server.finish(e);
                    echo.remove(k);
                }
            }
        });
        p.sim.apps.add(s -> {
            if (current[0] < 0 && opened[0] < total) {
                long id = p.client.openBi();
                if (id < 0) {
                    return;
                }
                current[0] = id;
                opened[0]++;
                requestSent[0] = false;
            }
            if (current[0] >= 0 && !requestSent[0]) {
                p.client.write(current[0], ByteBuffer.wrap(("req " + opened[0]).getBytes()));
                p.client.finish(current[0]);
                requestSent[0] = true;
            }
            if (current[0] >= 0) {
                in.clear();
                int n;
                while ((n = p.client.read(current[0], in)) > 0) {
                    // accumulate
                }
                if (n == -1) {
                    answered[0]++;
                    current[0] = -1;
                }
            }
        });
        p.sim.runUntil(() -> answered[0] == total, 3_600_000_000_000L);
        assertEquals(total, answered[0]);
        assertTrue(p.client.streamManager().peerMaxStreams(true) >= total,
                "the server raised MAX_STREAMS as streams finished");
        p.sim.runUntil(() -> p.server.openStreamCount() == 0, 30_000_000_000L);
        assertFalse(p.client.isClosed());
    }

    private final List<Long> echo = new java.util.ArrayList<>();

    @Test
    void openingBeyondThePeerLimitWaitsForCredit() {
        TransportConfig server = new TransportConfig().maxConcurrentUniStreams(3);
        Pair p = lossy(15, new TransportConfig(), server);
        long a = p.client.openUni();
        long b = p.client.openUni();
        long c = p.client.openUni();
        assertTrue(a >= 0 && b >= 0 && c >= 0);
        assertEquals(-1, p.client.openUni(), "the fourth stream is over the server's limit");
        for (long id : new long[] {a, b, c}) {
            p.client.write(id, ByteBuffer.wrap(new byte[] {9}));
            p.client.finish(id);
        }
        ByteBuffer buf = ByteBuffer.allocate(16);
        p.sim.apps.add(s -> {
            long sid;
            while ((sid = p.server.acceptUni()) >= 0) {
                accepted.add(sid);
            }
            for (long id : accepted) {
                buf.clear();
                try {
                    while (p.server.read(id, buf) > 0) {
                        buf.clear();
                    }
                } catch (StreamException ignored) {
                    // finished and gone
                }
            }
        });
        long[] d = {-1};
        p.sim.runUntil(() -> (d[0] = p.client.openUni()) >= 0, 30_000_000_000L);
        assertEquals(StreamId.of(true, false, 3), d[0]);
    }

    private final List<Long> accepted = new java.util.ArrayList<>();

    @Test
    void backpressureBoundsMemoryAndFlowControlHolds() {
        // small windows and buffers; the reader does not read for a while
        TransportConfig client = new TransportConfig().streamSendBufferSize(256 * 1024)
                .connectionSendBufferSize(512 * 1024);
        TransportConfig server = new TransportConfig().streamReceiveWindow(100_000).connectionReceiveWindow(300_000);
        Pair p = lossy(16, client, server);
        long[] ids = new long[4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = p.client.openUni();
            p.sim.apps.add(new Patterns.Writer(p.client, ids[i], 3_000_000));
        }
        long[] maxClientMem = {0};
        long[] maxServerMem = {0};
        p.sim.apps.add(s -> {
            maxClientMem[0] = Math.max(maxClientMem[0], p.client.streamMemory());
            if (p.server != null) {
                maxServerMem[0] = Math.max(maxServerMem[0], p.server.streamMemory());
                assertTrue(p.server.streamManager().receivedData() <= p.server.streamManager().receiveWindowLimit());
            }
            assertTrue(p.client.streamManager().sendBuffered() <= 512 * 1024);
        });
        p.sim.runFor(20_000_000_000L);
        // nothing read: the server holds at most its connection window, the client at most its send buffer
        assertTrue(p.server.streamManager().receivedData() <= 300_000,
                "received " + p.server.streamManager().receivedData());
        assertTrue(maxServerMem[0] <= 300_000 + 4 * 2 * 16384, "server stream memory " + maxServerMem[0]);
        assertTrue(maxClientMem[0] <= 512 * 1024 + 4 * 2 * 16384, "client stream memory " + maxClientMem[0]);
        assertTrue(Pair.of(p.clientEvents, ConnectionEvent.ConnectionLost.class).isEmpty());
        // now read everything: all streams complete intact
        List<Patterns.Reader> readers = new java.util.ArrayList<>();
        p.sim.apps.add(s -> {
            long sid;
            while ((sid = p.server.acceptUni()) >= 0) {
                Patterns.Reader r = new Patterns.Reader(p.server, sid);
                readers.add(r);
                s.apps.add(r);
            }
        });
        try {
            p.sim.runUntil(() -> readers.size() == 4 && readers.stream().allMatch(r -> r.fin || r.error != null),
                    600_000_000_000L);
        } catch (AssertionError e) {
            System.out.println("DEBUG client " + p.client.state() + " " + p.client.closeReason() + " server "
                    + p.server.state() + " " + p.server.closeReason() + " readers " + readers.size() + " "
                    + p.clientEvents + " timeout c=" + p.client.pollTimeout() + " s=" + p.server.pollTimeout());
            for (Patterns.Reader r : readers) {
                System.out.println("DEBUG reader " + r.id + " " + r.received + " " + r.fin + " " + r.error);
            }
            throw e;
        }
        for (Patterns.Reader r : readers) {
            assertNull(r.error);
            assertEquals(3_000_000, r.received);
        }
        assertTrue(maxServerMem[0] <= 300_000 + 4 * 2 * 16384, "server stream memory " + maxServerMem[0]);
    }
}
