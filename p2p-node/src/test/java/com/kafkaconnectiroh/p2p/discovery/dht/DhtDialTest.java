package com.kafkaconnectiroh.p2p.discovery.dht;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.discovery.pkarr.IrohRecord;
import com.kafkaconnectiroh.p2p.discovery.pkarr.Timestamps;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.ping.Ping;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Java endpoint dials another knowing only its id: the other published its pkarr record into a small DHT of our
 * nodes on 127.0.0.1 (as iroh's mainline address lookup does), the dialer's {@link DhtDiscovery} finds it.
 */
@Timeout(120)
class DhtDialTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T t) {
        closeables.add(t);
        return t;
    }

    private List<DhtNode> swarm(int n) throws Exception {
        List<DhtNode> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<InetSocketAddress> bootstrap = nodes.isEmpty() ? List.of() : List.of(nodes.get(0).localAddress());
            nodes.add(track(DhtNode.builder().bind(new InetSocketAddress("127.0.0.1", 0)).bootstrap(bootstrap)
                    .queryTimeout(Duration.ofSeconds(3)).start()));
        }
        for (DhtNode d : nodes) {
            d.bootstrap().get(30, TimeUnit.SECONDS);
        }
        return nodes;
    }

    @Test
    void dialsABareIdFoundInTheDht() throws Exception {
        List<DhtNode> dht = swarm(8);
        for (DhtNode d : dht) {
            assertTrue(d.routingTableSize() >= 3, "node knows only " + d.routingTableSize());
        }
        Endpoint server = track(Endpoint.builder().bindAddr(LOOPBACK).bind());
        track(Router.builder(server).accept(Ping.ALPN, new Ping()).spawn());
        // The server publishes through its own DHT node, as iroh does: its direct addresses, re-put periodically.
        EndpointAddr own = server.addr();
        track(DhtDiscovery.over(dht.get(7), server.secretKey())).publish(own);

        EndpointId bareId = server.id();
        DhtDiscovery lookup = track(DhtDiscovery.over(dht.get(1), SecretKey.generate()));
        Optional<EndpointAddr> found = Optional.empty();
        for (int i = 0; i < 30 && found.isEmpty(); i++) { // until the first publish has landed
            found = lookup.resolve(bareId).get(30, TimeUnit.SECONDS);
            if (found.isEmpty()) {
                Thread.sleep(200);
            }
        }
        assertTrue(found.isPresent(), "no record of " + bareId + " in the DHT");
        assertEquals(own.ipAddrs(), found.get().ipAddrs());

        // the endpoint asks the same lookup when a dial has nothing to try: a ping by the bare id alone
        Endpoint client = track(Endpoint.builder().bindAddr(LOOPBACK).addressLookup(lookup).bind());
        Ping.Pong pong = new Ping().ping(client, EndpointAddr.of(bareId), Duration.ofSeconds(20));
        assertEquals(bareId, pong.remote());
    }

    @Test
    void findsTheProviderOfABlobAndDialsIt() throws Exception {
        List<DhtNode> dht = swarm(6);
        Endpoint server = track(Endpoint.builder().bindAddr(LOOPBACK).bind());
        track(Router.builder(server).accept(Ping.ALPN, new Ping()).spawn());
        DhtNode serverDht = dht.get(5);
        byte[] blob = new byte[32];
        blob[0] = 7;
        // Without its endpoint's record, a DHT node cannot announce a provider (finders could not learn the id).
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> serverDht.announceProvider(blob).get(30, TimeUnit.SECONDS));
        assertTrue(DhtNode.rootCause(e) instanceof IllegalStateException, e.toString());

        serverDht.serveRecord(IrohRecord.of(server.addr()).sign(server.secretKey(), Timestamps.nowMicros(), IrohRecord.DEFAULT_TTL));
        assertTrue(serverDht.announceProvider(blob).get(30, TimeUnit.SECONDS) >= 1);
        List<EndpointAddr> providers = dht.get(1).findProviders(blob).get(30, TimeUnit.SECONDS);
        assertEquals(1, providers.size(), providers.toString());
        assertEquals(server.id(), providers.get(0).id());

        Endpoint client = track(Endpoint.builder().bindAddr(LOOPBACK).bind());
        assertEquals(server.id(), new Ping().ping(client, providers.get(0), Duration.ofSeconds(10)).remote());
    }
}
