package com.kafkaconnectiroh.p2p.ping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionClose;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The speedtest protocol between two Java endpoints on loopback: sizes, timed runs, what the server reports. */
@Timeout(60)
class SpeedtestTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final BlockingQueue<Speedtest.Transfer> served = new LinkedBlockingQueue<>();
    private Endpoint server;
    private Connection conn;

    @BeforeEach
    void start() throws IOException {
        InetSocketAddress lo = new InetSocketAddress("127.0.0.1", 0);
        server = track(Endpoint.builder().bindAddr(lo).bind());
        track(Router.builder(server).accept(Speedtest.ALPN, new Speedtest(served::add)).spawn());
        Endpoint client = track(Endpoint.builder().bindAddr(lo).bind());
        conn = client.connect(server.addr(), Speedtest.ALPN);
    }

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

    private Speedtest.Transfer servedNext() throws InterruptedException {
        Speedtest.Transfer t = served.poll(10, TimeUnit.SECONDS);
        assertTrue(t != null, "the server reported the transfer");
        return t;
    }

    @Test
    void uploadsOfAnySizeAreCountedExactly() throws Exception {
        for (long size : new long[] {0, 1, Speedtest.CHUNK - 1, Speedtest.CHUNK + 1, 5L * Speedtest.CHUNK}) {
            Speedtest.Transfer t = Speedtest.upload(conn, size, null);
            assertEquals(Speedtest.Direction.UPLOAD, t.direction());
            assertEquals(size, t.bytes());
            assertEquals(server.id(), t.remote());
            Speedtest.Transfer s = servedNext();
            assertEquals(size, s.bytes());
            assertEquals(conn.remoteId(), server.id());
        }
    }

    @Test
    void aConnectionKeptAliveWithoutTransfersIsClosedSoItCannotHoldAWorker() throws Exception {
        InetSocketAddress lo = new InetSocketAddress("127.0.0.1", 0);
        Endpoint idleServer = track(Endpoint.builder().bindAddr(lo).bind());
        track(Router.builder(idleServer).maxConcurrentConnections(1)
                .accept(Speedtest.ALPN, new Speedtest(served::add, Duration.ofMillis(300))).spawn());
        // keep-alive: without the server's own idle rule, QUIC would keep this connection (and the worker) forever
        TransportConfig keepAlive = new TransportConfig().keepAliveInterval(Duration.ofMillis(100));
        Endpoint client = track(Endpoint.builder().bindAddr(lo).transportConfig(keepAlive).bind());
        Connection idle = client.connect(idleServer.addr(), Speedtest.ALPN);
        // a transfer, then nothing: the server closes the connection
        assertEquals(3, Speedtest.upload(idle, 3, null).bytes());
        ConnectionClose close = idle.closed().get(20, TimeUnit.SECONDS);
        assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, 0, "idle"), close);
        // and its only worker serves the next client
        Connection next = client.connect(idleServer.addr(), Speedtest.ALPN);
        assertEquals(5, Speedtest.upload(next, 5, null).bytes());
        next.close(0, "done");
    }

    @Test
    void downloadsOfAnySizeArriveExactly() throws Exception {
        for (long size : new long[] {0, 1, Speedtest.CHUNK + 7, 5L * Speedtest.CHUNK}) {
            Speedtest.Transfer t = Speedtest.download(conn, size, null);
            assertEquals(Speedtest.Direction.DOWNLOAD, t.direction());
            assertEquals(size, t.bytes());
            assertEquals(size, servedNext().bytes());
        }
    }

    @Test
    void timedTransfersRunForTheirDuration() throws Exception {
        Duration d = Duration.ofMillis(600);
        Speedtest.Transfer up = Speedtest.upload(conn, 0, d);
        assertTrue(up.elapsed().compareTo(d) >= 0 && up.bytes() > 0, up.toString());
        assertEquals(up.bytes(), servedNext().bytes());
        Speedtest.Transfer down = Speedtest.download(conn, 0, d);
        assertTrue(down.elapsed().compareTo(d) >= 0 && down.bytes() > 0, down.toString());
        // the server stops when we stop reading; it may have written more than we read
        assertTrue(servedNext().bytes() >= down.bytes());
        // and the connection is still good for more
        assertEquals(1000, Speedtest.upload(conn, 1000, null).bytes());
    }

    @Test
    void uploadIsTheSinkProtocol() throws Exception {
        // A client that knows nothing of the speedtest: bytes, FIN, then an 8-byte big-endian count.
        BiStream s = conn.openBi();
        s.send().writeAll(new byte[12345]);
        s.send().finish();
        assertEquals(12345L, ByteBuffer.wrap(s.recv().readToEnd(8)).getLong());
    }

    @Test
    void malformedDownloadRequestClosesTheConnection() throws Exception {
        var req = conn.openUni();
        req.writeAll(new byte[3]);
        req.finish();
        var close = conn.closed().get(10, TimeUnit.SECONDS);
        assertEquals(1, close.code(), close.toString());
        assertTrue(close.byPeer(), close.toString());
    }

    @Test
    void transferRate() {
        var t = new Speedtest.Transfer(server.id(), Speedtest.Direction.UPLOAD, 50_000_000, Duration.ofMillis(500));
        assertEquals(100.0, t.mbPerSec(), 1e-9);
    }
}
