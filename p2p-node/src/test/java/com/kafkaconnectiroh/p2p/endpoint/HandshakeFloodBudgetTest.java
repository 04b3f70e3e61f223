package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.interop.Pattern;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.HalfOpenStats;
import com.kafkaconnectiroh.p2p.quic.InitialFlood;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A flood of spoofed-source Initials against an endpoint whose handshake budget (1 MiB, about 45 handshakes) is
 * smaller than the count at which Retry would start (64): genuine Initials, each with a fresh connection ID, at
 * about 4,000 a second from 200 loopback addresses that never answer, for five rounds of a second, a client's
 * echo and (in three) a heap sample: some 25,000 datagrams, 30 MB, which at 21 KB per half-open handshake would
 * pin about 500 MB if the endpoint kept state for each. Retry must start at half the budget, so the endpoint's own
 * accounting stays within the budget, its live heap ({@link LiveHeap}) grows by at most the budget and {@link
 * #SLACK}, and a real client connects and echoes data in each round (answering a Retry when one comes). Before
 * Retry followed the byte budget, the flood filled the budget and the client's Initials were dropped.
 */
@Timeout(60)
class HandshakeFloodBudgetTest {
    private static final long BUDGET = 1L << 20;
    /** Live heap the flood may add besides the budget (measured: about 0.5 MiB in all). */
    private static final long SLACK = 4L << 20;
    private static final int PER_TICK = 40; // every 10 ms
    /** Seconds of flood, each ending with a client's echo, every second one with a heap sample. */
    private static final int ROUNDS = 5;
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void aFloodStaysWithinTheHandshakeBudgetAndRealClientsStillConnectThroughRetry() throws Exception {
        EndpointConfig config = new EndpointConfig().halfOpenBudgetBytes(BUDGET);
        try (Endpoint server = Endpoint.builder().bindAddr(LOOPBACK).alpns(EndpointTest.ECHO).endpointConfig(config)
                .bind();
             Router router = Router.builder(server).accept(EndpointTest.ECHO, EchoHandler.INSTANCE).spawn();
             Endpoint client = Endpoint.builder().bindAddr(LOOPBACK).bind();
             InitialFlood flood = new InitialFlood(server.id(), EndpointTest.ECHO, server.boundAddress(), 200, 21)) {
            echo(client, server, 0); // warm up: classes, pools
            flood.sendOneSameHello();
            long before = LiveHeap.ofThisJvm();

            AtomicBoolean stop = new AtomicBoolean();
            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            sender.scheduleAtFixedRate(() -> {
                for (int i = 0; i < PER_TICK && !stop.get(); i++) {
                    flood.sendOneSameHello();
                }
            }, 0, 10, TimeUnit.MILLISECONDS);
            long maxBytes = 0;
            long peakHeap = 0;
            int underLoad = 0;
            try {
                for (int round = 1; round <= ROUNDS; round++) {
                    Thread.sleep(1000);
                    HalfOpenStats s = server.halfOpenStats();
                    maxBytes = Math.max(maxBytes, s.bytes());
                    underLoad += s.underLoad() ? 1 : 0;
                    echo(client, server, round); // throws if the client is not served
                    if (round % 2 == 1) {
                        peakHeap = Math.max(peakHeap, LiveHeap.ofThisJvm()); // a full GC each: not every round
                    }
                }
            } finally {
                stop.set(true);
                sender.shutdown();
                assertTrue(sender.awaitTermination(10, TimeUnit.SECONDS));
            }
            HalfOpenStats s = server.halfOpenStats();
            System.err.printf("flood of %d Initials: %s; live heap +%d KiB at the peak; under load in %d of %d"
                    + " samples%n", flood.sent(), s, (peakHeap - before) >> 10, underLoad, ROUNDS);
            assertTrue(flood.sent() > 10_000, "the flood sent " + flood.sent());
            assertTrue(s.peakBytes() <= BUDGET && maxBytes <= BUDGET, s.toString());
            // not a share of what was sent: on a loaded machine the kernel drops some of the flood at the socket
            assertTrue(underLoad > 0 && s.retries() > 1000, "the flood was answered with Retries: " + s);
            assertTrue(peakHeap - before <= BUDGET + SLACK, "the flood added " + ((peakHeap - before) >> 10)
                    + " KiB of live heap");
            echo(client, server, 100); // and after it
        }
    }

    private static void echo(Endpoint client, Endpoint server, int seed) throws Exception {
        Connection c = client.connect(server.addr(), EndpointTest.ECHO, Duration.ofSeconds(20));
        byte[] data = Pattern.bytes(seed, 20_000);
        assertArrayEquals(data, IrohEndpointInteropTest.echo(c, data));
        c.close(0, "done");
    }
}
