package com.kafkaconnectiroh.p2p.discovery.pkarr;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * pkarr timestamps: UNIX microseconds, strictly increasing within this process ({@code max(now, last + 1)}), as
 * iroh 1.x's {@code Timestamp::now}: DHT nodes and relays keep a packet only if its sequence number is higher than
 * the one they hold, so two packets published in the same microsecond, or across a clock step back, must still
 * order.
 */
public final class Timestamps {
    private static final AtomicLong LAST = new AtomicLong();

    private Timestamps() {
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
        return LAST.accumulateAndGet(micros, (last, t) -> Math.max(last + 1, t));
    }
}
