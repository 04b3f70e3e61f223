package com.kafkaconnectiroh.p2p.endpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.interop.Behaviour;
import com.kafkaconnectiroh.p2p.interop.IrohPeer;
import com.kafkaconnectiroh.p2p.interop.IrohVersion;
import com.kafkaconnectiroh.p2p.interop.Pattern;
import com.kafkaconnectiroh.p2p.interop.PeerOption;
import com.kafkaconnectiroh.p2p.quic.EndpointConfig;
import com.kafkaconnectiroh.p2p.quic.HalfOpenStats;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Retry under load only helps if real clients answer it: real iroh 1.0.2 and 0.35.0 nodes (the npm harness) dial
 * an endpoint that demands a Retry from everyone (the load threshold forced to 0) and exchange data over it, and
 * learn at once when we refuse their token (INVALID_TOKEN). And our client answers a real iroh 1.x server's Retry
 * (the harness's {@code --retry}; the 0.35 binding cannot send one).
 */
@Tag("iroh-interop")
@Timeout(120)
class IrohRetryInteropTest {

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohAnswersOurRetryAndConnects(IrohVersion v) throws Exception {
        try (Endpoint java = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                .endpointConfig(new EndpointConfig().retryThreshold(0)).bind();
             Router router = Router.builder(java).accept(EndpointTest.ECHO, EchoHandler.INSTANCE).spawn();
             IrohPeer iroh = IrohPeer.start(v, PeerOption.name("retry-" + v.harnessArg()))) {
            ObjectNode addr = IrohPeer.params("id", java.id().toString());
            addr.putArray("addrs").add(SocketAddrs.format(java.boundAddress()));
            int conn = iroh.call("connect", "addr", addr, "alpn", EndpointTest.ECHO).get("conn").asInt();
            JsonNode r = iroh.call("echo-test", "conn", conn, "sizes", List.of(1, 100_000), "seed", 3);
            assertTrue(r.path("allOk").asBoolean(), r.toString());

            HalfOpenStats s = java.halfOpenStats();
            assertTrue(s.underLoad(), s.toString());
            assertTrue(s.retries() >= 1, "iroh was asked for a Retry: " + s);
            assertEquals(1, s.peakCount(), "and came back with the token, once: " + s);
            iroh.call("close", "conn", conn, "code", 0, "reason", "done");
        }
    }

    @ParameterizedTest
    @EnumSource(IrohVersion.class)
    void irohIsToldAtOnceWhenWeRefuseItsToken(IrohVersion v) throws Exception {
        // a token lifetime of 1 ns: iroh's answer to our Retry always comes too late
        try (Endpoint java = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                .endpointConfig(new EndpointConfig().retry(true).retryTokenLifetimeNanos(1)).bind();
             IrohPeer iroh = IrohPeer.start(v, PeerOption.name("refused-" + v.harnessArg()))) {
            ObjectNode addr = IrohPeer.params("id", java.id().toString());
            addr.putArray("addrs").add(SocketAddrs.format(java.boundAddress()));
            JsonNode r = iroh.attempt("connect", IrohPeer.params("addr", addr, "alpn", EndpointTest.ECHO,
                    "timeoutMs", 20_000), Duration.ofSeconds(30));
            // failed, and before the harness's 20 s (iroh alone would retransmit until its handshake timed out)
            assertTrue(!r.path("ok").asBoolean() && !r.path("timeout").asBoolean(), r.toString());
            if (v == IrohVersion.V1) { // 0.35 only says "failed connecting to remote endpoint"
                assertTrue(r.path("error").asText().contains("invalid Retry Token"), r.toString());
            }
            assertTrue(java.halfOpenStats().invalidTokens() >= 1, java.halfOpenStats().toString());
        }
    }

    @Test
    void ourClientAnswersIrohsRetryAndConnects() throws Exception {
        try (IrohPeer iroh = IrohPeer.start(IrohVersion.V1, PeerOption.name("retry-server"), PeerOption.retry(),
                PeerOption.alpn(EndpointTest.ECHO, Behaviour.ECHO));
             Endpoint java = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).bind()) {
            List<InetSocketAddress> addrs = iroh.addrs().stream().map(SocketAddrs::parse).toList();
            Connection c = java.connect(EndpointAddr.of(iroh.endpointId(), null, addrs), EndpointTest.ECHO,
                    Duration.ofSeconds(20));
            JsonNode retry = iroh.awaitEvent("retry-sent", e -> true, Duration.ofSeconds(10));
            assertEquals(SocketAddrs.format(java.boundAddress()), retry.path("from").path("addr").asText(),
                    "iroh sent its Retry to us: " + retry);
            byte[] data = Pattern.bytes(5, 100_000);
            assertArrayEquals(data, IrohEndpointInteropTest.echo(c, data));
            c.close(0, "done");
        }
    }
}
