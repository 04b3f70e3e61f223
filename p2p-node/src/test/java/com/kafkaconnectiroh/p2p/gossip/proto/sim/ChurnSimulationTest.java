package com.kafkaconnectiroh.p2p.gossip.proto.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.gossip.proto.Topic;
import org.junit.jupiter.api.Test;

/**
 * 200 nodes, 10% of all messages lost (membership and broadcast alike), 20% churn, 5 senders.
 *
 * <p>What is measured (see {@link ChurnScenario} for the timeline): every message broadcast by the five senders
 * (who stay up throughout), counted at every <em>stable</em> node, i.e. a node that was up from its bootstrap
 * to the end of the run in a single incarnation and was never picked by churn. The 40 churned nodes and the 40
 * that replace them are excluded: they were down for, or joined after, part of the broadcasts. The delivery ratio
 * is (stable-node deliveries) / (broadcasts × stable nodes other than the sender), taken after 20 s without
 * broadcasts, so IHave/Graft repair has finished. Crashes are noticed only after 30 s (QUIC's idle timeout), so
 * dead neighbors linger in views and the tree must route around them.
 */
class ChurnSimulationTest {

    @Test
    void deliversToStableNodesDespiteLossAndChurn() {
        ChurnScenario s = new ChurnScenario();
        s.nodes = 200;
        s.senders = 5;
        s.churn = 0.20;
        s.broadcastEveryMs = 400;
        s.broadcastSeconds = 40;
        s.drainSeconds = 20;
        long[] steps = {0};
        s.extraObservers.add(new SimNetwork.Observer() {
            @Override
            public void afterStep(long now, SimNetwork.SimNode node) {
                if ((steps[0]++ & 15) == 0) {
                    Topic<SimPeer> t = node.state().topic(ChurnScenario.TOPIC);
                    if (t != null) {
                        t.checkInvariants();
                    }
                }
            }
        });
        long t0 = System.nanoTime();
        s.run(SimConfig.defaults(1).withLoss(0.10, true).withCrashDetect(30_000).withWireEncode(false));
        System.out.printf("churn simulation (%d ms wall): %s%n", (System.nanoTime() - t0) / 1_000_000, s);
        System.out.println("missing per stable node: " + s.missingPerNode);

        assertEquals(40, s.churned.size() / 2, "40 nodes left and 40 joined");
        assertEquals(160, s.stable.size());
        assertEquals(500, s.tracker.broadcasts().size());
        assertTrue(s.deliveryRatio() >= 0.999, "delivery ratio to stable nodes: " + s.deliveryRatio());
        assertEquals(0, s.tracker.duplicates(), "a node never gets the same message twice");
        for (SimNetwork.SimNode n : s.net.upNodes()) {
            assertTrue(n.state().hasNeighbors(ChurnScenario.TOPIC), "node " + n.id() + " ended without neighbors");
        }
    }
}
