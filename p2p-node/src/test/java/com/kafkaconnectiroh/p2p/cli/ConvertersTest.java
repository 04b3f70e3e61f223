package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
    private final Converters.ByteSizeConverter sizes = new Converters.ByteSizeConverter();
    private final Converters.DurationConverter durations = new Converters.DurationConverter();

    @Test
    void sizesInEveryUnit() {
        assertEquals(1536L, sizes.convert("1.5K"));
        assertEquals(100L << 20, sizes.convert("100MiB"));
        assertEquals(2_000_000_000L, sizes.convert("2GB"));
        assertEquals(Long.MAX_VALUE, sizes.convert("9223372036854775807"));
    }

    @Test
    void sizesBeyondALongAreRefusedNotWrapped() {
        // 2^34 GiB = 2^64 bytes used to wrap to exactly 0 (a speedtest of nothing); others to negative counts
        for (String s : new String[] {"17179869184G", "99999999999G", "9223372036854775808", "8589934592GiB"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> sizes.convert(s), s);
            assertTrue(e.getMessage().contains("too large"), e.getMessage());
        }
    }

    @Test
    void durationsBeyondALongOfNanosAreRefusedNotWrapped() {
        assertEquals(Duration.ofMillis(2500), durations.convert("2.5s"));
        for (String s : new String[] {"9223372037s", "5124096h", "99999999999999999999ms"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> durations.convert(s), s);
            assertTrue(e.getMessage().contains("too long"), e.getMessage());
        }
    }
}
