package com.kafkaconnectiroh.p2p.quic;

import java.util.ArrayList;
import java.util.List;

/** A simulator with one client connected to one server, with event logs per side. */
final class Pair {
    final Sim sim;
    final Sim.Node serverNode;
    final Sim.Node clientNode;
    final QuicConnection client;
    QuicConnection server;
    final List<ConnectionEvent> clientEvents = new ArrayList<>();
    final List<ConnectionEvent> serverEvents = new ArrayList<>();

    Pair(long seed, TransportConfig clientConfig, TransportConfig serverConfig) {
        this(new Sim(seed), clientConfig, serverConfig, new EndpointConfig());
    }

    Pair(Sim sim, TransportConfig clientConfig, TransportConfig serverConfig, EndpointConfig serverEndpoint) {
        this(sim, clientConfig, serverConfig, serverEndpoint, null);
    }

    Pair(Sim sim, TransportConfig clientConfig, TransportConfig serverConfig, EndpointConfig serverEndpoint,
         com.kafkaconnectiroh.p2p.tls.CipherSuite suite) {
        this.sim = sim;
        serverNode = sim.server(serverConfig, serverEndpoint, 4433);
        clientNode = sim.client(clientConfig, 5000);
        client = sim.connect(clientNode, serverNode, clientConfig, suite);
        sim.apps.add(s -> {
            if (server == null && !serverNode.accepted.isEmpty()) {
                server = serverNode.accepted.get(0);
            }
            ConnectionEvent e;
            while ((e = client.pollEvent()) != null) {
                clientEvents.add(e);
            }
            if (server != null) {
                while ((e = server.pollEvent()) != null) {
                    serverEvents.add(e);
                }
            }
        });
    }

    /** Runs until both sides have confirmed the handshake. */
    Pair establish() {
        sim.runUntil(() -> client.isHandshakeConfirmed() && server != null && server.isHandshakeConfirmed(),
                60_000_000_000L);
        return this;
    }

    static <T extends ConnectionEvent> List<T> of(List<ConnectionEvent> events, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (ConnectionEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }
}
