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
        this(sim, sim.server(serverConfig, serverEndpoint, 4433), sim.client(clientConfig, 5000), clientConfig, suite,
                null);
    }

    /** A pair on nodes made by the caller; the client dials {@code dialTo}, or the server's address if null. */
    Pair(Sim sim, Sim.Node serverNode, Sim.Node clientNode, TransportConfig clientConfig,
         com.kafkaconnectiroh.p2p.tls.CipherSuite suite, java.net.InetSocketAddress dialTo) {
        this.sim = sim;
        this.serverNode = serverNode;
        this.clientNode = clientNode;
        client = sim.connect(clientNode, serverNode, dialTo == null ? serverNode.addr : dialTo, clientConfig, suite);
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

    /**
     * Writes {@code bytes} of pattern on a new stream {@code from} one side and reads them on the other; the
     * reader is in the returned slot once the peer accepted the stream.
     */
    Patterns.Reader[] stream(QuicConnection from, boolean bidi, long bytes) {
        long id = bidi ? from.openBi() : from.openUni();
        sim.apps.add(new Patterns.Writer(from, id, bytes));
        Patterns.Reader[] r = new Patterns.Reader[1];
        sim.apps.add(s -> {
            QuicConnection to = from == client ? server : client;
            if (r[0] == null) {
                long sid = bidi ? to.acceptBi() : to.acceptUni();
                if (sid >= 0) {
                    r[0] = new Patterns.Reader(to, sid);
                    s.apps.add(r[0]);
                }
            }
        });
        return r;
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
