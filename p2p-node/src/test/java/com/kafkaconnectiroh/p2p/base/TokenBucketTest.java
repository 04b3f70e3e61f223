package com.kafkaconnectiroh.p2p.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void startsFullSpendsItsBurstThenRefillsAtItsRateUpToItsCapacity() {
        TokenBucket b = new TokenBucket(3, 2, 0);
        assertTrue(b.tryTake(0));
        assertTrue(b.tryTake(0));
        assertTrue(b.tryTake(0));
        assertFalse(b.tryTake(0), "the burst is spent");
        assertFalse(b.tryTake(SECOND / 4), "half a token after a quarter second");
        assertTrue(b.tryTake(SECOND / 2), "one token after half a second");
        assertFalse(b.hasToken(SECOND / 2));
        // a long idle refills to the capacity, not beyond
        long later = 100 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertTrue(b.tryTake(later));
        }
        assertFalse(b.tryTake(later));
    }

    @Test
    void aTimeBeforeTheLastRefillNeitherRefillsNorDrains() {
        TokenBucket b = new TokenBucket(1, 1, 10 * SECOND);
        assertTrue(b.tryTake(10 * SECOND));
        assertFalse(b.tryTake(5 * SECOND));
        assertTrue(b.tryTake(11 * SECOND));
    }

    @Test
    void spendOverdrawsAndSaysHowLongUntilTheBucketIsBackAtZero() {
        TokenBucket b = new TokenBucket(1000, 1000, 0);
        assertEquals(0, b.spend(600, 0), "within the bucket");
        assertEquals(SECOND / 10 * 3, b.spend(700, 0), "300 over at 1000/s: 0.3 s");
        assertFalse(b.hasToken(SECOND / 10 * 3), "at zero, not a whole token yet");
        assertTrue(b.tryTake(SECOND / 10 * 3 + SECOND / 1000));
    }

    @Test
    void refusesANonPositiveCapacityOrRate() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(Double.NaN, 1, 0));
    }

    @Test
    void rateLimiterBoundsEachKeyAndAllKeysAndForgetsTheLeastRecentKeys() {
        RateLimiter l = new RateLimiter(2, 1, 5, 1, 3);
        assertTrue(l.tryAcquire("a", 0));
        assertTrue(l.tryAcquire("a", 0));
        assertFalse(l.tryAcquire("a", 0), "a's burst is spent");
        assertTrue(l.tryAcquire("b", 0));
        assertTrue(l.tryAcquire("c", 0));
        assertTrue(l.tryAcquire("d", 0)); // a is forgotten: at most 3 keys
        assertFalse(l.tryAcquire("e", 0), "5 taken: the global bucket is empty although e's is full");
        assertEquals(3, l.trackedKeys());
        assertEquals(2, l.refused());
        assertTrue(l.tryAcquire("a", SECOND), "a starts again full, and the global bucket has refilled one");
        RateLimiter perKey = RateLimiter.perKey(1, 1, 10);
        for (int i = 0; i < 1000; i++) {
            assertTrue(perKey.tryAcquire(i, 0), "no global bound");
        }
        assertEquals(10, perKey.trackedKeys());
    }
}
