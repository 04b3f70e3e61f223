package com.kafkaconnectiroh.p2p.gossip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipWire;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Java ↔ Java gossip over real endpoints on loopback, on each wire version. */
@Timeout(60)
class GossipTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    private final List<JavaNode> nodes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (JavaNode n : nodes) {
            n.close();
        }
    }

    JavaNode node(String alpn) throws Exception {
        JavaNode n = JavaNode.start(b -> alpn.equals("both") ? b : b.dialAlpns(alpn).acceptAlpns(alpn));
        nodes.add(n);
        return n;
    }

    static GossipEvent await(GossipTopic t, Predicate<GossipEvent> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<GossipEvent> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            GossipEvent e = t.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (e == null) {
                break;
            }
            if (match.test(e)) {
                return e;
            }
            seen.add(e);
        }
        throw new AssertionError("no matching event within " + WAIT + "; saw " + seen);
    }

    static Predicate<GossipEvent> received(String text) {
        return e -> e instanceof GossipEvent.Received r && new String(r.content(), StandardCharsets.UTF_8).equals(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {GossipWire.ALPN_V1, GossipWire.ALPN_V0})
    void twoNodesJoinAndBroadcastBothWays(String alpn) throws Exception {
        JavaNode a = node(alpn);
        JavaNode b = node(alpn);
        TopicId topic = TopicId.fromName("two-nodes-" + alpn);
        GossipTopic ta = a.gossip.subscribe(topic);
        GossipTopic tb = b.gossip.subscribe(topic, List.of(a.addr()));
        tb.joined().get(10, TimeUnit.SECONDS);
        ta.joined().get(10, TimeUnit.SECONDS);
        assertEquals(b.id(), ((GossipEvent.NeighborUp) await(ta, e -> e instanceof GossipEvent.NeighborUp)).peer());
        assertEquals(a.id(), ((GossipEvent.NeighborUp) await(tb, e -> e instanceof GossipEvent.NeighborUp)).peer());

        ta.broadcast("from a".getBytes(StandardCharsets.UTF_8)).get();
        GossipEvent.Received r = (GossipEvent.Received) await(tb, received("from a"));
        assertEquals(a.id(), r.deliveredFrom());
        assertEquals(new DeliveryScope.Swarm(0), r.scope());

        tb.broadcastNeighbors("from b".getBytes(StandardCharsets.UTF_8)).get();
        r = (GossipEvent.Received) await(ta, received("from b"));
        assertEquals(b.id(), r.deliveredFrom());
        assertEquals(DeliveryScope.NEIGHBORS, r.scope());

        GossipStats s = a.gossip.stats();
        assertEquals(1, alpn.equals(GossipWire.ALPN_V1) ? s.connectionsV1() : s.connectionsV0(), s.toString());
    }
}
