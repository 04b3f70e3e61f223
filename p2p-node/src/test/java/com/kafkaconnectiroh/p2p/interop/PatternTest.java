package com.kafkaconnectiroh.p2p.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.kafkaconnectiroh.p2p.base.Hex;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PatternTest {

    @Test
    void matchesIndependentlyComputedBytes() {
        // From a separate Python implementation of the generator described in Pattern's javadoc.
        assertEquals("514ad0299c39d5330f8e3808933cd526", Hex.encode(Pattern.bytes(0, 16)));
        assertEquals("1aaf1d44456b2cce07b6d92beb4932be", Hex.encode(Pattern.bytes(1, 16)));
        assertEquals("9e74f2366e9d50", Hex.encode(Pattern.bytes(-7, 7)));
        assertEquals("07f5e6c3d73a93216f2dfc5ea2a94b08938dec5978a44f4e0ee15df785670629", Pattern.sha256Hex(42, 1_000_003));
    }

    @Test
    void chunkedGenerationEqualsOneShot() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 50; round++) {
            int seed = rnd.nextInt();
            int len = rnd.nextInt(0, 20_000);
            byte[] whole = Pattern.bytes(seed, len);
            byte[] chunked = new byte[len];
            Pattern p = new Pattern(seed);
            int off = 0;
            while (off < len) {
                int n = Math.min(len - off, 4 * rnd.nextInt(1, 700));
                p.next(chunked, off, n);
                off += n;
            }
            assertArrayEquals(whole, chunked, "seed " + seed + " len " + len);
            assertEquals(Pattern.sha256Hex(whole), Pattern.sha256Hex(seed, len));
        }
    }

    @Test
    void prefixesAgreeAndSeedsDiffer() {
        byte[] longer = Pattern.bytes(5, 1001);
        assertArrayEquals(Arrays.copyOf(longer, 37), Pattern.bytes(5, 37));
        assertNotEquals(Hex.encode(Pattern.bytes(5, 64)), Hex.encode(Pattern.bytes(6, 64)));
    }
}
