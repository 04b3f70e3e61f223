package com.kafkaconnectiroh.p2p.ping;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionClose;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** iroh-ping between two Java endpoints on loopback: the exchange itself and every way it can fail. */
@Timeout(60)
class PingTest {
    static final Duration SHORT = Duration.ofSeconds(2);

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

    private Endpoint bind() throws IOException {
        return track(Endpoint.builder().bindAddr(LOOPBACK).bind());
    }

    @Test
    void pingGetsPongAndServerSeesTheClientClose() throws Exception {
        BlockingQueue<Ping.Served> served = new LinkedBlockingQueue<>();
        Ping server = new Ping(served::add);
        Endpoint s = bind();
        BlockingQueue<ConnectionClose> closes = new LinkedBlockingQueue<>();
        track(Router.builder(s).accept(Ping.ALPN, c -> {
            server.accept(c);
            closes.add(c.closed().get());
        }).spawn());
        Endpoint c = bind();
        Ping client = new Ping();
        for (int i = 1; i <= 3; i++) {
            Ping.Pong pong = client.ping(c, s.addr(), SHORT);
            assertEquals(s.id(), pong.remote());
            assertEquals(s.boundAddress(), pong.path());
            assertTrue(pong.rtt().compareTo(Duration.ZERO) > 0 && pong.handshake().compareTo(Duration.ZERO) > 0, pong.toString());
            Ping.Served one = served.poll(5, TimeUnit.SECONDS);
            assertTrue(one != null && one.ok(), String.valueOf(one));
            assertEquals(c.id(), one.remote());
            // iroh-ping's client closes with (0, "bye!") once it has the PONG
            ConnectionClose close = closes.poll(5, TimeUnit.SECONDS);
            assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, 0, "bye!"), close);
        }
        assertEquals(3, client.pingsSent());
        assertEquals(3, server.pingsReceived());
    }

    @Test
    void wrongIdIsReportedAsSuch() throws Exception {
        Endpoint s = bind();
        track(Router.builder(s).accept(Ping.ALPN, new Ping()).spawn());
        EndpointAddr impostor = EndpointAddr.of(SecretKey.generate().publicKey(), null, List.of(s.boundAddress()));
        PingException e = assertThrows(PingException.class, () -> new Ping().ping(bind(), impostor, SHORT));
        assertEquals(PingException.Kind.WRONG_ID, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("is not " + impostor.id().fmtShort()), e.getMessage());
        assertTrue(e.getMessage().contains(s.id().toString()), "names who answered: " + e.getMessage());
    }

    @Test
    void peerWithoutPingRefusesTheAlpn() throws Exception {
        Endpoint s = bind();
        track(Router.builder(s).accept("other/proto", c -> c.closed().get()).spawn());
        PingException e = assertThrows(PingException.class, () -> new Ping().ping(bind(), s.addr(), SHORT));
        assertEquals(PingException.Kind.ALPN_REFUSED, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("does not serve iroh/ping/0"), e.getMessage());
    }

    @Test
    void silentAddressIsUnreachable() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            EndpointAddr nobody = EndpointAddr.of(SecretKey.generate().publicKey(), null,
                    List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())));
            long t0 = System.nanoTime();
            PingException e = assertThrows(PingException.class,
                    () -> new Ping().ping(bind(), nobody, Duration.ofMillis(800)));
            assertEquals(PingException.Kind.UNREACHABLE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().startsWith("no answer from " + nobody.id().fmtShort()), e.getMessage());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "gave up in time");
        }
    }

    @Test
    void idWithoutAddressIsUnreachable() throws Exception {
        EndpointAddr bare = EndpointAddr.of(SecretKey.generate().publicKey());
        PingException e = assertThrows(PingException.class, () -> new Ping().ping(bind(), bare, SHORT));
        assertEquals(PingException.Kind.UNREACHABLE, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("no direct address"), e.getMessage());
    }

    @Test
    void serverThatNeverAnswersTimesOut() throws Exception {
        Endpoint s = bind();
        CountDownLatch release = new CountDownLatch(1);
        track(Router.builder(s).accept(Ping.ALPN, c -> {
            c.acceptBi().recv().readToEnd(4);
            release.await(); // never writes PONG
        }).spawn());
        try {
            PingException e = assertThrows(PingException.class, () -> new Ping().ping(bind(), s.addr(), Duration.ofMillis(700)));
            assertEquals(PingException.Kind.TIMEOUT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("no PONG within 700 ms"), e.getMessage());
        } finally {
            release.countDown();
        }
    }

    @Test
    void wrongAnswerIsABadResponse() throws Exception {
        Endpoint s = bind();
        track(Router.builder(s).accept(Ping.ALPN, c -> {
            BiStream b = c.acceptBi();
            b.recv().readToEnd(4);
            b.send().writeAll("PANG".getBytes(StandardCharsets.US_ASCII));
            b.send().finish();
            c.closed().get();
        }).spawn());
        PingException e = assertThrows(PingException.class, () -> new Ping().ping(bind(), s.addr(), SHORT));
        assertEquals(PingException.Kind.BAD_RESPONSE, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("answered \"PANG\" instead of \"PONG\""), e.getMessage());
    }

    @Test
    void serverRefusesAnythingButPing() throws Exception {
        BlockingQueue<Ping.Served> served = new LinkedBlockingQueue<>();
        Endpoint s = bind();
        track(Router.builder(s).accept(Ping.ALPN, new Ping(served::add)).spawn());
        Endpoint c = bind();
        for (String request : new String[] {"PONG", "PINGPING", ""}) {
            Connection conn = c.connect(s.addr(), Ping.ALPN);
            BiStream b = conn.openBi();
            b.send().writeAll(request.getBytes(StandardCharsets.US_ASCII));
            b.send().finish();
            ConnectionClose close = conn.closed().get(5, TimeUnit.SECONDS);
            assertEquals(new ConnectionClose(ConnectionClose.Kind.APPLICATION_CLOSED, true, Ping.BAD_REQUEST_CODE,
                    "expected PING"), close, "request '" + request + "'");
            Ping.Served one = served.poll(5, TimeUnit.SECONDS);
            assertFalse(one.ok(), String.valueOf(one));
        }
    }

    @Test
    void pingBytesOnTheWire() throws Exception {
        // The raw exchange, without Ping's client: PING in, PONG out, exactly.
        Endpoint s = bind();
        track(Router.builder(s).accept(Ping.ALPN, new Ping()).spawn());
        Connection conn = bind().connect(s.addr(), Ping.ALPN);
        BiStream b = conn.openBi();
        b.send().writeAll("PING".getBytes(StandardCharsets.US_ASCII));
        b.send().finish();
        assertArrayEquals("PONG".getBytes(StandardCharsets.US_ASCII), b.recv().readToEnd(100));
        conn.close(0, "bye!");
    }
}
