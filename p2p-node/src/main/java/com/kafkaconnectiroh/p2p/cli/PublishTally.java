package com.kafkaconnectiroh.p2p.cli;

import com.kafkaconnectiroh.p2p.gossip.BroadcastReceipt;
import com.kafkaconnectiroh.p2p.gossip.Delivery;

/**
 * {@code gossip publish}'s count of its tracked broadcasts: how many were delivered under the policy, how many
 * were not, and the first that was not (to say why). Receipts complete on the gossip thread; the command waits
 * for all of them before leaving the topic.
 */
final class PublishTally {
    private long pending;
    private long delivered;
    private long undelivered;
    private long firstFailedIndex = -1;
    private Delivery firstFailure;

    /** Counts {@code receipt}, the message at {@code index} (0-based, as the JSON {@code sent} lines). */
    void add(long index, BroadcastReceipt receipt) {
        synchronized (this) {
            pending++;
        }
        receipt.delivered().thenAccept(d -> settled(index, d));
    }

    private synchronized void settled(long index, Delivery d) {
        pending--;
        if (d.delivered()) {
            delivered++;
        } else {
            undelivered++;
            if (firstFailure == null || index < firstFailedIndex) {
                firstFailure = d;
                firstFailedIndex = index;
            }
        }
        if (pending == 0) {
            notifyAll();
        }
    }

    /** Waits until every receipt is decided, at most {@code timeout}; false if some still are not. */
    synchronized boolean awaitAll(java.time.Duration timeout) throws InterruptedException {
        long wait = timeout.toMillis(); // --ack-timeout is at most ~292 years: fits
        long deadline = System.currentTimeMillis() + Math.min(wait, Long.MAX_VALUE / 2);
        while (pending > 0) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    synchronized long delivered() {
        return delivered;
    }

    /** Not delivered, counting those still undecided. */
    synchronized long undelivered() {
        return undelivered + pending;
    }

    /** Why the first undelivered message was not delivered, for the error line; null if none failed. */
    synchronized String firstFailure() {
        if (firstFailure == null) {
            return pending > 0 ? pending + " still undecided when publish gave up waiting" : null;
        }
        Delivery d = firstFailure;
        String why = switch (d.outcome()) {
            case UNACKNOWLEDGED -> "the neighbors it was pushed to went away or were cut before acknowledging it";
            case TIMED_OUT -> "no decision within the acknowledgement timeout";
            case NOT_SENT -> "it was never sent (no neighbor to send it to, or the topic was left)";
            case DELIVERED -> "delivered";
        };
        return "message " + (firstFailedIndex + 1) + ": " + why + " (pushed to " + d.pushedTo() + ", acknowledged by "
                + d.acknowledged() + ")";
    }
}
