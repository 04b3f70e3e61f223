package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Values that cannot mean anything are usage errors (exit 2, one line naming the option), not a stack trace or a
 * silent reinterpretation: an empty ALPN, and zero for any timeout or transfer time ({@code --timeout 0} used to
 * mean "no timeout", {@code speedtest --duration 0} "100 MiB"). Nothing is dialed: the options are refused first.
 */
@Timeout(60)
class CliUsageErrorsTest {
    private static final String TARGET = SecretKey.generate().publicKey() + "@127.0.0.1:9";

    private static void refused(String option, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '" + option + "'"), r.toString());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r);
        assertEquals("", r.out(), r.toString());
    }

    @Test
    void anEmptyOrOverlongAlpnIsAUsageError() {
        refused("--alpn", "speedtest", "connect", TARGET, "--alpn", "");
        refused("--alpn", "speedtest", "connect", TARGET, "--alpn", "a".repeat(256));
    }

    @Test
    void zeroIsNoTimeoutOrTransferTime() {
        refused("--timeout", "speedtest", "connect", TARGET, "--timeout", "0");
        refused("--duration", "speedtest", "connect", TARGET, "--duration", "0");
        refused("--duration", "speedtest", "connect", TARGET, "--duration", "0.5ns");
        refused("--timeout", "ping", TARGET, "--timeout", "0ms");
        refused("--join-timeout", "gossip", "subscribe", "--topic", "t", "--join-timeout", "0");
        refused("--join-timeout", "gossip", "publish", "--topic", "t", "--peer", TARGET, "--join-timeout", "0", "m");
    }

    @Test
    void negativeDurationsAreUsageErrors() {
        refused("--timeout", "ping", TARGET, "--timeout", "-1s");
        refused("--interval", "ping", TARGET, "--interval", "-1s");
    }
}
