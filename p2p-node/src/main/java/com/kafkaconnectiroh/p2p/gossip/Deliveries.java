package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.gossip.proto.Message;
import com.kafkaconnectiroh.p2p.gossip.proto.MessageId;
import com.kafkaconnectiroh.p2p.gossip.proto.PlumTreeMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The undecided {@link BroadcastReceipt}s of one {@link Gossip} (gossip thread only): found by message id when
 * their payload is pushed later than the broadcast itself (after a dial, or answering a Graft), and timed out by
 * their policy.
 *
 * <p>Timeouts cost no timer per message: receipts wait in one FIFO per distinct timeout (deadlines in a FIFO are
 * in order, since every receipt in it has the same timeout), heads that were decided meanwhile are dropped as new
 * receipts come in, and one timer at a time runs at the earliest head's deadline.
 */
final class Deliveries {
    private final GossipLoop loop;
    /** The newest undecided receipt per message id (a repeated broadcast of the same content replaces it). */
    private final HashMap<MessageId, BroadcastReceipt> byId = new HashMap<>();
    private final HashMap<Long, ArrayDeque<BroadcastReceipt>> byTimeout = new HashMap<>(4);
    /** The receipt whose broadcast the gossip thread is handling right now; its pushes go to it directly. */
    private BroadcastReceipt current;
    private long sweepAt = Long.MAX_VALUE;
    private boolean sweepArmed;

    Deliveries(GossipLoop loop) {
        this.loop = loop;
    }

    /** A tracked broadcast reached the gossip thread: its timeout runs from now. */
    void track(BroadcastReceipt r) {
        r.owner = this;
        long timeout = r.policy.timeoutNanos();
        r.deadline = System.nanoTime() + timeout;
        ArrayDeque<BroadcastReceipt> q = byTimeout.computeIfAbsent(timeout, k -> new ArrayDeque<>());
        while (!q.isEmpty() && q.peekFirst().isDecided()) {
            q.pollFirst();
        }
        q.addLast(r);
        armSweep(r.deadline);
    }

    /** The broadcast of {@code r} is about to be handed to the protocol: its pushes in this step go to it. */
    void begin(BroadcastReceipt r) {
        r.pushing = true;
        current = r;
    }

    /**
     * The step is over: remember the receipt by message id (hashing the content only if nothing was pushed, so
     * that a Graft for it can still be tracked), then decide it if its pushes were all settled at once.
     */
    void end(BroadcastReceipt r, byte[] content) {
        current = null;
        r.pushing = false;
        if (r.isDecided()) {
            return;
        }
        if (r.id == null) {
            r.id = MessageId.ofContent(content);
        }
        byId.put(r.id, r);
        r.decide();
    }

    /** The receipt a payload message belongs to, if it is a tracked broadcast of ours; else null. */
    BroadcastReceipt receiptFor(Message<EndpointId> m) {
        if (current == null && byId.isEmpty()) {
            return null;
        }
        if (!(m instanceof Message.Gossip<EndpointId> g) || !(g.body() instanceof PlumTreeMessage.Gossip pg)) {
            return null;
        }
        if (current != null) {
            if (current.id == null) {
                current.id = pg.id();
            }
            if (current.id.equals(pg.id())) {
                return current;
            }
        }
        return byId.get(pg.id());
    }

    /** A decided receipt is no longer looked up by id. */
    void forget(BroadcastReceipt r) {
        if (r.id != null) {
            byId.remove(r.id, r);
        }
    }

    /** Receipts waiting to be decided that can be found by id (stats). */
    int tracked() {
        return byId.size();
    }

    private void armSweep(long deadline) {
        if (sweepArmed && deadline - sweepAt >= 0) {
            return;
        }
        sweepArmed = true;
        sweepAt = deadline;
        loop.schedule(deadline - System.nanoTime(), this::sweep);
    }

    private void sweep() {
        sweepArmed = false;
        sweepAt = Long.MAX_VALUE;
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        boolean any = false;
        for (ArrayDeque<BroadcastReceipt> q : byTimeout.values()) {
            BroadcastReceipt r;
            while ((r = q.peekFirst()) != null && (r.isDecided() || r.deadline - now <= 0)) {
                q.pollFirst();
                r.giveUp(Delivery.Outcome.TIMED_OUT);
            }
            if (r != null && (!any || r.deadline - next < 0)) {
                next = r.deadline;
                any = true;
            }
        }
        byTimeout.values().removeIf(ArrayDeque::isEmpty);
        if (any) {
            armSweep(next);
        }
    }

    /** The gossip stops: every receipt still undecided is decided with what is known now. */
    void giveUpAll() {
        List<BroadcastReceipt> all = new ArrayList<>();
        for (ArrayDeque<BroadcastReceipt> q : byTimeout.values()) {
            all.addAll(q);
        }
        byTimeout.clear();
        for (BroadcastReceipt r : all) {
            r.giveUp(Delivery.Outcome.UNACKNOWLEDGED);
        }
        byId.clear();
    }
}
