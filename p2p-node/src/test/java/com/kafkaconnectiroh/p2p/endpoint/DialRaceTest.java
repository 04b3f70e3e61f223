package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A ticket's addresses are raced, not tried one after another: a live address behind 100 dead ones connects
 * within the default connect timeout (the dial used to try one address every 250 ms and gave up after 40), the
 * dial keeps several attempts in flight, tries every address, and leaves no attempt behind once it won.
 */
@Timeout(60)
class DialRaceTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void aLiveAddressBehindAHundredDeadOnesConnects() throws Exception {
        List<DatagramChannel> dead = new ArrayList<>();
        // addresses are kept sorted (as iroh's BTreeSet): 127.0.0.2 comes after every 127.0.0.1 address
        try (Endpoint server = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.2", 0))
                .alpns(EndpointTest.HOLD).bind();
             Endpoint client = Endpoint.builder().bindAddr(LOOPBACK).bind()) {
            List<InetSocketAddress> addrs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                DatagramChannel ch = DatagramChannel.open().bind(LOOPBACK); // takes what comes, answers nothing
                ch.configureBlocking(false);
                dead.add(ch);
                addrs.add((InetSocketAddress) ch.getLocalAddress());
            }
            addrs.add(server.boundAddress());
            EndpointAddr ticket = EndpointAddr.of(server.id(), null, addrs);
            assertEquals(server.boundAddress(), List.copyOf(ticket.ipAddrs()).get(100), "the live address is last");

            Connection c = client.connect(ticket, EndpointTest.HOLD); // the default connect timeout, 10 s
            assertEquals(server.id(), c.remoteId());

            int tried = 0;
            for (DatagramChannel ch : dead) {
                tried += ch.receive(ByteBuffer.allocate(2048)) != null ? 1 : 0;
            }
            assertEquals(100, tried, "every dead address got an Initial");
            assertTrue(client.driver().dialer().peakInFlight() > 1, "attempts overlapped: "
                    + client.driver().dialer().peakInFlight());
            assertTrue(client.driver().dialer().peakInFlight() <= Dial.MAX_IN_FLIGHT, "bounded: "
                    + client.driver().dialer().peakInFlight());
            awaitConnections(client, 1); // the losers are gone, not lingering
            c.close(0, "done");
        } finally {
            for (DatagramChannel ch : dead) {
                ch.close();
            }
        }
    }

    @Test
    void anotherNodeAtTheFirstAddressDoesNotStopTheRightOneAtTheSecond() throws Exception {
        try (Endpoint server = Endpoint.builder().bindAddr(LOOPBACK).alpns(EndpointTest.HOLD).bind();
             Endpoint impostor = Endpoint.builder().bindAddr(LOOPBACK).alpns(EndpointTest.HOLD).bind();
             Endpoint client = Endpoint.builder().bindAddr(LOOPBACK).bind()) {
            EndpointAddr ticket = EndpointAddr.of(server.id(), null,
                    List.of(impostor.boundAddress(), server.boundAddress()));
            Connection c = client.connect(ticket, EndpointTest.HOLD);
            assertEquals(server.id(), c.remoteId());
            c.close(0, "done");

            EndpointAddr wrong = EndpointAddr.of(server.id(), null, List.of(impostor.boundAddress()));
            ConnectionLostException e = assertThrows(ConnectionLostException.class,
                    () -> client.connect(wrong, EndpointTest.HOLD, Duration.ofSeconds(10)));
            assertTrue(e.close().reason().startsWith("expected peer " + server.id()), e.close().toString());
            awaitConnections(client, 0);
        }
    }

    @Test
    void addressesThatAnswerAndThenStallDoNotHoldTheOthersBack() throws Exception {
        // 16 addresses answer the Initial (so the dial has heard from the peer there) and then nothing more; the
        // dial used to wait for them until its timeout
        List<FirstPacketProxy> proxies = new ArrayList<>();
        try (Endpoint server = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.2", 0))
                .alpns(EndpointTest.HOLD).bind();
             Endpoint client = Endpoint.builder().bindAddr(LOOPBACK).bind()) {
            List<InetSocketAddress> addrs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                FirstPacketProxy p = new FirstPacketProxy(server.boundAddress());
                proxies.add(p);
                addrs.add(p.address());
            }
            addrs.add(server.boundAddress());
            EndpointAddr ticket = EndpointAddr.of(server.id(), null, addrs);
            assertEquals(server.boundAddress(), ticket.ipAddrs().last());

            Connection c = client.connect(ticket, EndpointTest.HOLD); // the default connect timeout, 10 s
            assertEquals(server.boundAddress(), c.remoteAddress());
            assertTrue(proxies.get(0).answered(), "the first attempt had heard from the server");
            c.close(0, "done");
        } finally {
            for (FirstPacketProxy p : proxies) {
                p.close();
            }
        }
    }

    /**
     * A UDP relay to {@code server} that passes everything from the client but, of what the server sends back,
     * only the first QUIC packet of its first QUIC datagram (its Initial, with the ServerHello; no disco): the
     * client hears from the server there, and the handshake goes no further.
     */
    private static final class FirstPacketProxy implements AutoCloseable {
        private final DatagramChannel ch;
        private final Thread relay;
        private volatile boolean answered;

        FirstPacketProxy(InetSocketAddress server) throws java.io.IOException {
            ch = DatagramChannel.open().bind(LOOPBACK);
            relay = new Thread(() -> {
                InetSocketAddress client = null;
                ByteBuffer b = ByteBuffer.allocate(65536);
                try {
                    while (true) {
                        b.clear();
                        InetSocketAddress from = (InetSocketAddress) ch.receive(b);
                        b.flip();
                        if (!from.equals(server)) {
                            client = from;
                            ch.send(b, server);
                        } else if (!answered && client != null && (b.get(0) & 0xC0) == 0xC0) { // QUIC, not disco
                            answered = true;
                            b.limit(firstPacketEnd(b));
                            ch.send(b, client);
                        }
                    }
                } catch (java.io.IOException closed) {
                    // done
                }
            }, "first-packet-proxy");
            relay.setDaemon(true);
            relay.start();
        }

        /** The end of the first packet of a datagram of long-header packets (RFC 9000 §17.2). */
        private static int firstPacketEnd(ByteBuffer b) {
            int p = 5;
            p += 1 + (b.get(p) & 0xFF); // DCID
            p += 1 + (b.get(p) & 0xFF); // SCID
            long[] v = new long[2];
            if (((b.get(0) >> 4) & 3) == 0) { // Initial: token
                p = varint(b, p, v);
                p += (int) v[0];
            }
            p = varint(b, p, v);
            return p + (int) v[0];
        }

        private static int varint(ByteBuffer b, int p, long[] out) {
            int len = 1 << ((b.get(p) & 0xC0) >> 6);
            long x = b.get(p) & 0x3F;
            for (int i = 1; i < len; i++) {
                x = (x << 8) | (b.get(p + i) & 0xFF);
            }
            out[0] = x;
            return p + len;
        }

        InetSocketAddress address() throws java.io.IOException {
            return (InetSocketAddress) ch.getLocalAddress();
        }

        boolean answered() {
            return answered;
        }

        @Override
        public void close() throws java.io.IOException {
            ch.close();
        }
    }

    /** Waits until the client's loop holds exactly {@code n} connections. */
    private static void awaitConnections(Endpoint ep, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int held;
        while ((held = held(ep)) != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(held + " connections held, expected " + n + "; " + ep.ioStats());
            }
            Thread.sleep(20);
        }
    }

    private static int held(Endpoint ep) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        assertTrue(ep.driver().submit(() -> f.complete(ep.driver().connectionsView().size())));
        return f.get(10, TimeUnit.SECONDS);
    }
}
