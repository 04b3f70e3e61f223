package com.kafkaconnectiroh.p2p.gossip.proto.sim;

import static com.kafkaconnectiroh.p2p.gossip.proto.sim.SimNetwork.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import com.kafkaconnectiroh.p2p.gossip.proto.Event;
import com.kafkaconnectiroh.p2p.gossip.proto.MessageId;
import com.kafkaconnectiroh.p2p.gossip.proto.Scope;
import com.kafkaconnectiroh.p2p.gossip.proto.Topic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicCommand;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Behaviours of small swarms on a lossless simulated network, every message through the wire codec. */
class SmallSwarmTest {
    static final TopicId T = ChurnScenario.TOPIC;
    static final long S = 1000 * MS;

    /** Tracks each node's neighbor set as told by NeighborUp/NeighborDown events, and all deliveries. */
    static final class Events implements SimNetwork.Observer {
        final Map<Integer, Set<Integer>> neighbors = new HashMap<>();
        final List<long[]> downs = new ArrayList<>();
        final Map<Integer, List<Event.Received<SimPeer>>> received = new HashMap<>();

        @Override
        public void onEvent(long now, SimNetwork.SimNode node, TopicId topic, Event<SimPeer> event) {
            Set<Integer> n = neighbors.computeIfAbsent(node.id(), k -> new HashSet<>());
            if (event instanceof Event.NeighborUp<SimPeer> up) {
                assertTrue(n.add(up.peer().id()), "NeighborUp for a peer already up: " + node.id() + " " + up);
            } else if (event instanceof Event.NeighborDown<SimPeer> down) {
                assertTrue(n.remove(down.peer().id()), "NeighborDown for a peer not up: " + node.id() + " " + down);
                downs.add(new long[] {now, node.id(), down.peer().id()});
            } else {
                received.computeIfAbsent(node.id(), k -> new ArrayList<>()).add((Event.Received<SimPeer>) event);
            }
        }
    }

    static SimNetwork swarm(int n, long seed, Events events) {
        SimNetwork net = new SimNetwork(SimConfig.defaults(seed).withLatency(10, 60));
        net.observe(events);
        for (int i = 0; i < n; i++) {
            int id = i;
            net.at(i * 50 * MS, () -> {
                net.start(id);
                List<Integer> contacts = new ArrayList<>();
                if (id > 0) {
                    contacts.add(net.random().nextInt(id));
                }
                net.join(id, T, contacts);
            });
        }
        net.runUntil(n * 50 * MS + 5 * S);
        return net;
    }

    static List<Integer> active(SimNetwork net, int id) {
        List<Integer> out = new ArrayList<>();
        for (SimPeer p : net.node(id).state().topic(T).activeView()) {
            out.add(p.id());
        }
        return out;
    }

    static void assertViewsSymmetricAndMatchEvents(SimNetwork net, Events events) {
        assertTrue(net.runUntilMembershipQuiet(2 * S), "membership traffic settles");
        for (SimNetwork.SimNode node : net.upNodes()) {
            Topic<SimPeer> t = node.state().topic(T);
            if (t == null) {
                continue;
            }
            Set<Integer> view = new HashSet<>(active(net, node.id()));
            assertEquals(view, events.neighbors.getOrDefault(node.id(), Set.of()), "events vs view of " + node.id());
            assertTrue(view.size() <= 5);
            for (int other : view) {
                assertTrue(active(net, other).contains(node.id()), node.id() + " has " + other + " but not back");
            }
            for (SimPeer e : t.eagerPeers()) {
                assertTrue(net.node(e.id()).state().topic(T).eagerPeers().contains(node.peer()),
                        "eager link " + node.id() + "->" + e.id() + " not symmetric");
            }
            assertEquals(view.size(), t.eagerPeers().size() + t.lazyPeers().size(), "eager+lazy = neighbors at " + node.id());
        }
    }

    static boolean connected(SimNetwork net) {
        List<SimNetwork.SimNode> up = net.upNodes();
        Set<Integer> seen = new HashSet<>();
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(up.get(0).id()));
        while (!todo.isEmpty()) {
            int x = todo.poll();
            if (seen.add(x)) {
                todo.addAll(active(net, x));
            }
        }
        return seen.size() == up.size();
    }

    @Test
    void joinFormsSymmetricActiveViews() {
        Events events = new Events();
        SimNetwork net = swarm(16, 3, events);
        assertViewsSymmetricAndMatchEvents(net, events);
        assertTrue(connected(net));
        int full = 0;
        for (SimNetwork.SimNode n : net.upNodes()) {
            int size = active(net, n.id()).size();
            // Below half a view, refills use HIGH priority, which is never refused.
            assertTrue(size >= 3, "node " + n.id() + " has only " + size + " neighbors");
            full += size == 5 ? 1 : 0;
        }
        assertTrue(full >= 6, "views fill up: " + full + " of 16 full");
    }

    @Test
    void neighborsSeeDownAndRefillOnLeaveAndCrash() {
        Events events = new Events();
        SimNetwork net = swarm(12, 5, events);
        List<Integer> leaverNeighbors = active(net, 4);
        assertFalse(leaverNeighbors.isEmpty());
        long t0 = net.now();
        net.leave(4, 200 * MS);
        net.runFor(1 * S);
        for (int n : leaverNeighbors) {
            assertTrue(events.downs.stream().anyMatch(d -> d[1] == n && d[2] == 4 && d[0] - t0 < 200 * MS),
                    n + " saw 4 leave promptly");
            assertFalse(active(net, n).contains(4));
        }
        // A crash is only noticed when the connection times out (5 s here), then views refill.
        List<Integer> crashNeighbors = active(net, 7);
        long t1 = net.now();
        net.crash(7);
        net.runFor(4 * S);
        for (int n : crashNeighbors) {
            assertTrue(active(net, n).contains(7), "crash not noticed before the timeout");
        }
        net.runFor(4 * S);
        for (int n : crashNeighbors) {
            assertFalse(active(net, n).contains(7));
            assertTrue(events.downs.stream().anyMatch(d -> d[1] == n && d[2] == 7 && d[0] - t1 >= 5 * S));
        }
        assertViewsSymmetricAndMatchEvents(net, events);
        assertTrue(connected(net));
        for (SimNetwork.SimNode n : net.upNodes()) {
            assertFalse(active(net, n.id()).isEmpty(), "node " + n.id() + " refilled its view");
        }
    }

    @Test
    void broadcastToNeighborsReachesExactlyTheNeighbors() {
        Events events = new Events();
        SimNetwork net = swarm(14, 7, events);
        List<Integer> neighbors = active(net, 3);
        byte[] c = "to my neighbors".getBytes(StandardCharsets.UTF_8);
        net.command(3, T, new TopicCommand.Broadcast<>(c, Scope.NEIGHBORS));
        net.runFor(2 * S);
        Set<Integer> got = new HashSet<>();
        for (Map.Entry<Integer, List<Event.Received<SimPeer>>> e : events.received.entrySet()) {
            for (Event.Received<SimPeer> r : e.getValue()) {
                assertEquals(DeliveryScope.NEIGHBORS, r.scope());
                assertEquals(3, r.deliveredFrom().id());
                assertTrue(got.add(e.getKey()), "delivered twice to " + e.getKey());
            }
        }
        assertEquals(new HashSet<>(neighbors), got);
    }

    @Test
    void swarmBroadcastArrivesOnceEverywhereAndTheTreePrunesItself() {
        Events events = new Events();
        SimNetwork net = swarm(30, 11, events);
        long payloadsBefore = 0;
        int messages = 60;
        for (int i = 0; i < messages; i++) {
            if (i == messages - 20) {
                net.runFor(2 * S);
                payloadsBefore = net.payloadsSent();
            }
            net.command(0, T, new TopicCommand.Broadcast<>(("broadcast " + i).getBytes(StandardCharsets.UTF_8), Scope.SWARM));
            net.runFor(100 * MS);
        }
        net.runFor(3 * S);
        long lastPayloads = net.payloadsSent() - payloadsBefore;
        for (int node = 1; node < 30; node++) {
            List<Event.Received<SimPeer>> r = events.received.get(node);
            assertEquals(messages, r.size(), "node " + node + " got every message exactly once");
            assertEquals(messages, r.stream().map(x -> MessageId.ofContent(x.content())).distinct().count());
        }
        long prunes = 0;
        for (SimNetwork.SimNode n : net.upNodes()) {
            prunes += n.state().topic(T).counters().prunesSent();
        }
        assertTrue(prunes > 0, "duplicates pruned redundant eager links");
        // Once pruned to a tree, each message costs about one payload per receiver (a tree has 29 edges).
        double perDelivery = lastPayloads / (20.0 * 29);
        assertTrue(perDelivery < 1.15, "payloads per delivery after convergence: " + perDelivery);
        int eagerEdges = 0;
        for (SimNetwork.SimNode n : net.upNodes()) {
            eagerEdges += n.state().topic(T).eagerPeers().size();
        }
        assertTrue(eagerEdges / 2 <= 32, "eager links form (nearly) a spanning tree: " + eagerEdges / 2);
    }

    @Test
    void reBroadcastOfTheSameContentIsNotDeliveredAgain() {
        Events events = new Events();
        SimNetwork net = swarm(10, 13, events);
        byte[] c = "only once".getBytes(StandardCharsets.UTF_8);
        net.command(2, T, new TopicCommand.Broadcast<>(c, Scope.SWARM));
        net.runFor(2 * S);
        net.command(2, T, new TopicCommand.Broadcast<>(c, Scope.SWARM));
        net.command(5, T, new TopicCommand.Broadcast<>(c, Scope.SWARM));
        net.runFor(2 * S);
        for (int node = 0; node < 10; node++) {
            int expected = node == 2 ? 0 : 1;
            assertEquals(expected, events.received.getOrDefault(node, List.of()).size(), "node " + node);
        }
    }

    @Test
    void quitLeavesNoTraceInTheSwarm() {
        Events events = new Events();
        SimNetwork net = swarm(8, 17, events);
        List<Integer> neighbors = active(net, 6);
        // Its neighbors are told it is not alive: in the step that drops it from their active view, they forget
        // it entirely. (Others may still list it as passive, and a shuffle it started just before leaving can
        // bring it back, until someone tries to promote it: HyParView checks passive peers lazily.)
        Set<Integer> forgotten = new HashSet<>();
        net.observe(new SimNetwork.Observer() {
            @Override
            public void afterStep(long now, SimNetwork.SimNode node) {
                if (neighbors.contains(node.id()) && !forgotten.contains(node.id()) && !active(net, node.id()).contains(6)) {
                    assertFalse(node.state().topic(T).passiveView().contains(new SimPeer(6)), "quitter forgotten by " + node.id());
                    forgotten.add(node.id());
                }
            }
        });
        net.command(6, T, new TopicCommand.Quit<>());
        assertEquals(null, net.node(6).state().topic(T));
        assertEquals(0, net.node(6).state().claimedConnections());
        net.runFor(200 * MS);
        assertEquals(new HashSet<>(neighbors), forgotten);
        net.runFor(3 * S);
        // Peers that still try it get no answer for a topic it left, and it closes their connections.
        assertEquals(0, net.node(6).openConnections());
        for (SimNetwork.SimNode n : net.upNodes()) {
            if (n.id() != 6) {
                assertFalse(active(net, n.id()).contains(6));
            }
        }
        assertViewsSymmetricAndMatchEvents(net, events);
    }
}
