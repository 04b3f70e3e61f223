package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which addresses a dial tries and in what order: the peer's direct addresses our socket can reach (loopback last),
 * else what the known-address book (or another {@link AddressLookup}) holds for the peer.
 */
@Timeout(60)
class DialerTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    private static Endpoint bind() throws IOException {
        return Endpoint.builder().bindAddr(LOOPBACK).alpns(EndpointTest.HOLD).bind();
    }

    /** {@code a} dials {@code b} at its own addresses; {@code b} accepts. */
    private static Connection connected(Endpoint a, Endpoint b) throws IOException {
        Connection ab = a.connect(b.addr(), EndpointTest.HOLD);
        b.accept(Duration.ofSeconds(10));
        return ab;
    }

    private static InetSocketAddress at(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    @Test
    void aWildcardSocketTriesOtherAddressesInTheGivenOrderThenLoopbackAndSkipsWhatCannotBeReached() {
        List<InetSocketAddress> given = List.of(at("127.0.0.1", 1), at("10.0.0.1", 2), at("0.0.0.0", 3),
                at("224.0.0.1", 4), at("192.168.1.5", 0), at("::1", 5), at("127.0.0.2", 6), at("192.168.1.5", 7));
        assertEquals(List.of(at("10.0.0.1", 2), at("192.168.1.5", 7), at("127.0.0.1", 1), at("127.0.0.2", 6)),
                Dialer.directOrder(at("0.0.0.0", 4000), given), "IPv6 is out of an IPv4 socket's reach");
        assertEquals(List.of(at("10.0.0.1", 2), at("192.168.1.5", 7), at("127.0.0.1", 1), at("::1", 5),
                at("127.0.0.2", 6)), Dialer.directOrder(at("::", 4000), given), "a dual-stack socket takes both");
    }

    @Test
    void aSocketBoundToOneAddressTriesOnlyWhatItCanReach() {
        List<InetSocketAddress> given = List.of(at("10.0.0.1", 2), at("127.0.0.1", 1), at("::1", 5),
                at("2001:db8::1", 8));
        assertEquals(List.of(at("127.0.0.1", 1)), Dialer.directOrder(at("127.0.0.1", 4000), given),
                "a loopback socket reaches only loopback");
        assertEquals(List.of(at("::1", 5)), Dialer.directOrder(at("::1", 4000), given),
                "an IPv6 loopback socket: neither IPv4 nor other hosts");
        assertEquals(List.of(at("10.0.0.1", 2), at("127.0.0.1", 1)), Dialer.directOrder(at("10.0.0.9", 4000), given));
    }

    @Test
    void aPeerThatDialledUsIsReachableByIdAloneAfterItsConnectionClosed() throws Exception {
        try (Endpoint a = bind(); Endpoint b = bind()) {
            Connection ba = b.connect(a.addr(), EndpointTest.HOLD); // b's disco Ping tells a where b is
            Connection atA = a.accept(Duration.ofSeconds(10));
            ba.close(0, "done");
            atA.closed().get(10, TimeUnit.SECONDS);

            Connection ab = a.connect(EndpointAddr.of(b.id()), EndpointTest.HOLD);
            assertEquals(b.id(), ab.remoteId());
            assertEquals(b.boundAddress(), ab.remoteAddress());
            ab.close(0, "done");
        }
    }

    @Test
    void aPeerNeverHeardFromWithoutDirectAddressesFailsAtOnceSayingSo() throws Exception {
        try (Endpoint a = bind()) {
            EndpointId stranger = SecretKey.generate().publicKey();
            IOException e = assertThrows(IOException.class,
                    () -> a.connect(EndpointAddr.of(stranger, null, List.of(at("::1", 4000))), EndpointTest.HOLD));
            assertEquals("no usable direct address for " + stranger + " (have " + List.of(at("::1", 4000))
                    + "; socket " + a.boundAddress() + "; no relay URL)", e.getMessage());
        }
    }

    @Test
    void aTicketWhoseAddressesAreOutOfReachFallsBackToTheKnownAddress() throws Exception {
        try (Endpoint a = bind(); Endpoint b = bind()) {
            Connection ab = connected(a, b);
            // a's IPv4 socket cannot reach an IPv6 address: the open connection's address is used instead
            EndpointAddr v6Only = EndpointAddr.of(b.id(), null, List.of(at("::1", b.boundAddress().getPort())));
            Connection again = a.connect(v6Only, EndpointTest.HOLD);
            assertEquals(b.boundAddress(), again.remoteAddress());
            again.close(0, "done");
            ab.close(0, "done");
        }
    }

    @Test
    void aUsableDirectAddressIsTriedInsteadOfTheKnownOne() throws Exception {
        try (Endpoint a = bind(); Endpoint b = bind();
             DatagramChannel silent = DatagramChannel.open().bind(LOOPBACK)) {
            Connection ab = connected(a, b);
            InetSocketAddress dead = (InetSocketAddress) silent.getLocalAddress();
            ConnectionLostException e = assertThrows(ConnectionLostException.class, () -> a.connect(
                    EndpointAddr.of(b.id(), null, List.of(dead)), EndpointTest.HOLD, Duration.ofSeconds(1)));
            assertEquals(ConnectionClose.Kind.CONNECT_TIMEOUT, e.close().kind());
            assertTrue(e.close().reason().contains("at [" + dead + "]"), e.close().reason());
            ab.close(0, "done");
        }
    }

    @Test
    void lookupsAreAskedInOrderAndTheFirstThatKnowsThePeerAnswers() throws Exception {
        EndpointId peer = SecretKey.generate().publicKey();
        EndpointId other = SecretKey.generate().publicKey();
        InetSocketAddress first = at("127.0.0.1", 1111);
        InetSocketAddress second = at("127.0.0.1", 2222);
        InetSocketAddress direct = at("127.0.0.1", 3333);
        try (Endpoint a = bind()) {
            Dialer dialer = new Dialer(a.driver(), List.of(
                    id -> List.of(),
                    id -> id.equals(peer) ? List.of(first) : List.of(),
                    id -> List.of(second)));
            assertEquals(List.of(first), onLoop(a, () -> dialer.candidates(EndpointAddr.of(peer))));
            assertEquals(List.of(second), onLoop(a, () -> dialer.candidates(EndpointAddr.of(other))));
            assertEquals(List.of(direct), onLoop(a, () -> dialer.candidates(EndpointAddr.of(peer, null,
                    List.of(direct)))), "a usable direct address needs no lookup");
        }
    }

    private static <T> T onLoop(Endpoint ep, java.util.function.Supplier<T> s) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        assertTrue(ep.driver().submit(() -> f.complete(s.get())));
        return f.get(10, TimeUnit.SECONDS);
    }
}
