package com.kafkaconnectiroh.p2p.relay.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.relay.RelayFrames;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many clients over real TCP at once, one of them flooding and one never reading: the flooder is held to its
 * receive rate, the reader that never reads costs the relay a bounded queue (the rest dropped and counted, the
 * client kept), and every other client's datagrams still arrive.
 */
@Timeout(120)
class RelayServerLoadTest {
    static final int CLIENTS = 200;
    static final long RATE = 4L << 20;
    static final long BURST = 512L << 10;
    static final long QUEUE_BYTES = 256L << 10;
    static final int DATAGRAM = 1200;

    RelayServer relay;
    final List<RawRelayClient> open = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (RawRelayClient c : open) {
            c.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    RawRelayClient client(int receiveBuffer) throws IOException {
        RawRelayClient c = RawRelayClient.connected(relay.localAddress(), SecretKey.generate(), receiveBuffer);
        open.add(c);
        return c;
    }

    static long usedDirectMemory() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    @Test
    void aFlooderIsRateLimitedASlowReaderCostsABoundedQueueAndEveryoneElseIsServed() throws Exception {
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0))
                .queueBytes(QUEUE_BYTES).rateLimit(RATE, BURST).writeTimeoutNanos(60_000_000_000L));
        List<RawRelayClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(client(-1));
        }
        RawRelayClient slow = client(4096);
        RawRelayClient flooder = client(-1);
        assertEquals(CLIENTS + 2, relay.clientCount());
        long directBefore = usedDirectMemory();

        long floodNanos = 3_000_000_000L;
        AtomicLong written = new AtomicLong();
        Thread flood = new Thread(() -> {
            byte[] d = new byte[DATAGRAM];
            long end = System.nanoTime() + floodNanos;
            try {
                while (System.nanoTime() < end) {
                    flooder.sendDatagram(slow.key, d);
                    written.addAndGet(d.length);
                }
            } catch (IOException e) {
                // closed by the test
            }
        }, "flooder");
        long t0 = System.nanoTime();
        flood.start();

        // while it floods: every client sends one datagram to the next, and watch the slow reader's queue
        Thread.sleep(500);
        for (int i = 0; i < CLIENTS; i++) {
            clients.get(i).sendDatagram(clients.get((i + 1) % CLIENTS).key, ByteBuffer.allocate(8).putLong(i).array());
        }
        long maxQueued = 0;
        long maxPending = 0;
        while (flood.isAlive()) {
            Map<String, Long> m = relay.metrics().snapshot();
            maxQueued = Math.max(maxQueued, m.get("queued_bytes"));
            maxPending = Math.max(maxPending, m.get("socket_pending_bytes"));
            Thread.sleep(20);
        }
        long elapsed = System.nanoTime() - t0;
        Map<String, Long> m = relay.metrics().snapshot();
        long directGrowth = usedDirectMemory() - directBefore;

        for (int i = 0; i < CLIENTS; i++) {
            RawRelayClient.Message got = clients.get(i).readAnsweringPings();
            assertEquals(RelayFrames.RELAY_TO_CLIENT_DATAGRAM, got.relayType());
            int from = (i + CLIENTS - 1) % CLIENTS;
            assertArrayEquals(clients.get(from).key.toBytes(), Arrays.copyOfRange(got.payload(), 1, 33));
            assertEquals(from, ByteBuffer.wrap(got.payload(), RelayFrames.DATAGRAM_HEADER, 8).getLong());
        }

        long received = m.get("datagram_bytes_received_total");
        long allowed = BURST + (long) (RATE * (elapsed / 1e9));
        System.out.printf("flooder wrote %d bytes in %d ms, relay read %d (allowed %d), %d rate-limit pauses;"
                        + " slow reader: max queued %d bytes, max socket pending %d, %d datagrams dropped;"
                        + " direct memory growth %d bytes%n", written.get(), elapsed / 1_000_000, received, allowed,
                m.get("rate_limit_pauses_total"), maxQueued, maxPending, m.get("datagrams_dropped_queue_full_total"),
                directGrowth);
        assertTrue(m.get("rate_limit_pauses_total") > 0, m.toString());
        assertTrue(received <= allowed + (256 << 10), "relay read " + received + " bytes, allowed " + allowed);
        assertTrue(maxQueued <= QUEUE_BYTES, "queued " + maxQueued);
        assertTrue(maxPending <= (1 << 20), "socket pending " + maxPending);
        assertTrue(m.get("datagrams_dropped_queue_full_total") > 0, m.toString());
        assertEquals(0L, m.get("disconnects_slow_reader_total"), "a full queue drops datagrams, never the client");
        assertEquals(CLIENTS + 2, relay.clientCount());
        assertTrue(directGrowth < (64L << 20), "direct memory grew by " + directGrowth);
    }

    @Test
    void aClientThatSendsPingsAndNeverReadsCostsABoundedSocketBuffer() throws Exception {
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0))
                .writeTimeoutNanos(60_000_000_000L));
        RawRelayClient pinger = client(4096);
        // a thousand relay Pings per write: each asks for a Pong the client never reads
        java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            batch.write(RelayServerHostileInputTest.maskedFrame(0x82, new byte[] {RelayFrames.PING, 0, 0, 0, 0, 0, 0, 0, (byte) i}));
        }
        byte[] pings = batch.toByteArray();
        AtomicLong written = new AtomicLong();
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    pinger.writeRaw(pings); // blocks once the relay stops reading: that is the point
                    written.addAndGet(pings.length);
                }
            } catch (IOException e) {
                // closed by the test
            }
        }, "pinger");
        t.start();
        long maxPending = 0;
        long end = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < end && maxPending <= (8 << 20)) {
            maxPending = Math.max(maxPending, relay.metrics().snapshot().get("socket_pending_bytes"));
            Thread.sleep(10);
        }
        pinger.close();
        t.join(10_000);
        System.out.printf("pinger wrote %d bytes of Pings; max socket pending %d bytes%n", written.get(), maxPending);
        assertTrue(maxPending <= (1 << 20), "the relay buffered " + maxPending + " bytes of Pongs for a client that never reads");
    }

    @Test
    void aReaderThatTakesNothingForTheWriteTimeoutIsDropped() throws Exception {
        relay = RelayServer.start(new RelayServerConfig().bind(new InetSocketAddress("127.0.0.1", 0))
                .writeTimeoutNanos(500_000_000L));
        RawRelayClient stalled = client(4096);
        RawRelayClient sender = client(-1);
        byte[] d = new byte[DATAGRAM];
        long end = System.nanoTime() + 20_000_000_000L;
        while (relay.metrics().snapshot().get("disconnects_slow_reader_total") == 0 && System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                sender.sendDatagram(stalled.key, d);
            }
        }
        assertEquals(1L, relay.metrics().snapshot().get("disconnects_slow_reader_total"));
        RelayServerTest.waitFor("the stalled reader to be gone", () -> relay.clientCount() == 1);
    }
}
