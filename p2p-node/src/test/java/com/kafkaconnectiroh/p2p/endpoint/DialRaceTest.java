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
            assertTrue(client.driver().dialPeakInFlight() > 1, "attempts overlapped: "
                    + client.driver().dialPeakInFlight());
            assertTrue(client.driver().dialPeakInFlight() <= Dial.MAX_SILENT, "bounded: "
                    + client.driver().dialPeakInFlight());
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
