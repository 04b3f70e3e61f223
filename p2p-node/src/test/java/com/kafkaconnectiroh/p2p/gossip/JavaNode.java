package com.kafkaconnectiroh.p2p.gossip;

import static com.kafkaconnectiroh.p2p.Fixtures.LOOPBACK;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.Router;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.util.Set;
import java.util.function.UnaryOperator;

/** A Java gossip node for tests: a {@link Node} on loopback running gossip alone (1 s keep-alives, as iroh). */
final class JavaNode implements AutoCloseable {
    final Node node;
    final Endpoint endpoint;
    final Gossip gossip;
    final Router router;

    private JavaNode(Node node) {
        this.node = node;
        this.endpoint = node.endpoint();
        this.gossip = node.gossip();
        this.router = node.router();
    }

    static JavaNode start() throws IOException {
        return start(b -> b);
    }

    static JavaNode start(UnaryOperator<Gossip.Builder> configure) throws IOException {
        return start(SecretKey.generate(), configure);
    }

    static JavaNode start(SecretKey key, UnaryOperator<Gossip.Builder> configure) throws IOException {
        return new JavaNode(Node.builder().bindAddr(LOOPBACK).secretKey(key).protocols(Set.of(Node.Protocol.GOSSIP))
                .gossip(configure::apply).spawn());
    }

    EndpointId id() {
        return endpoint.id();
    }

    EndpointAddr addr() {
        return endpoint.addr();
    }

    @Override
    public void close() {
        node.close();
    }

    @Override
    public String toString() {
        return "JavaNode[" + id().fmtShort() + "]";
    }
}
