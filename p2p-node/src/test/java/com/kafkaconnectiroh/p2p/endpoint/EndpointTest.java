package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import com.kafkaconnectiroh.p2p.tls.TlsAlert;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Java ↔ Java over real UDP sockets on loopback: the same scenarios the iroh interop suite runs, and more. */
@Timeout(60)
class EndpointTest {
    static final String ECHO = "test/echo";
    static final String HOLD = "test/hold";
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T t) {
        closeables.add(t);
        return t;
    }

    Endpoint bind(Endpoint.Transport transport) throws IOException {
        return track(Endpoint.builder().bindAddr(LOOPBACK).transport(transport).bind());
    }

    /** A server endpoint with the echo behaviour of the iroh harness on {@link #ECHO}. */
    Router echoServer(Endpoint.Transport transport) throws IOException {
        Endpoint ep = bind(transport);
        return track(Router.builder(ep).accept(ECHO, EchoHandler.INSTANCE).spawn());
    }

    @Test
    void aPeerFilterRefusesOtherPeersBothWays() throws Exception {
        Endpoint allowedClient = bind(Endpoint.Transport.AUTO);
        Endpoint otherClient = bind(Endpoint.Transport.AUTO);
        Endpoint ep = track(Endpoint.builder().bindAddr(LOOPBACK)
                .peerFilter(id -> id.equals(allowedClient.id())).bind());
        Router server = track(Router.builder(ep).accept(ECHO, EchoHandler.INSTANCE).spawn());

        Connection ok = allowedClient.connect(server.endpoint().addr(), ECHO);
        BiStream s = ok.openBi();
        s.send().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        s.send().finish();
        assertArrayEquals(new byte[] {1, 2, 3}, s.recv().readToEnd(3));

        // The other peer completes the handshake (its key is authenticated first), then is closed with 403.
        Connection refused = otherClient.connect(server.endpoint().addr(), ECHO);
        ConnectionClose why = refused.closed().get(10, TimeUnit.SECONDS);
        assertEquals(PeerNotAllowedException.CLOSE_CODE, why.code(), why.toString());
        assertEquals(PeerNotAllowedException.REASON, why.reason());
        assertTrue(ep.recentHandshakeFailures().stream()
                .anyMatch(f -> f.reason().reason().contains(otherClient.id().toString())));

        // And the filtered endpoint does not dial peers outside its list.
        CompletableFuture<Connection> dial = ep.connectAsync(otherClient.addr(), ECHO);
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> dial.get(5, TimeUnit.SECONDS));
        assertInstanceOf(PeerNotAllowedException.class, e.getCause());
    }

    @ParameterizedTest
    @EnumSource(value = Endpoint.Transport.class, names = {"AUTO", "EPOLL_NO_GSO", "NIO"})
    void echoSizesOverEveryTransport(Endpoint.Transport transport) throws Exception {
        Router server = echoServer(transport);
        Endpoint client = bind(transport);
        Connection conn = client.connect(server.endpoint().addr(), ECHO);
        assertEquals(server.endpoint().id(), conn.remoteId());
        assertEquals(ECHO, conn.alpn());
        for (int size : new int[] {0, 1, 1 << 20, 10 << 20}) {
            byte[] data = Pattern.bytes(size, size);
            BiStream s = conn.openBi();
            Future<?> w = writeAsync(s.send(), data);
            byte[] back = s.recv().readToEnd(size);
            w.get();
            assertArrayEquals(data, back, "echo of " + size + " bytes");
        }
        conn.close(0, "done");
        assertEquals(ConnectionClose.Kind.APPLICATION_CLOSED, conn.closed().get(5, TimeUnit.SECONDS).kind());
    }

    private static Future<?> writeAsync(SendStream send, byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                send.writeAll(data);
                send.finish();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void thousandRoundTripsOnFreshStreams() throws Exception {
        Router server = echoServer(Endpoint.Transport.AUTO);
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Connection conn = client.connect(server.endpoint().addr(), ECHO);
        for (int i = 0; i < 1000; i++) {
            byte[] req = Pattern.bytes(i, 32);
            BiStream s = conn.openBi();
            s.send().writeAll(req);
            s.send().finish();
            assertArrayEquals(req, s.recv().readToEnd(64));
        }
        // finished streams are forgotten once their FIN is acknowledged: state does not grow per stream
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (conn.streamStatesHeld() > 2) {
            assertTrue(System.nanoTime() < deadline, "stream states held: " + conn.streamStatesHeld());
            Thread.onSpinWait();
        }
        conn.close(0, "");
    }

    @Test
    void concurrentStreams() throws Exception {
        Router server = echoServer(Endpoint.Transport.AUTO);
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Connection conn = client.connect(server.endpoint().addr(), ECHO);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int seed = i;
                results.add(pool.submit(() -> {
                    byte[] data = Pattern.bytes(seed, 256 * 1024 + seed);
                    BiStream s = conn.openBi();
                    Future<?> w = writeAsync(s.send(), data);
                    byte[] back = s.recv().readToEnd(data.length);
                    w.get();
                    return java.util.Arrays.equals(data, back);
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void uniStreamsBothWays() throws Exception {
        Router server = echoServer(Endpoint.Transport.AUTO);
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Connection conn = client.connect(server.endpoint().addr(), ECHO);
        for (int size : new int[] {1, 100_000}) {
            byte[] data = Pattern.bytes(7, size);
            SendStream out = conn.openUni();
            out.writeAll(data);
            out.finish();
            RecvStream in = conn.acceptUni();
            assertArrayEquals(data, in.readToEnd(size));
        }
    }

    @Test
    void closeCodeAndReasonReachThePeerBothWays() throws Exception {
        Endpoint serverEp = bind(Endpoint.Transport.AUTO);
        BlockingQueue<Connection> served = new LinkedBlockingQueue<>();
        track(Router.builder(serverEp).accept(HOLD, c -> {
            served.add(c);
            c.closed().get();
        }).spawn());
        Endpoint client = bind(Endpoint.Transport.AUTO);

        Connection c1 = client.connect(serverEp.addr(), HOLD);
        Connection s1 = served.poll(5, TimeUnit.SECONDS);
        c1.close(42, "client says bye");
        ConnectionClose seen = s1.closed().get(5, TimeUnit.SECONDS);
        assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, 42, "client says bye"), seen);
        ConnectionClose local = c1.closed().get(5, TimeUnit.SECONDS);
        assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, false, 42, "client says bye"), local);

        Connection c2 = client.connect(serverEp.addr(), HOLD);
        Connection s2 = served.poll(5, TimeUnit.SECONDS);
        s2.close(7, "server says bye");
        assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, 7, "server says bye"),
                c2.closed().get(5, TimeUnit.SECONDS));
        assertThrows(ConnectionLostException.class, c2::openBi);
    }

    @Test
    void wrongPeerIdFailsTheHandshakeNamingBothIds() throws Exception {
        Router server = echoServer(Endpoint.Transport.AUTO);
        Endpoint client = bind(Endpoint.Transport.AUTO);
        SecretKey other = SecretKey.generate();
        EndpointAddr wrong = EndpointAddr.of(other.publicKey(), null, server.endpoint().addr().ipAddrs());
        ConnectionLostException e = assertThrows(ConnectionLostException.class, () -> client.connect(wrong, ECHO));
        assertTrue(e.getMessage().contains(other.publicKey().toString()), e.getMessage());
        assertTrue(e.getMessage().contains(server.endpoint().id().toString()), e.getMessage());
        assertEquals(ConnectionClose.Kind.TRANSPORT_ERROR, e.close().kind());
        assertTrue(e.close().peerMismatch(), e.close().toString());
    }

    @Test
    void unknownAlpnIsRefusedInTheHandshake() throws Exception {
        Router server = echoServer(Endpoint.Transport.AUTO);
        Endpoint client = bind(Endpoint.Transport.AUTO);
        ConnectionLostException e = assertThrows(ConnectionLostException.class,
                () -> client.connect(server.endpoint().addr(), "test/nope"));
        assertEquals(TlsAlert.NO_APPLICATION_PROTOCOL, e.close().tlsAlert(), e.getMessage());
        assertTrue(e.close().byPeer());
        assertFalse(e.close().peerMismatch(), e.close().toString());
        assertTrue(e.getMessage().contains("no_application_protocol"), e.getMessage());
    }

    @Test
    void idleTimeoutEndsTheConnection() throws Exception {
        Endpoint serverEp = track(Endpoint.builder().bindAddr(LOOPBACK).alpns(HOLD)
                .transportConfig(new TransportConfig().maxIdleTimeout(Duration.ofMillis(300))).bind());
        Endpoint client = track(Endpoint.builder().bindAddr(LOOPBACK)
                .transportConfig(new TransportConfig().maxIdleTimeout(Duration.ofMillis(300))).bind());
        Connection c = client.connect(serverEp.addr(), HOLD);
        Connection s = serverEp.accept(Duration.ofSeconds(5));
        assertEquals(ConnectionClose.Kind.IDLE_TIMEOUT, c.closed().get(10, TimeUnit.SECONDS).kind());
        assertEquals(ConnectionClose.Kind.IDLE_TIMEOUT, s.closed().get(10, TimeUnit.SECONDS).kind());
    }

    @Test
    void connectToSilentAddressTimesOut() throws Exception {
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Endpoint silent = bind(Endpoint.Transport.AUTO);
        EndpointAddr addr = silent.addr();
        silent.close(); // nothing listens there any more
        ConnectionLostException e = assertThrows(ConnectionLostException.class,
                () -> client.connect(addr, ECHO, Duration.ofMillis(500)));
        assertEquals(ConnectionClose.Kind.CONNECT_TIMEOUT, e.close().kind(), e.getMessage());
    }

    @Test
    void dialTriesTheNextAddressWhenTheFirstIsSilent() throws Exception {
        Router server = echoServer(Endpoint.Transport.AUTO);
        Endpoint client = bind(Endpoint.Transport.AUTO);
        InetSocketAddress real = server.endpoint().boundAddress();
        // port 1 sorts first and nobody answers there; the second attempt starts after the stagger
        EndpointAddr addr = EndpointAddr.of(server.endpoint().id(), null,
                List.of(new InetSocketAddress(real.getAddress(), 1), real));
        Connection c = client.connect(addr, ECHO);
        assertEquals(real, c.remoteAddress());
        BiStream s = c.openBi();
        s.send().writeAll(new byte[] {42});
        s.send().finish();
        assertArrayEquals(new byte[] {42}, s.recv().readToEnd(1));
    }

    @ParameterizedTest
    @EnumSource(value = Endpoint.Transport.class, names = {"AUTO", "NIO"})
    void ipv6LoopbackAndDualStackWildcardToIpv4(Endpoint.Transport transport) throws Exception {
        Endpoint v6 = track(Endpoint.builder().bindAddr(new InetSocketAddress("::1", 0)).alpns(HOLD)
                .transport(transport).bind());
        Endpoint wildcard6 = track(Endpoint.builder().bindAddr(new InetSocketAddress("::", 0)).alpns(HOLD)
                .transport(transport).bind());
        Endpoint v4 = track(Endpoint.builder().bindAddr(LOOPBACK).alpns(HOLD).transport(transport).bind());
        assertTrue(wildcard6.addr().ipAddrs().stream().anyMatch(a -> a.getAddress().isLoopbackAddress()),
                wildcard6.addr().toString());
        for (Endpoint[] pair : new Endpoint[][] {{wildcard6, v6}, {wildcard6, v4}, {v6, wildcard6}}) {
            Connection c = pair[0].connect(pair[1].addr(), HOLD);
            Connection s = pair[1].accept(Duration.ofSeconds(5));
            BiStream a = c.openBi();
            a.send().writeAll(new byte[] {1, 2, 3});
            a.send().finish();
            BiStream b = s.acceptBi();
            assertArrayEquals(new byte[] {1, 2, 3}, b.recv().readToEnd(10));
            c.close(0, "");
        }
    }

    @Test
    void dialingByIdAloneUsesTheAddressOfAnExistingConnection() throws Exception {
        Endpoint a = track(Endpoint.builder().bindAddr(LOOPBACK).alpns(HOLD).bind());
        Endpoint b = track(Endpoint.builder().bindAddr(LOOPBACK).alpns(HOLD).bind());
        Connection ab = a.connect(b.addr(), HOLD);
        Connection atB = b.accept(Duration.ofSeconds(5));
        // b knows nothing but a's id, and reaches it where a's connection comes from
        Connection ba = b.connect(EndpointAddr.of(a.id()), HOLD);
        assertEquals(a.id(), ba.remoteId());
        assertEquals(a.boundAddress(), ba.remoteAddress());
        assertThrows(IOException.class, () -> b.connect(EndpointAddr.of(SecretKey.generate().publicKey()), HOLD));
        ab.close(0, "");
        atB.close(0, "");
        ba.close(0, "");
    }

    @Test
    void peerCloseWakesEveryBlockedOperationWithItsReason() throws Exception {
        TransportConfig oneStream = new TransportConfig().maxConcurrentBidiStreams(1)
                .streamReceiveWindow(64 * 1024).connectionReceiveWindow(128 * 1024);
        Endpoint serverEp = track(Endpoint.builder().bindAddr(LOOPBACK).alpns(HOLD).transportConfig(oneStream).bind());
        Endpoint client = track(Endpoint.builder().bindAddr(LOOPBACK).bind());
        Connection c = client.connect(serverEp.addr(), HOLD);
        Connection s = serverEp.accept(Duration.ofSeconds(5));
        BiStream first = c.openBi(); // the only stream the server allows
        first.send().writeAll(new byte[1]);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> blocked = List.of(
                    pool.submit(() -> c.openBi()),                              // no stream credit
                    pool.submit(() -> c.acceptBi()),                            // nothing comes
                    pool.submit(() -> first.recv().read(ByteBuffer.allocate(10))), // no data
                    pool.submit(() -> {                                          // flow control stops it
                        first.send().writeAll(new byte[6 << 20]); // more than the 4 MiB send buffer
                        return null;
                    }));
            // every one is parked on the loop before the close arrives: the write has filled the window
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (c.stats().streamBytesSent() < 64 * 1024) {
                assertTrue(System.nanoTime() < deadline, "writer never filled the window");
                Thread.onSpinWait();
            }
            s.close(99, "shutting down");
            String[] names = {"openBi", "acceptBi", "read", "writeAll"};
            for (int i = 0; i < blocked.size(); i++) {
                Future<?> f = blocked.get(i);
                java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> f.get(5, TimeUnit.SECONDS), names[i] + " was not failed by the close");
                ConnectionLostException lost = assertInstanceOf(ConnectionLostException.class, e.getCause());
                assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, 99, "shutting down"),
                        lost.close(), names[i] + ": " + lost);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void identityFromDataDirPersistsAndTicketsDialBack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        EndpointAddr first;
        try (Endpoint ep = Endpoint.builder().dataDir(dir).bindAddr(LOOPBACK).bind()) {
            first = ep.addr();
        }
        try (Endpoint again = Endpoint.builder().dataDir(dir).bindAddr(LOOPBACK).alpns(HOLD).bind()) {
            assertEquals(first.id(), again.id(), "same secret_key, same id");
            // a ticket printed from addr() parses back and dials
            com.kafkaconnectiroh.p2p.base.EndpointTicket t =
                    com.kafkaconnectiroh.p2p.base.EndpointTicket.parse(again.ticket().toString());
            assertEquals(again.addr(), t.addr());
            Endpoint client = bind(Endpoint.Transport.AUTO);
            Connection c = client.connect(t.addr(), HOLD);
            assertEquals(again.id(), c.remoteId());
            c.close(0, "");
        }
    }

    @Test
    void wildcardBindListsInterfaceAddressesWithTheBoundPort() throws Exception {
        Endpoint ep = track(Endpoint.builder().bindAddr(new InetSocketAddress("0.0.0.0", 0)).bind());
        int port = ep.boundAddress().getPort();
        assertTrue(port > 0);
        assertTrue(ep.addr().ipAddrs().contains(new InetSocketAddress("127.0.0.1", port)), ep.addr().toString());
        // the JDK and Netty make a wildcard socket dual-stack: IPv6 addresses are listed too (never link-local)
        assertTrue(ep.addr().ipAddrs().stream().allMatch(a -> a.getPort() == port
                && !a.getAddress().isLinkLocalAddress() && !a.getAddress().isAnyLocalAddress()), ep.addr().toString());
    }

    @Test
    void openBiWaitsForStreamCreditAndGetsItWhenThePeerFinishesAStream() throws Exception {
        Endpoint serverEp = track(Endpoint.builder().bindAddr(LOOPBACK).alpns(HOLD)
                .transportConfig(new TransportConfig().maxConcurrentBidiStreams(1)).bind());
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Connection c = client.connect(serverEp.addr(), HOLD);
        Connection s = serverEp.accept(Duration.ofSeconds(5));
        BiStream first = c.openBi();
        assertThrows(SocketTimeoutException.class, () -> c.openBi(Duration.ofMillis(200)), "limit is one stream");
        CompletableFuture<BiStream> second = c.openBiAsync();
        first.send().writeAll(new byte[] {1});
        first.send().finish();
        BiStream atServer = s.acceptBi();
        assertArrayEquals(new byte[] {1}, atServer.recv().readToEnd(1));
        atServer.send().finish();
        assertEquals(0, first.recv().readToEnd(0).length);
        // both halves are done: the server's MAX_STREAMS lets the waiting opener through
        BiStream next = second.get(5, TimeUnit.SECONDS);
        assertEquals(first.id() + 4, next.id());
    }

    @Test
    void routerRefusesConnectionsBeyondItsWorkers() throws Exception {
        Endpoint serverEp = bind(Endpoint.Transport.AUTO);
        CountDownLatch release = new CountDownLatch(1);
        track(Router.builder(serverEp).maxConcurrentConnections(1).accept(HOLD, conn -> {
            release.await();
        }).spawn());
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Connection first = client.connect(serverEp.addr(), HOLD);
        try {
            // the single worker is busy with the first connection: the second is closed as "busy"
            Connection second = client.connect(serverEp.addr(), HOLD);
            assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, 0, "busy"),
                    second.closed().get(5, TimeUnit.SECONDS));
            assertEquals(null, first.closeInfo());
        } finally {
            release.countDown();
        }
        // the handler returned: the router closes the first connection with code 0
        ConnectionClose why = first.closed().get(5, TimeUnit.SECONDS);
        assertEquals(ConnectionClose.Kind.APPLICATION_CLOSED, why.kind());
        assertTrue(why.byPeer());
    }

    /**
     * Connections served by async handlers take no router worker: with one worker and many idle connections on
     * gossip, blobs and ping (none of which sends anything), another peer is still pinged and served at once.
     */
    @Test
    void idleConnectionsToAsyncHandlersDoNotUseUpTheWorkers() throws Exception {
        Endpoint serverEp = bind(Endpoint.Transport.AUTO);
        com.kafkaconnectiroh.p2p.gossip.Gossip gossip = track(com.kafkaconnectiroh.p2p.gossip.Gossip.builder().spawn(serverEp));
        com.kafkaconnectiroh.p2p.blobs.BlobsProvider blobs = new com.kafkaconnectiroh.p2p.blobs.BlobsProvider(
                new com.kafkaconnectiroh.p2p.blobs.store.MemBlobStore());
        com.kafkaconnectiroh.p2p.ping.Ping ping = new com.kafkaconnectiroh.p2p.ping.Ping();
        track(gossip.registerWith(Router.builder(serverEp).maxConcurrentConnections(1))
                .accept(com.kafkaconnectiroh.p2p.blobs.Blobs.ALPN, blobs)
                .accept(com.kafkaconnectiroh.p2p.ping.Ping.ALPN, ping)
                .accept(ECHO, EchoHandler.INSTANCE).spawn());
        Endpoint idler = bind(Endpoint.Transport.AUTO);
        List<Connection> idle = new ArrayList<>();
        for (String alpn : List.of(com.kafkaconnectiroh.p2p.gossip.proto.GossipWire.ALPN_V1,
                com.kafkaconnectiroh.p2p.gossip.proto.GossipWire.ALPN_V0, com.kafkaconnectiroh.p2p.blobs.Blobs.ALPN,
                com.kafkaconnectiroh.p2p.ping.Ping.ALPN)) {
            for (int i = 0; i < 3; i++) {
                idle.add(idler.connect(serverEp.addr(), alpn));
            }
        }
        Endpoint client = bind(Endpoint.Transport.AUTO);
        com.kafkaconnectiroh.p2p.ping.Ping.Pong pong = new com.kafkaconnectiroh.p2p.ping.Ping()
                .ping(client, serverEp.addr(), Duration.ofSeconds(10));
        assertEquals(serverEp.id(), pong.remote());
        Connection echo = client.connect(serverEp.addr(), ECHO);
        BiStream s = echo.openBi();
        s.send().writeAll(new byte[] {42});
        s.send().finish();
        assertArrayEquals(new byte[] {42}, s.recv().readToEnd(10));
        for (Connection c : idle) {
            assertNull(c.closeInfo(), "still open: " + c);
        }
    }

    @Test
    void acceptTimesOutAndEndpointCloseWakesAcceptors() throws Exception {
        Endpoint ep = bind(Endpoint.Transport.AUTO);
        assertNull(ep.accept(Duration.ofMillis(50)));
        CompletableFuture<Connection> f = ep.acceptAsync();
        ep.close();
        assertThrows(Exception.class, () -> f.get(5, TimeUnit.SECONDS));
        assertNull(ep.accept());
    }

    @Test
    void stalledReaderBlocksTheWriterWithBoundedMemoryThenAllBytesArrive() throws Exception {
        TransportConfig small = new TransportConfig().streamReceiveWindow(256 * 1024).connectionReceiveWindow(512 * 1024)
                .streamSendBufferSize(512 * 1024).connectionSendBufferSize(1 << 20);
        Endpoint serverEp = track(Endpoint.builder().bindAddr(LOOPBACK).alpns(HOLD).transportConfig(small).bind());
        Endpoint client = track(Endpoint.builder().bindAddr(LOOPBACK).transportConfig(small).bind());
        Connection c = client.connect(serverEp.addr(), HOLD);
        Connection s = serverEp.accept(Duration.ofSeconds(5));
        SendStream out = c.openUni();
        byte[] chunk = new byte[64 * 1024];
        // the reader has not even accepted the stream: the writer must stop after window + send buffer
        long written = 0;
        while (true) {
            try {
                out.writeAll(ByteBuffer.wrap(chunk), Duration.ofMillis(300));
                written += chunk.length;
            } catch (SocketTimeoutException e) {
                break;
            }
            assertTrue(written < 4 << 20, "writer never blocked: " + written + " bytes taken");
        }
        long blockedAt = written;
        assertTrue(blockedAt >= 256 * 1024, "blocked too early: " + blockedAt);
        // resume: a reader drains everything while the writer goes on
        long total = blockedAt + 8L * 1024 * 1024;
        RecvStream in = s.acceptUni();
        Future<Long> reader = Executors.newSingleThreadExecutor().submit(() -> {
            ByteBuffer buf = ByteBuffer.allocate(100_000);
            long n = 0;
            while (true) {
                buf.clear();
                int r = in.read(buf);
                if (r < 0) {
                    return n;
                }
                n += r;
            }
        });
        // the timed-out write may have taken part of its chunk; count exactly via a fresh stream length
        long extra = total - blockedAt;
        for (long i = 0; i < extra; i += chunk.length) {
            out.writeAll(chunk);
        }
        out.finish();
        long got = reader.get(30, TimeUnit.SECONDS);
        assertTrue(got >= total, "reader got " + got + " of at least " + total);
        assertEquals(OptionalLong.empty(), out.stopped().get(5, TimeUnit.SECONDS));
    }

    @Test
    void stopAndResetAreTyped() throws Exception {
        Endpoint serverEp = bind(Endpoint.Transport.AUTO);
        serverEp.setAlpns(List.of(HOLD));
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Connection c = client.connect(serverEp.addr(), HOLD);
        Connection s = serverEp.accept(Duration.ofSeconds(5));

        BiStream a = c.openBi();
        a.send().writeAll(new byte[] {1, 2, 3});
        BiStream b = s.acceptBi();
        assertArrayEquals(new byte[] {1, 2, 3}, b.recv().readExact(3));
        b.recv().stop(99);
        assertEquals(OptionalLong.of(99), a.send().stopped().get(5, TimeUnit.SECONDS));
        StreamResetException stopped = assertThrows(StreamResetException.class, () -> {
            for (int i = 0; i < 100; i++) {
                a.send().writeAll(new byte[1000]);
            }
        });
        assertEquals(99, stopped.errorCode());
        assertTrue(stopped.stoppedByPeer());

        b.send().writeAll(new byte[] {4});
        b.send().reset(5);
        StreamResetException reset = assertThrows(StreamResetException.class, () -> a.recv().readToEnd(100));
        assertEquals(5, reset.errorCode());

        BiStream x = c.openBi();
        x.send().writeAll(new byte[10]);
        x.send().finish();
        BiStream y = s.acceptBi();
        assertThrows(StreamTooLongException.class, () -> y.recv().readToEnd(5));
    }

    @Test
    void errorCodesOutsideTheVarintRangeAreRefusedAtTheCallAndTheLargestReachesThePeer() throws Exception {
        Endpoint serverEp = bind(Endpoint.Transport.AUTO);
        serverEp.setAlpns(List.of(HOLD));
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Connection c = client.connect(serverEp.addr(), HOLD);
        Connection s = serverEp.accept(Duration.ofSeconds(5));
        long maxCode = (1L << 62) - 1; // RFC 9000 §16: error codes are varints
        BiStream a = c.openBi();
        a.send().writeAll(new byte[] {1});
        BiStream b = s.acceptBi();
        for (long bad : new long[] {-1, maxCode + 1, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> a.send().reset(bad));
            assertThrows(IllegalArgumentException.class, () -> b.recv().stop(bad));
            assertThrows(IllegalArgumentException.class, () -> b.recv().readToEndAsync(10, bad));
            assertThrows(IllegalArgumentException.class, () -> c.close(bad, "out of range"));
        }
        // the refused calls left everything open: the stream still carries data, the largest codes go through
        assertNull(c.closeInfo());
        a.send().writeAll(new byte[] {2});
        assertArrayEquals(new byte[] {1, 2}, b.recv().readExact(2));
        b.recv().stop(maxCode);
        assertEquals(OptionalLong.of(maxCode), a.send().stopped().get(5, TimeUnit.SECONDS));
        c.close(maxCode, "largest code");
        assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, maxCode, "largest code"),
                s.closed().get(5, TimeUnit.SECONDS));
    }

    @Test
    void streamAdaptersAndCloseSemantics() throws Exception {
        Router server = echoServer(Endpoint.Transport.AUTO);
        Endpoint client = bind(Endpoint.Transport.AUTO);
        Connection conn = client.connect(server.endpoint().addr(), ECHO);
        BiStream s = conn.openBi();
        try (var out = s.send().outputStream()) {
            out.write("hello ".getBytes());
            out.write('w');
            out.write("orld".getBytes());
        }
        byte[] back = s.recv().inputStream().readAllBytes();
        assertEquals("hello world", new String(back));
    }

    @Test
    void manyConnectionsAndEndpointCloseTellsPeers() throws Exception {
        Endpoint serverEp = bind(Endpoint.Transport.AUTO);
        CountDownLatch all = new CountDownLatch(10);
        List<Connection> served = java.util.Collections.synchronizedList(new ArrayList<>());
        track(Router.builder(serverEp).accept(HOLD, c -> {
            served.add(c);
            all.countDown();
            c.closed().get();
        }).spawn());
        Endpoint client = bind(Endpoint.Transport.AUTO);
        List<Connection> conns = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            conns.add(client.connect(serverEp.addr(), HOLD));
        }
        assertTrue(all.await(5, TimeUnit.SECONDS));
        client.close();
        for (Connection s : served) {
            ConnectionClose why = s.closed().get(5, TimeUnit.SECONDS);
            assertEquals(ConnectionClose.Kind.APPLICATION_CLOSED, why.kind());
            assertTrue(why.byPeer());
            assertEquals("endpoint closing", why.reason());
        }
        for (Connection c : conns) {
            assertEquals(ConnectionClose.Kind.ENDPOINT_CLOSED, c.closed().get(5, TimeUnit.SECONDS).kind());
        }
    }
}
