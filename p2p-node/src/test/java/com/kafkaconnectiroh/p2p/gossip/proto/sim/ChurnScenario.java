package com.kafkaconnectiroh.p2p.gossip.proto.sim;

import static com.kafkaconnectiroh.p2p.gossip.proto.sim.SimNetwork.MS;

import com.kafkaconnectiroh.p2p.gossip.proto.MessageId;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A swarm under loss and churn, broadcasting from a few senders:
 * <ol>
 *   <li>bootstrap: {@code nodes} nodes start 20 ms apart, each joining through 1–3 random nodes already up;</li>
 *   <li>after 10 s of warm-up, {@code senders} fixed nodes (ids 0..senders-1, never churned) broadcast every
 *       {@code broadcastEveryMs} for {@code broadcastSeconds}, staggered;</li>
 *   <li>during the same window, {@code churn × nodes} other nodes leave at evenly spaced times, alternately
 *       gracefully (Quit, gone 200 ms later) and abruptly (crash), and each is replaced 500 ms later by a new
 *       node joining through 2 random live nodes;</li>
 *   <li>then {@code drainSeconds} without broadcasts or churn, for repair to finish.</li>
 * </ol>
 */
public final class ChurnScenario {
    public static final TopicId TOPIC = TopicId.of(new byte[32]);
    static final long S = 1000 * MS;

    public int nodes = 200;
    public int senders = 5;
    public double churn = 0.20;
    public long broadcastEveryMs = 200;
    public int broadcastSeconds = 40;
    public int drainSeconds = 20;

    public SimNetwork net;
    public final List<SimNetwork.Observer> extraObservers = new ArrayList<>();
    public final DeliveryTracker tracker = new DeliveryTracker();
    public final Set<Integer> churned = new HashSet<>();
    public final List<Integer> stable = new ArrayList<>();
    public long expected;
    public long missing;
    public final TreeMap<Integer, Integer> missingPerNode = new TreeMap<>();
    public final List<long[]> missingDetail = new ArrayList<>();

    public void run(SimConfig config) {
        net = new SimNetwork(config);
        net.observe(tracker);
        for (SimNetwork.Observer o : extraObservers) {
            net.observe(o);
        }
        SplittableRandom rnd = new SplittableRandom(config.seed() ^ 0x5eedL);
        for (int i = 0; i < nodes; i++) {
            int id = i;
            net.at(i * 20 * MS, () -> {
                net.start(id);
                List<SimNetwork.SimNode> up = net.upNodes();
                net.join(id, TOPIC, randomContacts(rnd, up, id, Math.min(up.size() - 1, 1 + rnd.nextInt(3))));
            });
        }
        long warmup = nodes * 20 * MS + 10 * S;
        long broadcastEnd = warmup + broadcastSeconds * S;
        long end = broadcastEnd + drainSeconds * S;

        int churnCount = (int) Math.round(nodes * churn);
        for (int c = 0; c < churnCount; c++) {
            long t = warmup + (long) ((broadcastEnd - warmup) * (c + 0.5) / churnCount);
            int newId = nodes + c;
            boolean graceful = c % 2 == 0;
            net.at(t, () -> {
                List<SimNetwork.SimNode> up = net.upNodes();
                SimNetwork.SimNode victim;
                do {
                    victim = up.get(rnd.nextInt(up.size()));
                } while (victim.id() < senders || churned.contains(victim.id()));
                churned.add(victim.id());
                if (graceful) {
                    net.leave(victim.id(), 200 * MS);
                } else {
                    net.crash(victim.id());
                }
                net.at(net.now() + 500 * MS, () -> {
                    net.start(newId);
                    churned.add(newId);
                    net.join(newId, TOPIC, randomContacts(rnd, net.upNodes(), newId, 2));
                });
            });
        }

        int[] seqs = new int[senders];
        for (int s = 0; s < senders; s++) {
            int sender = s;
            for (long t = warmup + s * 37 * MS; t < broadcastEnd; t += broadcastEveryMs * MS) {
                net.at(t, () -> {
                    byte[] content = String.format("message %d/%d from a stable sender", sender, seqs[sender]++)
                            .getBytes(StandardCharsets.UTF_8);
                    tracker.broadcast(net, sender, TOPIC, content);
                });
            }
        }
        net.runUntil(end);

        // "Stable" = up for the whole run, in its first incarnation, never picked by churn.
        for (SimNetwork.SimNode node : net.nodes()) {
            if (node.isUp() && node.incarnation() == 1 && !churned.contains(node.id())) {
                stable.add(node.id());
            }
        }
        for (Map.Entry<MessageId, DeliveryTracker.Broadcast> e : tracker.broadcasts().entrySet()) {
            for (int node : stable) {
                if (node == e.getValue().sender()) {
                    continue;
                }
                expected++;
                if (!tracker.delivered(e.getKey(), node)) {
                    missing++;
                    missingPerNode.merge(node, 1, Integer::sum);
                    missingDetail.add(new long[] {node, e.getValue().sender(), e.getValue().time() / MS});
                }
            }
        }
    }

    private static List<Integer> randomContacts(SplittableRandom rnd, List<SimNetwork.SimNode> up, int self, int k) {
        List<Integer> contacts = new ArrayList<>();
        int candidates = (int) up.stream().filter(n -> n.id() != self).count();
        while (contacts.size() < Math.min(k, candidates)) {
            int c = up.get(rnd.nextInt(up.size())).id();
            if (c != self && !contacts.contains(c)) {
                contacts.add(c);
            }
        }
        return contacts;
    }

    public double deliveryRatio() {
        return 1.0 - (double) missing / expected;
    }

    /** Messages of any kind sent per Received event. */
    public double messagesPerDelivery() {
        return (double) net.messagesSent() / tracker.receivedEvents();
    }

    /** Payload (Gossip) messages sent per Received event: 1.0 would be a perfect tree without loss. */
    public double payloadsPerDelivery() {
        return (double) net.payloadsSent() / tracker.receivedEvents();
    }

    @Override
    public String toString() {
        return String.format("delivery %.5f (%d of %d missing), %d duplicates, %.2f msgs/delivery, %.2f payloads/delivery,"
                        + " %d stable nodes, %d churned, %d messages lost of %d sent, %d events",
                deliveryRatio(), missing, expected, tracker.duplicates(), messagesPerDelivery(), payloadsPerDelivery(),
                stable.size(), churned.size(), net.messagesLost(), net.messagesSent(), net.eventsProcessed());
    }
}
