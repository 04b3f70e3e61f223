package com.kafkaconnectiroh.connect.common;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with +-20 % jitter: the jitter keeps many tasks (or many peers restarted together) from
 * retrying in lockstep. Immutable; callers count their own attempts.
 */
public record Backoff(Duration initial, Duration max) {
    private static final double JITTER = 0.2;

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** The wait before retry number {@code attempt} (0 = the first retry). */
    public Duration delay(int attempt) {
        double base = initial.toMillis() * Math.pow(2, Math.min(attempt, 30));
        double capped = Math.min(base, max.toMillis());
        double jittered = capped * (1 - JITTER + 2 * JITTER * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(Math.max(1, Math.round(jittered)));
    }
}
