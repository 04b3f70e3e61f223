package com.kafkaconnectiroh.p2p.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our gossip against real iroh-gossip 0.35 ({@code /iroh-gossip/0}, the npm harness): a mixed swarm where Java
 * bootstraps from iroh and iroh from Java, and every message from every sender reaches every other node exactly
 * once; neighbor events across implementations.
 */
@Tag("iroh-interop")
@Timeout(180)
class IrohGossipInteropTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    static EndpointAddr addrOf(IrohPeer p) {
        return EndpointAddr.of(p.endpointId(), null, p.addrs().stream().map(SocketAddrs::parse).toList());
    }

    static ObjectNode harnessAddr(JavaNode n) {
        return IrohPeer.params("id", n.id().toString(),
                "addrs", n.addr().ipAddrs().stream().map(SocketAddrs::format).toList());
    }

    /** Tells a 0.35 node where a Java node is: 0.35 drops UDP from addresses it has no node entry for. */
    static void introduce(IrohPeer iroh, JavaNode java) {
        iroh.call("add-node-addr", "addr", harnessAddr(java));
    }

    private List<IrohPeer> startIroh(int n, String prefix) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<IrohPeer>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = prefix + i;
                fs.add(pool.submit(() -> IrohPeer.start(IrohVersion.V035, PeerOption.name(name))));
            }
            List<IrohPeer> out = new ArrayList<>();
            for (Future<IrohPeer> f : fs) {
                IrohPeer p = f.get(60, TimeUnit.SECONDS);
                closeables.add(p);
                out.add(p);
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private JavaNode startJava() throws Exception {
        JavaNode n = JavaNode.start();
        closeables.add(n);
        return n;
    }

    /** Drains a Java subscription on its own thread, counting every message received. */
    static final class Collector implements AutoCloseable {
        final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        final AtomicInteger lagged = new AtomicInteger();
        final List<GossipEvent> other = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread thread;

        Collector(GossipTopic topic) {
            thread = new Thread(() -> {
                try {
                    GossipEvent e;
                    while ((e = topic.next()) != null) {
                        if (e instanceof GossipEvent.Received r) {
                            counts.computeIfAbsent(new String(r.content(), StandardCharsets.UTF_8), k -> new AtomicInteger())
                                    .incrementAndGet();
                        } else if (e instanceof GossipEvent.Lagged) {
                            lagged.incrementAndGet();
                        } else {
                            other.add(e);
                        }
                    }
                } catch (InterruptedException ignored) {
                    // test over
                }
            }, "collector-" + topic.id().fmtShort());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    static String message(String sender, int seq) {
        // unique content (a message's id is the hash of its content), of varying length
        return "msg " + sender + " #" + seq + " " + "x".repeat(seq % 200);
    }

    @Test
    void mixedSwarmDeliversEveryMessageExactlyOnceToEveryNode() throws Exception {
        TopicId topic = TopicId.fromName("interop mixed swarm " + System.nanoTime());
        String t = topic.toString();
        List<IrohPeer> iroh = startIroh(3, "gossip-mix-");
        List<JavaNode> java = List.of(startJava(), startJava(), startJava());

        // A chain mixing both implementations in both directions of bootstrapping:
        // iroh0 <- java0 <- iroh1 <- java1 <- iroh2 <- java2   (a <- b: b bootstraps from a)
        iroh.get(0).call("gossip-subscribe", "topic", t, "bootstrap", List.of());
        List<GossipTopic> topics = new ArrayList<>();
        List<Collector> collectors = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GossipTopic jt = java.get(i).gossip.subscribe(topic, List.of(addrOf(iroh.get(i))));
            topics.add(jt);
            jt.joined().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            collectors.add(new Collector(jt));
            closeables.add(collectors.get(i));
            if (i < 2) {
                IrohPeer next = iroh.get(i + 1);
                introduce(next, java.get(i));
                next.call("gossip-subscribe", "topic", t, "bootstrap", List.of(java.get(i).id().toString()));
                next.awaitEvent("gossip", e -> e.path("kind").asText().equals("joined"), WAIT);
            }
        }
        iroh.get(0).awaitEvent("gossip", e -> e.path("kind").asText().equals("joined"), WAIT);

        // 1000 messages: every node sends, iroh through the harness, Java through its topic handle. The senders
        // are paced (about 250 messages/s in all): the 0.35 binding hands each event to JavaScript and waits for
        // it, so a subscription there lags (drops events) if messages arrive faster than the harness prints them.
        int perNode = 1000 / 6;
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(24);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        List<String> expected = new ArrayList<>();
        Map<String, String> senderOf = new HashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(6);
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            IrohPeer p = iroh.get(i);
            String name = "iroh" + i;
            List<String> msgs = new ArrayList<>();
            for (int s = 0; s < perNode + (i == 0 ? 1000 - 6 * perNode : 0); s++) {
                msgs.add(message(name, s));
            }
            msgs.forEach(m -> senderOf.put(m, name));
            expected.addAll(msgs);
            sends.add(senders.submit(() -> {
                for (int k = 0; k < msgs.size(); k++) {
                    pace(start + k * intervalNanos);
                    p.call("gossip-broadcast", "topic", t, "hex", Hex.encode(msgs.get(k).getBytes(StandardCharsets.UTF_8)));
                }
                return null;
            }));
        }
        for (int i = 0; i < 3; i++) {
            GossipTopic jt = topics.get(i);
            String name = "java" + i;
            List<String> msgs = new ArrayList<>();
            for (int s = 0; s < perNode; s++) {
                msgs.add(message(name, s));
            }
            msgs.forEach(m -> senderOf.put(m, name));
            expected.addAll(msgs);
            sends.add(senders.submit(() -> {
                for (int k = 0; k < msgs.size(); k++) {
                    pace(start + k * intervalNanos);
                    jt.broadcast(msgs.get(k).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
                }
                return null;
            }));
        }
        for (Future<?> f : sends) {
            f.get(60, TimeUnit.SECONDS);
        }
        senders.shutdown();
        assertEquals(1000, expected.size());

        // Every Java node: every message of the others, exactly once.
        for (int i = 0; i < 3; i++) {
            String me = "java" + i;
            List<String> want = expected.stream().filter(m -> !senderOf.get(m).equals(me)).toList();
            Collector c = collectors.get(i);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && !c.counts.keySet().containsAll(want)) {
                Thread.sleep(50);
            }
            List<String> missing = want.stream().filter(m -> !c.counts.containsKey(m)).toList();
            assertTrue(missing.isEmpty(), me + " misses " + missing.size() + " messages, e.g. "
                    + missing.stream().limit(3).toList() + "; stats " + java.get(i).gossip.stats());
            Map<String, Integer> dup = c.counts.entrySet().stream().filter(e -> e.getValue().get() != 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
            assertTrue(dup.isEmpty(), me + " got duplicates: " + dup);
            assertTrue(c.counts.keySet().stream().noneMatch(m -> senderOf.get(m).equals(me)), me + " got its own messages back");
            assertEquals(0, c.lagged.get(), me + " lagged");
        }
        // Every iroh node: the same, from the harness's gossip events.
        for (int i = 0; i < 3; i++) {
            String me = "iroh" + i;
            IrohPeer p = iroh.get(i);
            List<String> want = expected.stream().filter(m -> !senderOf.get(m).equals(me)).toList();
            Map<String, Integer> got = new HashMap<>();
            for (int k = 0; k < want.size(); k++) {
                JsonNode e;
                try {
                    e = p.awaitEvent("gossip", ev -> ev.path("kind").asText().equals("received"), WAIT);
                } catch (RuntimeException ex) {
                    List<String> missing = want.stream().filter(m -> !got.containsKey(m)).toList();
                    fail(me + " received " + got.size() + " of " + want.size() + "; missing e.g. " + missing.stream().limit(3).toList(), ex);
                    return;
                }
                got.merge(new String(Hex.decode(e.path("content").asText()), StandardCharsets.UTF_8), 1, Integer::sum);
            }
            // nothing more may come: duplicates would show up as extra events
            Thread.sleep(i == 0 ? 500 : 0);
            for (JsonNode e : p.events()) {
                if (e.path("event").asText().equals("gossip")) {
                    String kind = e.path("kind").asText();
                    assertTrue(!kind.equals("lagged") && !kind.equals("error"), me + ": " + e);
                    if (kind.equals("received")) {
                        got.merge(new String(Hex.decode(e.path("content").asText()), StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                }
            }
            assertEquals(Set(want), got.keySet(), me + " got other messages than expected");
            assertTrue(got.values().stream().allMatch(v -> v == 1), me + " got duplicates");
        }
    }

    private static void pace(long at) throws InterruptedException {
        long wait = at - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static java.util.Set<String> Set(List<String> l) {
        return new java.util.HashSet<>(l);
    }

    @Test
    void neighborEventsAcrossImplementations() throws Exception {
        TopicId topic = TopicId.fromName("interop neighbors " + System.nanoTime());
        String t = topic.toString();
        IrohPeer iroh = startIroh(1, "gossip-nb-").get(0);
        JavaNode java = startJava();
        introduce(iroh, java);
        GossipTopic jt = java.gossip.subscribe(topic);
        // iroh bootstraps from Java: Java sees it come up
        iroh.call("gossip-subscribe", "topic", t, "bootstrap", List.of(java.id().toString()));
        GossipEvent up = GossipTest.await(jt, e -> e instanceof GossipEvent.NeighborUp);
        assertEquals(iroh.endpointId(), ((GossipEvent.NeighborUp) up).peer());
        JsonNode joined = iroh.awaitEvent("gossip", e -> e.path("kind").asText().equals("joined"), WAIT);
        assertEquals(java.id().toString(), joined.path("neighbors").get(0).asText());

        // the largest message both ways (frames just below the 4096-byte limit on /iroh-gossip/0)
        byte[] big = new byte[java.gossip.maxContentSize()];
        Arrays.fill(big, (byte) 'j');
        jt.broadcast(big).get(10, TimeUnit.SECONDS);
        JsonNode bigAtIroh = iroh.awaitEvent("gossip", e -> e.path("kind").asText().equals("received"), WAIT);
        assertEquals(Hex.encode(big), bigAtIroh.path("content").asText());
        Arrays.fill(big, (byte) 'i');
        iroh.call("gossip-broadcast", "topic", t, "hex", Hex.encode(big));
        GossipEvent.Received bigAtJava = (GossipEvent.Received) GossipTest.await(jt, e -> e instanceof GossipEvent.Received);
        assertEquals(Hex.encode(big), Hex.encode(bigAtJava.content()));

        // neighbor-only broadcast both ways
        jt.broadcastNeighbors("nb from java".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        JsonNode r = iroh.awaitEvent("gossip", e -> e.path("kind").asText().equals("received"), WAIT);
        assertEquals("nb from java", new String(Hex.decode(r.path("content").asText()), StandardCharsets.UTF_8));
        iroh.call("gossip-broadcast", "topic", t, "hex", Hex.encode("nb from iroh".getBytes(StandardCharsets.UTF_8)),
                "neighborsOnly", true);
        GossipTest.await(jt, GossipTest.received("nb from iroh"));

        // Java leaves: iroh sees it go down, and the connection ends cleanly once both sides are done
        jt.close();
        JsonNode nd = iroh.awaitEvent("gossip", e -> e.path("kind").asText().equals("neighbor-down"), WAIT);
        assertEquals(java.id().toString(), nd.path("from").asText());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && java.gossip.stats().connections() > 0) {
            Thread.sleep(50);
        }
        assertEquals(0, java.gossip.stats().connections(), java.gossip.stats().toString());

        // Java comes back, bootstrapping from iroh this time
        GossipTopic again = java.gossip.subscribe(topic, List.of(addrOf(iroh)));
        assertEquals(iroh.endpointId(), ((GossipEvent.NeighborUp) GossipTest.await(again, e -> e instanceof GossipEvent.NeighborUp)).peer());
        iroh.awaitEvent("gossip", e -> e.path("kind").asText().equals("neighbor-up"), WAIT);

        // iroh leaves. The 0.35 binding's close() only drops its event stream, and iroh notices that when it next
        // forwards an event, so we keep sending until the Disconnect comes.
        iroh.call("gossip-leave", "topic", t);
        GossipEvent down = null;
        for (int i = 0; i < 100 && down == null; i++) {
            again.broadcast(("poke " + i).getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            down = again.next(Duration.ofMillis(100));
            if (down != null && !(down instanceof GossipEvent.NeighborDown)) {
                down = null;
            }
        }
        assertEquals(new GossipEvent.NeighborDown(iroh.endpointId()), down);

        // and once more: a node that exits (its endpoint closes) also goes down
        iroh.call("gossip-subscribe", "topic", t, "bootstrap", List.of(java.id().toString()));
        GossipTest.await(again, e -> e instanceof GossipEvent.NeighborUp);
        iroh.close();
        assertEquals(new GossipEvent.NeighborDown(iroh.endpointId()), GossipTest.await(again, e -> e instanceof GossipEvent.NeighborDown));
    }
}
