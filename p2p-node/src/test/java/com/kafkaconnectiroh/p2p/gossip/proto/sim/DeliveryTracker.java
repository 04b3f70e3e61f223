package com.kafkaconnectiroh.p2p.gossip.proto.sim;

import com.kafkaconnectiroh.p2p.gossip.proto.DeliveryScope;
import com.kafkaconnectiroh.p2p.gossip.proto.Event;
import com.kafkaconnectiroh.p2p.gossip.proto.MessageId;
import com.kafkaconnectiroh.p2p.gossip.proto.Scope;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicCommand;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Records broadcasts and Received events to compute delivery ratios and find duplicates. */
public final class DeliveryTracker implements SimNetwork.Observer {
    public record Broadcast(int sender, long time) {}

    private final Map<MessageId, Broadcast> broadcasts = new LinkedHashMap<>();
    /** (node, incarnation) → ids received. */
    private final Map<Long, Set<MessageId>> received = new HashMap<>();
    private final Map<MessageId, Set<Integer>> receivers = new HashMap<>();
    private long receivedEvents;
    private long duplicates;
    private long neighborScope;

    public void broadcast(SimNetwork net, int sender, TopicId topic, byte[] content) {
        net.command(sender, topic, new TopicCommand.Broadcast<>(content, Scope.SWARM));
        broadcasts.put(MessageId.ofContent(content), new Broadcast(sender, net.now()));
    }

    @Override
    public void onEvent(long now, SimNetwork.SimNode node, TopicId topic, Event<SimPeer> event) {
        if (!(event instanceof Event.Received<SimPeer> r)) {
            return;
        }
        receivedEvents++;
        if (r.scope() instanceof DeliveryScope.Neighbors) {
            neighborScope++;
            return;
        }
        MessageId id = MessageId.ofContent(r.content());
        long key = ((long) node.id() << 32) | node.incarnation();
        if (!received.computeIfAbsent(key, k -> new HashSet<>()).add(id)) {
            duplicates++;
        }
        receivers.computeIfAbsent(id, k -> new HashSet<>()).add(node.id());
    }

    public Map<MessageId, Broadcast> broadcasts() {
        return broadcasts;
    }

    public boolean delivered(MessageId id, int node) {
        Set<Integer> r = receivers.get(id);
        return r != null && r.contains(node);
    }

    public long receivedEvents() {
        return receivedEvents;
    }

    /** Received events for a (node, incarnation) that already had the message. */
    public long duplicates() {
        return duplicates;
    }

    public long neighborScopeEvents() {
        return neighborScope;
    }
}
