package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.HalfOpenStats;
import com.kafkaconnectiroh.p2p.quic.InitialFlood;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the endpoint charges a half-open connection against its budget must cover what that connection really
 * holds, or the budget bounds nothing: 2000 handshakes left waiting (limits opened wide), the live heap they add
 * measured by {@link LiveHeap}, compared with what was charged. Also keeps a half-open connection small (it was about
 * 90 KB, then 27 KB; now about 21.5 KB, with packet and header protection ciphers made on first use).
 */
@Timeout(120)
class HandshakeFootprintTest {
    private static final int N = 2000;

    @Test
    void whatHalfOpenConnectionsAreChargedCoversWhatTheyHold() throws Exception {
        EndpointConfig wide = new EndpointConfig().retry(false).maxHalfOpenPerSource(N).halfOpenBudgetBytes(1L << 30)
                .handshakeTimeoutNanos(600_000_000_000L);
        try (Endpoint server = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                .alpns(EndpointTest.ECHO).endpointConfig(wide).bind();
             InitialFlood flood = new InitialFlood(server.id(), EndpointTest.ECHO, server.boundAddress(), 50, 9)) {
            flood.sendOne(); // class loading and first allocations out of the measurement
            await(server, 1);
            long before = LiveHeap.ofThisJvm();
            for (int i = 1; i < N; i++) {
                flood.sendOne();
                if (i % 100 == 0) {
                    await(server, i); // do not overrun the socket buffer
                }
            }
            HalfOpenStats s = await(server, N);
            long held = LiveHeap.ofThisJvm() - before;
            double perConnection = held / (double) (N - 1);
            double charged = s.bytes() / (double) N;
            System.err.printf("half-open: %.0f bytes held, %.0f charged per connection; %s%n", perConnection, charged, s);
            assertTrue(charged >= 0.97 * perConnection, "charged " + charged + " per connection, it holds "
                    + perConnection);
            assertTrue(perConnection < 24_000, "a half-open connection holds " + perConnection + " bytes");
        }
    }

    private static HalfOpenStats await(Endpoint ep, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        HalfOpenStats s;
        while ((s = ep.halfOpenStats()).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + count + " half-open within 30 s: " + s);
            }
            Thread.sleep(5);
        }
        return s;
    }
}
