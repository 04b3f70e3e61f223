package com.kafkaconnectiroh.connect.common;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysDoubleWithinJitterAndStopAtTheMaximum() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        Set<Long> first = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            long d0 = b.delay(0).toMillis();
            assertTrue(d0 >= 80 && d0 <= 120, "attempt 0: " + d0);
            first.add(d0);
            long d3 = b.delay(3).toMillis();
            assertTrue(d3 >= 640 && d3 <= 960, "attempt 3: " + d3);
            long far = b.delay(1000).toMillis();
            assertTrue(far >= 4000 && far <= 6000, "capped: " + far);
        }
        assertTrue(first.size() > 10, "jittered, not lockstep: " + first);
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
