package com.kafkaconnectiroh.p2p.gossip.proto;

import java.time.Duration;
import java.util.Objects;

/**
 * Membership layer settings. The defaults are iroh-gossip's {@code hyparview::Config::default()} (the same in
 * 0.35 and 0.101; most come from the HyParView paper, p. 9). For the protocol to behave as designed every node
 * in a swarm should use the same values.
 *
 * @param activeViewCapacity        peers we keep connections to (5)
 * @param passiveViewCapacity       peers we remember but are not connected to (30)
 * @param activeRandomWalkLength    ARWL: hops a ForwardJoin travels before the last peer takes the newcomer (6)
 * @param passiveRandomWalkLength   PRWL: the TTL at which a ForwardJoin hop adds the newcomer as passive (3)
 * @param shuffleRandomWalkLength   hops a Shuffle travels before it is answered (6)
 * @param shuffleActiveViewCount    active peers sampled into a Shuffle (3)
 * @param shufflePassiveViewCount   passive peers sampled into a Shuffle (4)
 * @param shuffleInterval           how often we start a Shuffle (60 s)
 * @param neighborRequestTimeout    after this, an unanswered Neighbor request counts as failed (500 ms)
 * @param maxPendingNeighborRequests not in iroh: bounds our Neighbor requests in flight, and separately the
 *                                  answers we remember to absorb echoes, so a flood of ForwardJoins naming fresh
 *                                  peers or of joins cannot grow our state (2 × active view)
 */
public record HyParViewConfig(
        int activeViewCapacity,
        int passiveViewCapacity,
        int activeRandomWalkLength,
        int passiveRandomWalkLength,
        int shuffleRandomWalkLength,
        int shuffleActiveViewCount,
        int shufflePassiveViewCount,
        Duration shuffleInterval,
        Duration neighborRequestTimeout,
        int maxPendingNeighborRequests) {

    public static final HyParViewConfig DEFAULT = new HyParViewConfig(5, 30, 6, 3, 6, 3, 4,
            Duration.ofSeconds(60), Duration.ofMillis(500), 10);

    public HyParViewConfig {
        positive(activeViewCapacity, "activeViewCapacity");
        nonNegative(passiveViewCapacity, "passiveViewCapacity");
        u16(activeRandomWalkLength, "activeRandomWalkLength");
        u16(passiveRandomWalkLength, "passiveRandomWalkLength");
        u16(shuffleRandomWalkLength, "shuffleRandomWalkLength");
        nonNegative(shuffleActiveViewCount, "shuffleActiveViewCount");
        nonNegative(shufflePassiveViewCount, "shufflePassiveViewCount");
        positive(shuffleInterval, "shuffleInterval");
        positive(neighborRequestTimeout, "neighborRequestTimeout");
        positive(maxPendingNeighborRequests, "maxPendingNeighborRequests");
    }

    public HyParViewConfig withActiveViewCapacity(int v) {
        return new HyParViewConfig(v, passiveViewCapacity, activeRandomWalkLength, passiveRandomWalkLength,
                shuffleRandomWalkLength, shuffleActiveViewCount, shufflePassiveViewCount, shuffleInterval,
                neighborRequestTimeout, Math.max(maxPendingNeighborRequests, 2 * v));
    }

    public HyParViewConfig withPassiveViewCapacity(int v) {
        return new HyParViewConfig(activeViewCapacity, v, activeRandomWalkLength, passiveRandomWalkLength,
                shuffleRandomWalkLength, shuffleActiveViewCount, shufflePassiveViewCount, shuffleInterval,
                neighborRequestTimeout, maxPendingNeighborRequests);
    }

    public HyParViewConfig withShuffleInterval(Duration v) {
        return new HyParViewConfig(activeViewCapacity, passiveViewCapacity, activeRandomWalkLength,
                passiveRandomWalkLength, shuffleRandomWalkLength, shuffleActiveViewCount, shufflePassiveViewCount,
                v, neighborRequestTimeout, maxPendingNeighborRequests);
    }

    public HyParViewConfig withNeighborRequestTimeout(Duration v) {
        return new HyParViewConfig(activeViewCapacity, passiveViewCapacity, activeRandomWalkLength,
                passiveRandomWalkLength, shuffleRandomWalkLength, shuffleActiveViewCount, shufflePassiveViewCount,
                shuffleInterval, v, maxPendingNeighborRequests);
    }

    static void positive(int v, String name) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    static void nonNegative(int v, String name) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + v);
        }
    }

    static void u16(int v, String name) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(name + " must be a u16, got " + v);
        }
    }

    static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
