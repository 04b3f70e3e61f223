package com.kafkaconnectiroh.p2p.bench;

import com.kafkaconnectiroh.p2p.gossip.BroadcastReceipt;
import com.kafkaconnectiroh.p2p.gossip.DeliveryPolicy;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One publisher, one subscriber, two nodes in this JVM on loopback: how many small gossip messages a second one
 * neighbor delivers, untracked and tracked (each one acknowledged, as the sink connector's commit rule needs).
 * Args: {@code [messages=200000] [size=100] [window=8192]}.
 */
public final class GossipPairBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 8192;
        try (Node a = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn();
             Node b = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            for (String mode : List.of("untracked", "tracked", "untracked", "tracked")) {
                TopicId topic = TopicId.fromName("pair-" + mode + System.nanoTime());
                GossipTopic sub = b.gossip().subscribe(topic, List.of(), 1 << 20);
                GossipTopic pub = a.gossip().subscribe(topic, List.of(b.addr()));
                pub.joined().get(10, TimeUnit.SECONDS);
                Semaphore inFlight = new Semaphore(window);
                long start = System.nanoTime();
                Thread sender = new Thread(() -> {
                    try {
                        for (int i = 0; i < n; i++) {
                            byte[] m = new byte[size];
                            ByteBuffer.wrap(m).putLong(i).putLong(start);
                            inFlight.acquire();
                            if (mode.equals("tracked")) {
                                BroadcastReceipt r = pub.broadcast(m, DeliveryPolicy.atLeast(1));
                                r.delivered().whenComplete((d, e) -> inFlight.release());
                            } else {
                                pub.broadcast(m).whenComplete((v, e) -> inFlight.release());
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                sender.start();
                int got = 0;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (got < n && System.nanoTime() < deadline) {
                    GossipEvent e = sub.next(Duration.ofMillis(500));
                    if (e instanceof GossipEvent.Received) {
                        got++;
                    }
                }
                double secs = (System.nanoTime() - start) / 1e9;
                sender.join();
                System.out.printf("%-10s %d x %d B: %d delivered in %.2f s = %.0f msg/s%n", mode, n, size, got, secs,
                        got / secs);
                pub.close();
                sub.close();
            }
        }
    }
}
