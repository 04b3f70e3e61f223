package com.kafkaconnectiroh.p2p.discovery.mdns;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When one service's swarm queries and answers: swarm-discovery's sender loop (SD {@code src/sender.rs::sender},
 * wire map §7) as a state machine driven by the caller's clock (nanoseconds). Two phases alternate:
 *
 * <ol>
 *   <li><b>Waiting for a query</b> for τ + U[0, τ·S/10): a query heard first (someone else's round) or our own sent
 *       at the deadline starts the next phase. S is the swarm size (peers known plus us).</li>
 *   <li><b>Waiting to respond</b> for U[0, 100 ms·S/cutoff) + extra: when {@code cutoff} peers have answered
 *       first our answer is skipped (the swarm stays quiet however large), otherwise we answer at the deadline.
 *       Extra = 100 ms·min(10, S/cutoff) after a round we answered, else the previous extra less 100 ms: who
 *       answered last waits longer next time, so the answering is shared.</li>
 * </ol>
 *
 * iroh uses τ = 700 ms, φ = 2.5, so cutoff = ⌈τφ⌉ = 2 (τ in seconds). One departure, a rate limit: we never answer
 * twice within {@link #MIN_ANSWER_GAP}, so a host flooding queries gets at most a few answers a second from us
 * (swarm-discovery answers every query that finds it waiting; legitimate rounds come every τ or more).
 */
final class SwarmCadence {
    static final long TAU = Duration.ofMillis(700).toNanos();
    static final double PHI = 2.5;
    static final int CUTOFF = (int) Math.ceil(TAU / 1e9 * PHI);
    static final long RESPONSE_DELAY = Duration.ofMillis(100).toNanos();
    static final long MIN_ANSWER_GAP = Duration.ofMillis(250).toNanos();

    /** What the caller sends now. */
    enum Action { NONE, SEND_QUERY, SEND_RESPONSE }

    private final RandomGenerator random;
    private boolean responding;
    private long deadline;
    private boolean answeredLastRound;
    private long extraDelay;
    private int responsesSeen;
    private long lastAnswerAt;
    private boolean everAnswered;

    SwarmCadence(RandomGenerator random, long now) {
        this.random = random;
        waitForQuery(now, 1);
    }

    /** When {@link #onTimeout} is due. */
    long deadline() {
        return deadline;
    }

    boolean responding() {
        return responding;
    }

    /** Someone queried: starts a response round unless one runs. */
    void onQuery(long now, int swarmSize) {
        if (!responding) {
            startResponding(now, swarmSize);
        }
    }

    /** A response announcing {@code peers} peers arrived: enough of them make our own answer needless. */
    void onResponse(int peers, long now, int swarmSize) {
        if (!responding) {
            return;
        }
        responsesSeen += peers;
        if (responsesSeen >= CUTOFF) {
            waitForQuery(now, swarmSize);
        }
    }

    /**
     * The deadline passed (call when {@code now >= deadline()}): says what to send and moves on.
     *
     * @param canAnswer whether we have something to announce (advertising, with addresses)
     */
    Action onTimeout(long now, int swarmSize, boolean canAnswer) {
        if (now - deadline < 0) {
            return Action.NONE;
        }
        if (!responding) {
            startResponding(now, swarmSize);
            return Action.SEND_QUERY;
        }
        boolean answer = canAnswer && (!everAnswered || now - lastAnswerAt >= MIN_ANSWER_GAP);
        if (answer) {
            answeredLastRound = true;
            everAnswered = true;
            lastAnswerAt = now;
        }
        waitForQuery(now, swarmSize);
        return answer ? Action.SEND_RESPONSE : Action.NONE;
    }

    private void waitForQuery(long now, int swarmSize) {
        responding = false;
        deadline = now + TAU + uniform(TAU * Math.max(1, swarmSize) / 10);
    }

    private void startResponding(long now, int swarmSize) {
        int s = Math.max(1, swarmSize);
        if (answeredLastRound) {
            extraDelay = RESPONSE_DELAY * Math.min(10, s / CUTOFF);
        } else {
            extraDelay = Math.max(0, extraDelay - RESPONSE_DELAY);
        }
        answeredLastRound = false;
        responsesSeen = 0;
        responding = true;
        deadline = now + uniform(RESPONSE_DELAY * s / CUTOFF) + extraDelay;
    }

    private long uniform(long bound) {
        return bound <= 0 ? 0 : random.nextLong(bound);
    }
}
