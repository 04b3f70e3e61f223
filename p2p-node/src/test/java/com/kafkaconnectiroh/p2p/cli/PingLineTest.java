package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.kafkaconnectiroh.p2p.base.RelayUrl;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.PathInfo;
import com.kafkaconnectiroh.p2p.endpoint.PathType;
import com.kafkaconnectiroh.p2p.ping.Ping;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The path suffix of a PONG line for a connection that moved from the relay to a direct path (which a one-shot
 * ping rarely lives long enough to show, so the paths are given here as {@code Connection.paths()} reports them).
 */
class PingLineTest {
    static final RelayUrl RELAY = RelayUrl.parse("http://203.0.113.5:3340/");

    @Test
    void theActivePathComesFirstAndEveryOtherPathWithItsRtt() {
        PathInfo relay = new PathInfo(PathType.RELAY, new InetSocketAddress("fd6b:6369:7270:1::1", 7), RELAY, false,
                Duration.ofNanos(1_250_000), 4000, 3000, 4, 3);
        PathInfo direct = new PathInfo(PathType.DIRECT, new InetSocketAddress("192.0.2.7", 41641), null, true,
                Duration.ofNanos(520_000), 900, 800, 2, 2);
        PathInfo unmeasured = new PathInfo(PathType.DIRECT, new InetSocketAddress("198.51.100.9", 5000), null, false,
                null, 100, 0, 1, 0);
        Ping.Pong pong = new Ping.Pong(SecretKey.generate().publicKey(), relay.address(), Duration.ofMillis(9),
                Duration.ofMillis(1), List.of(relay, direct, unmeasured));
        assertEquals(", direct path rtt 0.52 ms, also relay http://203.0.113.5:3340/ rtt 1.25 ms, also direct "
                + "198.51.100.9:5000", PingCommand.paths(pong));
    }
}
