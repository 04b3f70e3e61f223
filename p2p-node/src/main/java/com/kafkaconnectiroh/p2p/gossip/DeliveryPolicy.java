package com.kafkaconnectiroh.p2p.gossip;

import java.time.Duration;
import java.util.Objects;

/**
 * When a tracked broadcast ({@link GossipTopic#broadcast(byte[], DeliveryPolicy)}) counts as delivered, and how
 * long to wait for that. The rule behind every "delivered" and "acknowledged" this node reports (the CLI's
 * {@code gossip publish}, the sink connector's offset commits): a neighbor <em>acknowledged</em> a message when
 * its QUIC stack acknowledged every byte of the frame that pushed the payload to it (the stream offset past the
 * frame is acknowledged). It then holds the message: whether its application read it is not known, and PlumTree's
 * lazy neighbors, which get only an IHave announcing the message id, do not count until they graft the payload.
 *
 * <ul>
 *   <li>{@link #atLeast(int) atLeast(n)}: delivered once {@code n} neighbors it was pushed to acknowledged it.
 *       From there the swarm spreads it without us.</li>
 *   <li>{@link #everyPushedNeighbor()}: delivered once every neighbor it was pushed to (at least one) acknowledged
 *       it; not delivered as soon as one of them went away or was cut before acknowledging.</li>
 * </ul>
 *
 * <p>Either way a message that no neighbor acknowledged within {@link #timeout} is not delivered ({@link
 * Delivery.Outcome#TIMED_OUT}). Immutable.
 *
 * @param minNeighbors        acknowledging neighbors needed, at least 1
 * @param allPushedNeighbors also require every neighbor the payload was pushed to
 * @param timeout             how long to wait for the rule to be decided (default 30 s)
 */
public record DeliveryPolicy(int minNeighbors, boolean allPushedNeighbors, Duration timeout) {
    /** How long a tracked broadcast waits for its neighbors by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public DeliveryPolicy {
        if (minNeighbors < 1) {
            throw new IllegalArgumentException("minNeighbors must be at least 1, got " + minNeighbors);
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** Delivered once {@code neighbors} of the neighbors it was pushed to acknowledged it (30 s timeout). */
    public static DeliveryPolicy atLeast(int neighbors) {
        return new DeliveryPolicy(neighbors, false, DEFAULT_TIMEOUT);
    }

    /** Delivered once every neighbor it was pushed to, and at least one, acknowledged it (30 s timeout). */
    public static DeliveryPolicy everyPushedNeighbor() {
        return new DeliveryPolicy(1, true, DEFAULT_TIMEOUT);
    }

    public DeliveryPolicy withTimeout(Duration timeout) {
        return new DeliveryPolicy(minNeighbors, allPushedNeighbors, timeout);
    }

    long timeoutNanos() {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4; // "forever", without overflowing deadlines
        }
    }

    @Override
    public String toString() {
        return (allPushedNeighbors ? "every neighbor it was pushed to" + (minNeighbors > 1 ? " (at least " + minNeighbors + ")" : "")
                : "at least " + minNeighbors + " neighbor" + (minNeighbors == 1 ? "" : "s")) + " within " + seconds(timeout);
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
