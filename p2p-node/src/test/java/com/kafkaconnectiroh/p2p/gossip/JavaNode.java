package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.quic.TransportConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A Java gossip node for tests: endpoint on loopback, gossip, router. */
final class JavaNode implements AutoCloseable {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    final Endpoint endpoint;
    final Gossip gossip;
    final Router router;

    private JavaNode(Endpoint endpoint, Gossip gossip, Router router) {
        this.endpoint = endpoint;
        this.gossip = gossip;
        this.router = router;
    }

    static JavaNode start() throws IOException {
        return start(b -> b);
    }

    static JavaNode start(UnaryOperator<Gossip.Builder> configure) throws IOException {
        return start(SecretKey.generate(), configure);
    }

    static JavaNode start(SecretKey key, UnaryOperator<Gossip.Builder> configure) throws IOException {
        Endpoint ep = Endpoint.builder().bindAddr(LOOPBACK).secretKey(key)
                .transportConfig(new TransportConfig().keepAliveInterval(Duration.ofSeconds(1)))
                .bind();
        Gossip g = configure.apply(Gossip.builder()).spawn(ep);
        Router r = g.registerWith(Router.builder(ep)).spawn();
        return new JavaNode(ep, g, r);
    }

    EndpointId id() {
        return endpoint.id();
    }

    EndpointAddr addr() {
        return endpoint.addr();
    }

    @Override
    public void close() {
        router.close();
    }

    @Override
    public String toString() {
        return "JavaNode[" + id().fmtShort() + "]";
    }
}
