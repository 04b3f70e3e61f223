package com.kafkaconnectiroh.p2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddrs;
import com.kafkaconnectiroh.p2p.base.Hex;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.base.SocketAddrs;
import com.kafkaconnectiroh.p2p.endpoint.BiStream;
import com.kafkaconnectiroh.p2p.endpoint.Connection;
import com.kafkaconnectiroh.p2p.endpoint.ConnectionClose;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node killed -9 and started again with the same key and address (a connector task after a worker crash) resets
 * the connections of its previous life when their peer sends into them: the peer learns at once that the
 * connection is gone, instead of after its idle timeout. Without a reset secret derived from the key, the restarted
 * node could not produce the tokens its previous life handed out, and the peer would wait the idle timeout.
 */
@Timeout(120)
class RestartedPeerResetTest {
    @Test
    void aNodeRestartedWithTheSameKeyResetsConnectionsOfItsPreviousLife() throws Exception {
        SecretKey key = SecretKey.generate();
        String secret = Hex.encode(key.toBytes());
        try (Endpoint client = Endpoint.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0))
                // longer than the test waits: only a reset can end the connection in time
                .transportConfig(new TransportConfig().maxIdleTimeout(Duration.ofMillis(300_000))).bind()) {
            InetSocketAddress bound;
            Connection conn;
            try (CliProcess first = CliProcess.start("serve", "--bind", "127.0.0.1:0", "--secret", secret)) {
                bound = SocketAddrs.parse(first.awaitAddressLines(Duration.ofSeconds(30)).get("bound"));
                conn = client.connect(EndpointAddrs.parse(key.publicKey() + "@127.0.0.1:" + bound.getPort()),
                        "iroh/ping/0");
                BiStream s = conn.openBi();
                s.send().writeAll(new byte[32]);
                s.send().finish();
                first.send("KILL");
                first.awaitExit(Duration.ofSeconds(30)); // kill -9: no CONNECTION_CLOSE
            }
            try (CliProcess second = CliProcess.start("serve", "--bind", "127.0.0.1:" + bound.getPort(),
                    "--secret", secret)) {
                second.awaitAddressLines(Duration.ofSeconds(30));
                assertTrue(!conn.closed().isDone(), "nothing told the client yet");
                BiStream s = conn.openBi();
                s.send().writeAll(new byte[32]); // lands at the new process, which knows no such connection
                ConnectionClose close = conn.closed().get(60, TimeUnit.SECONDS);
                assertEquals(ConnectionClose.Kind.RESET, close.kind(), close.toString());
                assertTrue(close.byPeer());
                // and the new life answers a new connection as the same node
                Connection again = client.connect(EndpointAddrs.parse(key.publicKey() + "@127.0.0.1:" + bound.getPort()),
                        "iroh/ping/0");
                assertEquals(key.publicKey(), again.remoteId());
                again.close();
            }
        }
    }
}
