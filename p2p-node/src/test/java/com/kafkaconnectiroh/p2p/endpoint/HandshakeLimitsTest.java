package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.interop.Pattern;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.HalfOpenStats;
import com.kafkaconnectiroh.p2p.quic.InitialFlood;
import com.kafkaconnectiroh.p2p.quic.frame.FrameType;
import com.kafkaconnectiroh.p2p.quic.packet.ConnectionId;
import com.kafkaconnectiroh.p2p.quic.protection.InitialSecrets;
import com.kafkaconnectiroh.p2p.quic.protection.PacketOpener;
import com.kafkaconnectiroh.p2p.quic.wire.TransportError;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bounds on handshakes in progress (half-open connections), against a real endpoint on loopback fed genuine
 * Initials from many sources that never answer: Retry under load and for a busy source, the byte budget, the
 * handshake lifetime (shorter under load), Retry tokens that open exactly one connection from where they were
 * sent, tokens that are not ours. Real clients still connect.
 */
@Timeout(60)
class HandshakeLimitsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Endpoint server(EndpointConfig config) throws Exception {
        // serving the flood's ALPN, so its handshakes wait for a client Finished that never comes
        return Endpoint.builder().bindAddr(LOOPBACK).alpns(EndpointTest.ECHO).endpointConfig(config).bind();
    }

    private static HalfOpenStats await(Endpoint ep, Predicate<HalfOpenStats> p, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HalfOpenStats s = ep.halfOpenStats();
        while (!p.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + WAIT + "; " + s);
            }
            Thread.sleep(10);
            s = ep.halfOpenStats();
        }
        return s;
    }

    /** The next datagram source {@code i} received (waiting up to {@link #WAIT}). */
    private static byte[] received(InitialFlood flood, int i) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        byte[] d;
        while ((d = flood.receive(i)) == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("source " + i + " got nothing within " + WAIT);
            }
            Thread.sleep(5);
        }
        return d;
    }

    /** Reads everything source {@code i} received until it is quiet; returns the first Retry among it, or null. */
    private static Retry retryAmong(InitialFlood flood, int i) throws Exception {
        Retry found = null;
        byte[] d = received(flood, i);
        while (d != null) {
            if (found == null && Retry.is(d)) {
                found = Retry.parse(d);
            }
            Thread.sleep(200);
            d = flood.receive(i);
        }
        return found;
    }

    /** The parts of a Retry packet (RFC 9000 §17.2.5) a client uses. */
    private record Retry(ConnectionId scid, byte[] token) {
        static boolean is(byte[] d) {
            return d.length > 7 && (d[0] & 0xF0) == 0xF0 && d[1] == 0 && d[2] == 0 && d[3] == 0 && d[4] == 1;
        }

        static Retry parse(byte[] d) {
            int dcidLen = d[5] & 0xFF;
            int p = 6 + dcidLen;
            int scidLen = d[p] & 0xFF;
            ConnectionId scid = ConnectionId.of(d, p + 1, scidLen);
            p += 1 + scidLen;
            return new Retry(scid, Arrays.copyOfRange(d, p, d.length - 16));
        }
    }

    private static void echoFrom(Endpoint server) throws Exception {
        try (Endpoint client = Endpoint.builder().bindAddr(LOOPBACK).bind()) {
            Connection c = client.connect(server.addr(), EndpointTest.ECHO, Duration.ofSeconds(20));
            byte[] data = Pattern.bytes(7, 50_000);
            assertArrayEquals(data, IrohEndpointInteropTest.echo(c, data));
            c.close(0, "done");
        }
    }

    @Test
    void underLoadNewClientsMustAnswerARetryAndRealOnesStillConnect() throws Exception {
        try (Endpoint server = server(new EndpointConfig().retryThreshold(8));
             Router router = Router.builder(server).accept(EndpointTest.ECHO, EchoHandler.INSTANCE).spawn();
             InitialFlood flood = new InitialFlood(server.id(), EndpointTest.ECHO, server.boundAddress(), 9, 1)) {
            for (int i = 0; i < 8; i++) {
                flood.sendOne();
            }
            HalfOpenStats loaded = await(server, s -> s.count() == 8 && s.underLoad(), "8 half-open, under load");
            assertEquals(0, loaded.retries(), loaded.toString());

            flood.sendOne(); // a ninth source: no state, a Retry
            assertNotNull(retryAmong(flood, 8), "the ninth source got a Retry");
            HalfOpenStats after = server.halfOpenStats();
            assertEquals(8, after.count(), after.toString());
            assertEquals(1, after.retries(), after.toString());

            echoFrom(server); // a real client answers its Retry and is served
            HalfOpenStats served = server.halfOpenStats();
            assertTrue(served.retries() >= 2, served.toString());
            assertEquals(9, served.peakCount(), "the client's handshake was the only other one: " + served);
            assertEquals(8, served.count(), "it completed while the flood's wait: " + served);
        }
    }

    @Test
    void oneSourceGetsHalfItsShareThenMustAnswerARetry() throws Exception {
        try (Endpoint server = server(new EndpointConfig().maxHalfOpenPerSource(16));
             InitialFlood flood = new InitialFlood(server.id(), EndpointTest.ECHO, server.boundAddress(), 1, 2)) {
            for (int i = 0; i < 12; i++) {
                flood.sendOne();
            }
            HalfOpenStats s = await(server, x -> x.count() + x.retries() == 12, "all 12 Initials handled");
            assertEquals(8, s.count(), s.toString());
            assertEquals(4, s.retries(), s.toString());
            assertTrue(!s.underLoad(), "one source does not put the endpoint under load: " + s);
        }
    }

    @Test
    void theByteBudgetCapsWhatHandshakesInProgressHold() throws Exception {
        long budget = 75_000; // three handshakes' worth (about 23 KB each) and a bit
        try (Endpoint server = server(new EndpointConfig().retry(false).halfOpenBudgetBytes(budget));
             Router router = Router.builder(server).accept(EndpointTest.ECHO, EchoHandler.INSTANCE).spawn();
             InitialFlood flood = new InitialFlood(server.id(), EndpointTest.ECHO, server.boundAddress(), 10, 3)) {
            for (int i = 0; i < 10; i++) {
                flood.sendOne();
            }
            HalfOpenStats s = await(server, x -> x.count() + x.droppedForBudget() >= 10, "all 10 Initials handled");
            assertEquals(3, s.count(), s.toString());
            assertTrue(s.bytes() <= budget && s.peakBytes() <= budget, s.toString());
            assertEquals(7, s.droppedForBudget(), s.toString());
        }
    }

    @Test
    void handshakesNobodyFinishesAreForgottenSoonerUnderLoad() throws Exception {
        // the normal lifetime (a minute) would outlast this test; under load it is half a second
        EndpointConfig config = new EndpointConfig().retryThreshold(4).handshakeTimeoutNanos(60_000_000_000L)
                .loadedHandshakeTimeoutNanos(500_000_000L);
        try (Endpoint server = server(config);
             InitialFlood flood = new InitialFlood(server.id(), EndpointTest.ECHO, server.boundAddress(), 4, 4)) {
            for (int i = 0; i < 3; i++) {
                flood.sendOne();
            }
            await(server, x -> x.count() == 3 && !x.underLoad(), "3 half-open");
            flood.sendOne(); // the fourth puts the endpoint under load: all four now have half a second
            await(server, HalfOpenStats::underLoad, "under load");
            HalfOpenStats s = await(server, x -> x.count() == 0, "all forgotten");
            assertEquals(4, s.expired(), s.toString());
            assertTrue(!s.underLoad(), s.toString());
        }
    }

    @Test
    void aRetryTokenOpensOneConnectionFromWhereItWasSent() throws Exception {
        try (Endpoint server = server(new EndpointConfig().retry(true));
             InitialFlood flood = new InitialFlood(server.id(), EndpointTest.ECHO, server.boundAddress(), 2, 5)) {
            flood.send(0, ConnectionId.random(new Random(1), 8), new byte[0]);
            Retry retry = retryAmong(flood, 0);
            assertNotNull(retry, "a Retry");

            flood.send(0, retry.scid(), retry.token()); // as a client answers it
            await(server, x -> x.count() == 1, "the answer opened a connection");

            flood.send(0, ConnectionId.random(new Random(2), 8), retry.token()); // replayed to another ID
            flood.send(1, ConnectionId.random(new Random(3), 8), retry.token()); // and from another address
            flood.send(0, retry.scid(), retry.token()); // again, as a retransmission: the same connection
            flood.send(0, ConnectionId.random(new Random(4), 8), new byte[0]); // a marker: answered with a Retry
            HalfOpenStats s = await(server, x -> x.retries() == 2, "the marker's Retry");
            assertEquals(1, s.count(), "a replayed token opens nothing: " + s);
            assertEquals(1, s.peakCount(), s.toString());
            assertEquals(2, s.invalidTokens(), "the two replays were counted: " + s);
        }
    }

    @Test
    void forgedExpiredAndForeignTokensAreRefusedAndCounted() throws Exception {
        EndpointConfig config = new EndpointConfig().retry(true).retryTokenLifetimeNanos(500_000_000L);
        try (Endpoint server = server(config);
             InitialFlood flood = new InitialFlood(server.id(), EndpointTest.ECHO, server.boundAddress(), 2, 10)) {
            Random rnd = new Random(11);
            flood.send(0, ConnectionId.random(rnd, 8), new byte[0]);
            Retry stale = retryAmong(flood, 0);
            assertNotNull(stale, "a Retry");
            Thread.sleep(1000); // past its lifetime
            flood.send(0, stale.scid(), stale.token()); // expired
            // RFC 9000 §8.1.2: told at once, in an Initial under the keys of the DCID it used
            byte[] close = received(flood, 0);
            byte[] frames = PacketOpener.unprotect(InitialSecrets.serverKeys(stale.scid().toBytes()), close, 0,
                    new long[1]);
            assertEquals(FrameType.CONNECTION_CLOSE, frames[0], "a CONNECTION_CLOSE");
            assertEquals(TransportError.INVALID_TOKEN.code(), frames[1], "with INVALID_TOKEN");

            flood.send(0, ConnectionId.random(rnd, 8), new byte[0]);
            Retry fresh = retryAmong(flood, 0);
            assertNotNull(fresh, "a second Retry");
            byte[] tampered = fresh.token().clone();
            tampered[tampered.length - 1] ^= 1;
            flood.send(0, fresh.scid(), tampered); // its MAC altered
            byte[] made = fresh.token().clone();
            for (int i = 2 + (made[1] & 0xFF); i < made.length; i++) {
                made[i] = (byte) rnd.nextInt(); // a token of our shape with a time and MAC made up
            }
            flood.send(0, fresh.scid(), made);
            flood.send(1, fresh.scid(), fresh.token()); // from another address
            HalfOpenStats refused = await(server, x -> x.invalidTokens() == 4, "four tokens refused");
            assertEquals(0, refused.count(), refused.toString());
            assertEquals(0, refused.peakCount(), refused.toString());

            flood.send(0, fresh.scid(), fresh.token()); // the genuine answer, in time and from where it went
            HalfOpenStats s = await(server, x -> x.count() == 1, "the genuine answer opened a connection");
            assertEquals(4, s.invalidTokens(), s.toString());
        }
    }

    @Test
    void aClientWhoseTokenIsRefusedLearnsItAtOnce() throws Exception {
        // a token lifetime of 1 ns: every answer to a Retry comes too late
        EndpointConfig config = new EndpointConfig().retry(true).retryTokenLifetimeNanos(1);
        try (Endpoint server = server(config);
             Endpoint client = Endpoint.builder().bindAddr(LOOPBACK).bind()) {
            ConnectionLostException e = assertThrows(ConnectionLostException.class,
                    () -> client.connect(server.addr(), EndpointTest.ECHO, Duration.ofSeconds(20)));
            assertEquals(ConnectionClose.Kind.TRANSPORT_ERROR, e.close().kind(), e.close().toString());
            assertTrue(e.close().byPeer(), e.close().toString());
            assertEquals(TransportError.INVALID_TOKEN.code(), e.close().code(), e.close().toString());
            assertTrue(server.halfOpenStats().invalidTokens() >= 1, server.halfOpenStats().toString());
        }
    }

    @Test
    void tokensThatAreNotOursCountAsNone() throws Exception {
        Random rnd = new Random(6);
        byte[] big = new byte[600];
        rnd.nextBytes(big);
        big[0] = 0x52; // even one that starts like ours
        try (Endpoint relaxed = server(new EndpointConfig().retry(false));
             InitialFlood flood = new InitialFlood(relaxed.id(), EndpointTest.ECHO, relaxed.boundAddress(), 1, 7)) {
            flood.send(0, ConnectionId.random(rnd, 8), big);
            HalfOpenStats s = await(relaxed, x -> x.count() == 1, "a connection as if without a token");
            assertEquals(0, s.retries(), s.toString());
        }
        try (Endpoint strict = server(new EndpointConfig().retry(true));
             InitialFlood flood = new InitialFlood(strict.id(), EndpointTest.ECHO, strict.boundAddress(), 1, 8)) {
            flood.send(0, ConnectionId.random(rnd, 8), big);
            assertNotNull(retryAmong(flood, 0), "a Retry, as for no token");
            assertEquals(0, strict.halfOpenStats().count());
        }
    }
}
