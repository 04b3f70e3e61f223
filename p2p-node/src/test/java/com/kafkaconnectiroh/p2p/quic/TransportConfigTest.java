package com.kafkaconnectiroh.p2p.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Times in the transport config are Durations, checked when set and saying what came. */
class TransportConfigTest {

    @Test
    void timesSentAsTransportParametersMustBeWholeMilliseconds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransportConfig().maxAckDelay(Duration.ofNanos(25_500_000)));
        assertEquals("maxAckDelay must be whole milliseconds, got PT0.0255S", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TransportConfig().maxAckDelay(Duration.ofSeconds(17)));
        assertEquals("maxAckDelay must be 1..16383 ms, got PT17S", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TransportConfig().maxIdleTimeout(Duration.ofNanos(1)));
        assertEquals("maxIdleTimeout must be whole milliseconds, got PT0.000000001S", e.getMessage());
    }

    @Test
    void negativeZeroAndHugeDurationsAreRefusedWhereTheyMakeNoSense() {
        assertEquals("keepAliveInterval must not be negative, got PT-1S",
                assertThrows(IllegalArgumentException.class,
                        () -> new TransportConfig().keepAliveInterval(Duration.ofSeconds(-1))).getMessage());
        assertEquals("initialRtt must be positive, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> new TransportConfig().initialRtt(Duration.ZERO)).getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new TransportConfig().mtuReprobeInterval(Duration.ofDays(365L * 300)));
        assertThrows(IllegalArgumentException.class, () -> new TransportConfig().keepAliveInterval(null));
    }

    @Test
    void theIdleTimeoutAndAckDelayReachThePeerInMilliseconds() {
        TransportConfig c = new TransportConfig().maxIdleTimeout(Duration.ofSeconds(7))
                .maxAckDelay(Duration.ofMillis(40));
        Pair p = new Pair(61, c, new TransportConfig()).establish();
        assertEquals(7_000, p.server.peerTransportParameters().maxIdleTimeout);
        assertEquals(40, p.server.peerTransportParameters().maxAckDelay);
        assertEquals(Duration.ofSeconds(7), c.copy().maxIdleTimeout(), "copied with the rest");
    }
}
