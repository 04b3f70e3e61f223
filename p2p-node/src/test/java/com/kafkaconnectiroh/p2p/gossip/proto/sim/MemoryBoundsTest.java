package com.kafkaconnectiroh.p2p.gossip.proto.sim;

import static com.kafkaconnectiroh.p2p.gossip.proto.sim.SimNetwork.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipCodec;
import com.kafkaconnectiroh.p2p.gossip.proto.GossipConfig;
import com.kafkaconnectiroh.p2p.gossip.proto.HyParViewConfig;
import com.kafkaconnectiroh.p2p.gossip.proto.HyParViewMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.MessageId;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerData;
import com.kafkaconnectiroh.p2p.gossip.proto.PeerInfo;
import com.kafkaconnectiroh.p2p.gossip.proto.PlumTreeConfig;
import com.kafkaconnectiroh.p2p.gossip.proto.PlumTreeMessage;
import com.kafkaconnectiroh.p2p.gossip.proto.Scope;
import com.kafkaconnectiroh.p2p.gossip.proto.Topic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicCommand;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every internal collection of every node stays under an explicit cap after every single step, through a flood
 * of 10 000 broadcasts (far more than the caches hold), churn, loss, and a neighbor that sends junk: IHaves for
 * messages that do not exist, payloads with forged ids, fresh payloads, and walks naming peers that do not exist.
 */
class MemoryBoundsTest {
    static final TopicId T = ChurnScenario.TOPIC;
    static final long S = 1000 * MS;
    static final int NODES = 16;
    static final int HOSTILE = 0;

    // Caps deliberately far below what the flood would need.
    static final int MAX_CACHED = 400;
    static final long MAX_CACHED_BYTES = 24 * 1024;
    static final int MAX_IDS = 1500;
    static final int MAX_MISSING = 200;

    static final class Peak {
        final int[] values = new int[16];

        void see(int i, long v) {
            values[i] = (int) Math.max(values[i], v);
        }
    }

    @Test
    void everyCollectionStaysUnderItsCapThroughAFlood() {
        PlumTreeConfig plum = PlumTreeConfig.DEFAULT.withCaps(MAX_CACHED, MAX_CACHED_BYTES, MAX_IDS, MAX_MISSING)
                .withRetention(Duration.ofSeconds(30), Duration.ofSeconds(90));
        GossipConfig proto = GossipConfig.DEFAULT.withBroadcast(plum);
        HyParViewConfig hv = proto.membership();
        SimNetwork net = new SimNetwork(SimConfig.defaults(21).withProto(proto).withLoss(0.05, true).withLatency(5, 40));
        SplittableRandom rnd = new SplittableRandom(99);
        Peak peak = new Peak();
        int ihaveChunk = GossipCodec.maxIHaveEntries(proto.maxMessageSize());
        long[] steps = {0};

        net.observe(new SimNetwork.Observer() {
            @Override
            public void afterStep(long now, SimNetwork.SimNode node) {
                steps[0]++;
                Topic<SimPeer> t = node.state().topic(T);
                if (t == null) {
                    return;
                }
                if ((steps[0] & 63) == 0) {
                    t.checkInvariants(); // O(missing messages): every 64th step
                }
                Topic.Sizes z = t.sizes();
                Supplier<String> where = () -> " at node " + node.id() + ", t=" + now / MS + "ms: " + z;
                assertTrue(z.active() <= hv.activeViewCapacity(), () -> "active" + where.get());
                assertTrue(z.passive() <= hv.passiveViewCapacity(), () -> "passive" + where.get());
                // Requests in flight and remembered answers are each capped; Join contacts come from the app (≤ 3 here).
                assertTrue(z.pendingNeighborRequests() <= 2 * hv.maxPendingNeighborRequests() + 3, () -> "pending" + where.get());
                assertTrue(z.peerData() <= z.active() + z.passive() + z.pendingNeighborRequests(), () -> "peer data" + where.get());
                assertEquals(z.active(), z.eager() + z.lazy(), () -> "eager+lazy vs active" + where.get());
                assertTrue(z.lazyQueueEntries() <= z.lazyQueuePeers() * (ihaveChunk - 1), () -> "lazy queue" + where.get());
                assertTrue(z.lazyQueuePeers() <= z.active(), () -> "lazy queue peers" + where.get());
                assertTrue(z.missingMessages() <= MAX_MISSING, () -> "missing" + where.get());
                assertTrue(z.missingAnnouncements() <= MAX_MISSING * plum.maxAnnouncersPerMessage(), () -> "announcements" + where.get());
                assertTrue(z.receivedIds() <= MAX_IDS, () -> "received ids" + where.get());
                assertTrue(z.cachedMessages() <= MAX_CACHED, () -> "cache entries" + where.get());
                assertTrue(z.cachedBytes() <= MAX_CACHED_BYTES, () -> "cache bytes" + where.get());
                assertEquals(0, z.touchedPeers(), () -> "step bookkeeping" + where.get());
                int claimBound = z.active() + z.pendingNeighborRequests();
                assertTrue(node.state().claimedConnections() <= claimBound, () -> "claimed connections" + where.get());
                assertTrue(node.openConnections() <= node.state().claimedConnections(), () -> "open connections" + where.get());
                // Timers the driver holds: a few periodic ones, one per pending request (Join retries back off),
                // one armed per missing message plus those of messages that just arrived.
                assertTrue(node.scheduledTimers() <= 3 + 4 * claimBound + 2 * MAX_MISSING + 64, () -> "timers " + node.scheduledTimers() + where.get());
                peak.see(0, z.passive());
                peak.see(1, z.pendingNeighborRequests());
                peak.see(2, z.missingMessages());
                peak.see(3, z.receivedIds());
                peak.see(4, z.cachedMessages());
                peak.see(5, z.cachedBytes());
                peak.see(6, z.lazyQueueEntries());
                peak.see(7, node.scheduledTimers());
                peak.see(8, node.openConnections());
            }
        });

        for (int i = 0; i < NODES; i++) {
            int id = i;
            net.at(i * 30 * MS, () -> {
                net.start(id);
                List<Integer> contacts = new ArrayList<>();
                if (id > 0) {
                    contacts.add(rnd.nextInt(id));
                }
                net.join(id, T, contacts);
            });
        }
        long start = NODES * 30 * MS + 3 * S;
        // 10 000 broadcasts from four nodes over 4 s, 20 to 120 bytes each.
        for (int i = 0; i < 10_000; i++) {
            int sender = 1 + i % 4;
            int n = i;
            net.at(start + i * 400_000L, () -> {
                byte[] content = new byte[20 + rnd.nextInt(100)];
                rnd.nextBytes(content);
                content[0] = (byte) n;
                if (net.node(sender).isUp()) {
                    net.command(sender, T, new TopicCommand.Broadcast<>(content, Scope.SWARM));
                }
            });
        }
        // Churn: some nodes crash or leave and come back as new incarnations.
        for (int c = 0; c < 6; c++) {
            int victim = 6 + c;
            long t = start + c * 600 * MS;
            net.at(t, () -> {
                if (victim % 2 == 0) {
                    net.crash(victim);
                } else {
                    net.leave(victim, 100 * MS);
                }
            });
            net.at(t + 800 * MS, () -> {
                net.start(victim);
                net.join(victim, T, List.of(1 + rnd.nextInt(4)));
            });
        }
        // The hostile node: every 5 ms, junk to each of its neighbors.
        int[] fake = {1_000_000};
        for (long t = start; t < start + 5 * S; t += 5 * MS) {
            net.at(t, () -> {
                SimNetwork.SimNode h = net.node(HOSTILE);
                Topic<SimPeer> ht = h.state().topic(T);
                if (ht == null) {
                    return;
                }
                for (SimPeer to : ht.activeView()) {
                    List<PlumTreeMessage.IHave.Entry> ids = new ArrayList<>();
                    for (int k = 0; k < 100; k++) {
                        byte[] b = new byte[32];
                        rnd.nextBytes(b);
                        ids.add(new PlumTreeMessage.IHave.Entry(MessageId.of(b), rnd.nextInt(65536)));
                    }
                    net.inject(HOSTILE, to, T, Message.gossip(new PlumTreeMessage.IHave(ids)));
                    byte[] junk = new byte[200];
                    rnd.nextBytes(junk);
                    net.inject(HOSTILE, to, T, Message.gossip(new PlumTreeMessage.Gossip(MessageId.of(new byte[32]), junk, new DeliveryScope.Swarm(0))));
                    net.inject(HOSTILE, to, T, Message.gossip(new PlumTreeMessage.Gossip(MessageId.ofContent(junk), junk, new DeliveryScope.Swarm(rnd.nextInt(65536)))));
                    net.inject(HOSTILE, to, T, Message.swarm(new HyParViewMessage.ForwardJoin<>(
                            new PeerInfo<>(new SimPeer(fake[0]++), PeerData.of(new byte[300])), rnd.nextInt(7))));
                    List<PeerInfo<SimPeer>> nodes = new ArrayList<>();
                    for (int k = 0; k < 8; k++) {
                        nodes.add(new PeerInfo<>(new SimPeer(fake[0]++), PeerData.of(new byte[100])));
                    }
                    net.inject(HOSTILE, to, T, Message.swarm(new HyParViewMessage.Shuffle<>(new SimPeer(fake[0]++), nodes, 0)));
                }
            });
        }
        net.runUntil(start + 12 * S);

        System.out.printf("memory bounds: %d steps; peaks over all nodes: passive %d, pending %d, missing %d, ids %d,"
                        + " cached %d msgs / %d bytes, lazy queue %d, timers %d, connections %d%n", steps[0],
                peak.values[0], peak.values[1], peak.values[2], peak.values[3], peak.values[4], peak.values[5],
                peak.values[6], peak.values[7], peak.values[8]);
        // The flood really pushed against the caps (otherwise this test would prove nothing).
        assertEquals(MAX_MISSING, peak.values[2]);
        assertEquals(MAX_IDS, peak.values[3]);
        assertTrue(peak.values[4] == MAX_CACHED || peak.values[5] > MAX_CACHED_BYTES - 200);
        long forged = 0;
        for (SimNetwork.SimNode n : net.upNodes()) {
            forged += n.state().topic(T) == null ? 0 : n.state().topic(T).counters().invalidIds();
        }
        assertTrue(forged > 0, "forged payloads reached nodes and were dropped");
    }
}
