package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.gossip.proto.MessageId;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a tracked broadcast ({@link GossipTopic#broadcast(byte[], DeliveryPolicy)}) returns: {@link #accepted()}
 * completes as an untracked broadcast's future does (handed to the protocol, paced by the neighbors' send queues),
 * {@link #delivered()} once its {@link DeliveryPolicy} is decided.
 *
 * <p>Its bookkeeping (per neighbor: frames in flight, acknowledged, gone) is owned by the gossip thread; only the
 * two futures are read elsewhere. Per message it costs this object, its two futures and a small array per
 * neighbor set, nothing per packet or acknowledgement.
 */
public final class BroadcastReceipt {
    private static final int ACKED = -1;

    private final CompletableFuture<Void> accepted = new CompletableFuture<>();
    private final CompletableFuture<Delivery> delivered = new CompletableFuture<>();
    final DeliveryPolicy policy;

    // ---- gossip thread only ----
    /** The message's id, once known (from its first push, or hashed when it was not pushed at once). */
    MessageId id;
    /** When the policy's timeout passes (System.nanoTime), from the moment the broadcast reached the gossip thread. */
    long deadline;
    /** Tracked by this (for forgetting it once decided), null before tracking. */
    Deliveries owner;
    /** While true the pushes of one step are still being made: decide only afterwards. */
    boolean pushing;
    private boolean decided;
    private EndpointId[] peers;
    /** Per peer: frames in flight (more than 0), {@link #ACKED}, or 0 (every frame to it went unacknowledged). */
    private int[] inFlight;
    private int peerCount;
    private int ackedCount;
    private int goneCount;

    BroadcastReceipt(DeliveryPolicy policy) {
        this.policy = policy;
    }

    /** Completes when the protocol took the message, as {@link GossipTopic#broadcast(byte[])}'s future. */
    public CompletableFuture<Void> accepted() {
        return accepted;
    }

    /**
     * Completes (always normally) once the policy is decided: {@link Delivery#delivered()} says whether it held.
     * Completes on the gossip thread: do not block in dependent actions.
     */
    public CompletableFuture<Delivery> delivered() {
        return delivered;
    }

    public DeliveryPolicy policy() {
        return policy;
    }

    // ---- gossip thread ----

    boolean isDecided() {
        return decided;
    }

    /** Neighbors the payload was pushed to so far. */
    int pushedTo() {
        return peerCount;
    }

    /** A frame carrying the payload is on its way to {@code peer}. */
    void pushed(EndpointId peer) {
        if (decided) {
            return;
        }
        int i = indexOf(peer);
        if (i < 0) {
            if (peers == null) {
                peers = new EndpointId[2];
                inFlight = new int[2];
            } else if (peerCount == peers.length) {
                peers = Arrays.copyOf(peers, peerCount * 2);
                inFlight = Arrays.copyOf(inFlight, peerCount * 2);
            }
            peers[peerCount] = peer;
            inFlight[peerCount++] = 1;
        } else if (inFlight[i] != ACKED) {
            if (inFlight[i] == 0) {
                goneCount--; // pushed again (a Graft answered on a new connection)
            }
            inFlight[i]++;
        }
    }

    /** {@code peer}'s QUIC stack acknowledged a frame carrying the payload. */
    void acked(EndpointId peer) {
        if (decided) {
            return;
        }
        int i = indexOf(peer);
        if (i >= 0 && inFlight[i] != ACKED) {
            if (inFlight[i] == 0) {
                goneCount--;
            }
            inFlight[i] = ACKED;
            ackedCount++;
            decide();
        }
    }

    /** A frame to {@code peer} will never be acknowledged (connection gone or cut, dropped before sending). */
    void unacked(EndpointId peer) {
        if (decided) {
            return;
        }
        int i = indexOf(peer);
        if (i >= 0 && inFlight[i] > 0 && --inFlight[i] == 0) {
            goneCount++;
            decide();
        }
    }

    private int indexOf(EndpointId peer) {
        for (int i = 0; i < peerCount; i++) {
            if (peers[i].equals(peer)) {
                return i;
            }
        }
        return -1;
    }

    /** Completes the receipt if the policy is decided by now. */
    void decide() {
        if (decided || pushing) {
            return;
        }
        int settled = ackedCount + goneCount;
        if (policy.allPushedNeighbors()) {
            if (goneCount > 0 || (peerCount > 0 && settled == peerCount && ackedCount < policy.minNeighbors())) {
                finish(Delivery.Outcome.UNACKNOWLEDGED);
            } else if (peerCount > 0 && settled == peerCount) {
                finish(Delivery.Outcome.DELIVERED);
            }
        } else if (ackedCount >= policy.minNeighbors()) {
            finish(Delivery.Outcome.DELIVERED);
        } else if (peerCount > 0 && settled == peerCount) {
            finish(Delivery.Outcome.UNACKNOWLEDGED);
        }
        // Pushed to nobody yet (every neighbor lazy: they got an IHave): a Graft may still fetch the payload.
    }

    /** The timeout passed, or the gossip stops: decide with what is known now. */
    void giveUp(Delivery.Outcome outcome) {
        if (decided) {
            return;
        }
        pushing = false;
        decide();
        if (!decided) {
            finish(peerCount == 0 && outcome != Delivery.Outcome.TIMED_OUT ? Delivery.Outcome.NOT_SENT : outcome);
        }
    }

    /** Never handed to a neighbor (closed subscription, shut-down gossip, dropped while held). Any thread before tracking. */
    void notSent() {
        finish(Delivery.Outcome.NOT_SENT);
    }

    private void finish(Delivery.Outcome outcome) {
        decided = true;
        List<EndpointId> by;
        if (ackedCount == 0) {
            by = List.of();
        } else {
            EndpointId[] a = new EndpointId[ackedCount];
            int n = 0;
            for (int i = 0; i < peerCount; i++) {
                if (inFlight[i] == ACKED) {
                    a[n++] = peers[i];
                }
            }
            by = List.of(a);
        }
        Delivery d = new Delivery(outcome, peerCount, ackedCount, goneCount, by);
        peers = null;
        inFlight = null;
        if (owner != null) {
            owner.forget(this);
        }
        delivered.complete(d);
    }

    @Override
    public String toString() {
        return "BroadcastReceipt[" + (id == null ? "?" : id.fmtShort()) + ", " + policy
                + (delivered.isDone() ? ", " + delivered.join() : ", pending") + "]";
    }
}
