package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import com.kafkaconnectiroh.p2p.endpoint.PathTotals;
import java.util.function.ToLongFunction;

/**
 * The task node's paths as gauges, the same in both connectors: connections-direct, connections-relay (open
 * connections by the path they send on now), bytes-sent-direct, bytes-received-direct, bytes-sent-relay,
 * bytes-received-relay (QUIC datagram bytes since the node started), relay-online (1 while the home relay is
 * connected). The node is shared by the tasks of one identity, so these are the node's figures, not the task's.
 */
public final class NodePathMetrics {
    private NodePathMetrics() {
    }

    public static void register(TaskMetrics m, Endpoint endpoint) {
        gauge(m, endpoint, "connections-direct", "Open connections of the task's node that go direct now.",
                PathTotals::directConnections);
        gauge(m, endpoint, "connections-relay", "Open connections of the task's node that go through a relay now.",
                PathTotals::relayConnections);
        gauge(m, endpoint, "bytes-sent-direct", "QUIC bytes the task's node sent on direct paths.",
                PathTotals::directBytesSent);
        gauge(m, endpoint, "bytes-received-direct", "QUIC bytes the task's node received on direct paths.",
                PathTotals::directBytesReceived);
        gauge(m, endpoint, "bytes-sent-relay", "QUIC bytes the task's node sent through relays.",
                PathTotals::relayBytesSent);
        gauge(m, endpoint, "bytes-received-relay", "QUIC bytes the task's node received through relays.",
                PathTotals::relayBytesReceived);
        m.gauge("relay-online", "1 while the task's node is connected to its home relay.",
                () -> endpoint.isHomeRelayConnected() ? 1 : 0);
    }

    private static void gauge(TaskMetrics m, Endpoint endpoint, String name, String description,
                              ToLongFunction<PathTotals> field) {
        m.gauge(name, description, () -> field.applyAsLong(endpoint.pathTotals()));
    }
}
