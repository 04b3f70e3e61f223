package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.LiveHeap;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.ping.Ping;
import com.kafkaconnectiroh.p2p.quic.InitialFlood;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handshake flood of issue 18 against a real {@code p2p-node serve} in its own JVM with {@code -Xmx512m}:
 * genuine Initials with fresh connection IDs at a fixed rate (700/s for 15 s, about the 10,000 per 15 s that used
 * to pin some 880 MB and kill the node) from 200 loopback sources that never answer. The node's live heap (after
 * a full GC, read with {@code jcmd GC.class_histogram}) must stay within {@link #HEAP_BUDGET} of what it was
 * before; a Java client and a real iroh 1.x client must connect and ping during the flood and after it, and the
 * node must stop cleanly at the end.
 */
@Tag("iroh-interop")
@Timeout(180)
class HandshakeFloodTest {
    /** What the flood may add to the node's live heap: the 16 MiB handshake budget, and 8 MiB for the rest. */
    static final long HEAP_BUDGET = 24L << 20;
    private static final int RATE = 700;
    private static final int SECONDS = 15;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aFloodOfSpoofedInitialsNeitherExhaustsTheHeapNorLocksClientsOut() throws Exception {
        try (CliProcess serve = CliProcess.start(List.of("-Xmx512m"), "serve", "--bind", "127.0.0.1:0");
             IrohPeer iroh = IrohPeer.start(IrohVersion.V1, PeerOption.name("flood-client"));
             Endpoint java = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind()) {
            Map<String, String> lines = serve.awaitAddressLines(WAIT);
            EndpointAddr target = EndpointAddrs.parse(lines.get("ticket"));
            InetSocketAddress bound = target.ipAddrs().first();
            pingBoth(java, iroh, target, "before the flood"); // also warms the node up
            long before = LiveHeap.of(serve.pid());

            long peak = 0;
            try (InitialFlood flood = new InitialFlood(target.id(), Ping.ALPN, bound, 200, 18)) {
                ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
                int perTick = RATE / 100;
                sender.scheduleAtFixedRate(() -> {
                    for (int i = 0; i < perTick && flood.sent() < (long) RATE * SECONDS; i++) {
                        flood.sendOne();
                    }
                }, 0, 10, TimeUnit.MILLISECONDS);
                try {
                    for (int round = 0; round < 3; round++) {
                        Thread.sleep(SECONDS * 1000L / 4);
                        peak = Math.max(peak, LiveHeap.of(serve.pid()));
                        pingBoth(java, iroh, target, "during the flood (" + flood.sent() + " Initials sent)");
                    }
                    while (flood.sent() < (long) RATE * SECONDS) {
                        Thread.sleep(100);
                    }
                } finally {
                    sender.shutdownNow();
                    sender.awaitTermination(10, TimeUnit.SECONDS);
                }
                peak = Math.max(peak, LiveHeap.of(serve.pid()));
                assertTrue(answeredWithRetry(flood), "the node demanded Retries from the flood's sources");
            }
            pingBoth(java, iroh, target, "after the flood");
            long after = LiveHeap.of(serve.pid());
            System.err.printf("flood of %d Initials: live heap %d KiB before, peak %d KiB (+%d KiB), %d KiB after%n",
                    RATE * SECONDS, before >> 10, peak >> 10, (peak - before) >> 10, after >> 10);
            assertTrue(peak - before <= HEAP_BUDGET, "the flood added " + ((peak - before) >> 10)
                    + " KiB of live heap; the budget is " + (HEAP_BUDGET >> 10) + " KiB");

            assertTrue(serve.isAlive(), serve.stderr());
            assertEquals(0, serve.stop(), serve.stderr());
            assertFalse(serve.stderr().contains("OutOfMemoryError") || serve.stderr().contains("failed on its event loop"),
                    serve.stderr());
        }
    }

    /** A Java client and a real iroh 1.x client each ping the node (a connection each). */
    private static void pingBoth(Endpoint java, IrohPeer iroh, EndpointAddr target, String when) throws Exception {
        new Ping().ping(java, target, Duration.ofSeconds(20)); // throws if it fails
        ObjectNode addr = IrohPeer.params("id", target.id().toString());
        addr.putArray("addrs").add(com.kafkaconnectiroh.p2p.base.SocketAddrs.format(target.ipAddrs().first()));
        JsonNode r = iroh.call("ping", "addr", addr);
        assertTrue(r.path("rttMs").isNumber(), when + ": " + r);
    }

    /** Whether any of the first sources got a Retry back for its Initials. */
    private static boolean answeredWithRetry(InitialFlood flood) {
        for (int i = 0; i < flood.sources(); i++) {
            byte[] d;
            while ((d = flood.receive(i)) != null) {
                if ((d[0] & 0xF0) == 0xF0) { // long header, type Retry (RFC 9000 §17.2.5)
                    return true;
                }
            }
        }
        return false;
    }
}
