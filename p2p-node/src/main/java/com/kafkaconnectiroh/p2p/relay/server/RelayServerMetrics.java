package com.kafkaconnectiroh.p2p.relay.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A relay server's counters (updated from every event loop without locks) and gauges; {@link #snapshot()} for
 * programs and tests, {@link #prometheusText()} for {@code GET /metrics}.
 */
public final class RelayServerMetrics {
    final LongAdder connectionsAccepted = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder httpRequests = new LongAdder();
    final LongAdder upgrades = new LongAdder();
    final LongAdder clientsAuthenticated = new LongAdder();
    final LongAdder clientsDenied = new LongAdder();
    final LongAdder handshakesFailed = new LongAdder();
    final LongAdder clientsReplaced = new LongAdder();
    final LongAdder datagramFramesReceived = new LongAdder();
    final LongAdder datagramBytesReceived = new LongAdder();
    final LongAdder datagramFramesForwarded = new LongAdder();
    final LongAdder datagramBytesForwarded = new LongAdder();
    final LongAdder droppedUnknownDestination = new LongAdder();
    final LongAdder droppedQueueFull = new LongAdder();
    final LongAdder endpointGoneSent = new LongAdder();
    final LongAdder disconnectsSlowReader = new LongAdder();
    final LongAdder disconnectsProtocol = new LongAdder();
    final LongAdder disconnectsTimeout = new LongAdder();
    final LongAdder rateLimitPauses = new LongAdder();
    private final ServerGauges gauges;

    /** Live values the server reads when asked. */
    interface ServerGauges {
        int connections();

        int clients();

        long queuedBytes();

        long socketPendingBytes();
    }

    RelayServerMetrics(ServerGauges gauges) {
        this.gauges = gauges;
    }

    /** Every counter and gauge by name (the names of {@link #prometheusText()} without the {@code relay_} prefix). */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("connections_open", (long) gauges.connections());
        m.put("clients_connected", (long) gauges.clients());
        m.put("queued_bytes", gauges.queuedBytes());
        m.put("socket_pending_bytes", gauges.socketPendingBytes());
        m.put("connections_accepted_total", connectionsAccepted.sum());
        m.put("connections_refused_total", connectionsRefused.sum());
        m.put("http_requests_total", httpRequests.sum());
        m.put("websocket_upgrades_total", upgrades.sum());
        m.put("clients_authenticated_total", clientsAuthenticated.sum());
        m.put("clients_denied_total", clientsDenied.sum());
        m.put("handshakes_failed_total", handshakesFailed.sum());
        m.put("clients_replaced_total", clientsReplaced.sum());
        m.put("datagram_frames_received_total", datagramFramesReceived.sum());
        m.put("datagram_bytes_received_total", datagramBytesReceived.sum());
        m.put("datagram_frames_forwarded_total", datagramFramesForwarded.sum());
        m.put("datagram_bytes_forwarded_total", datagramBytesForwarded.sum());
        m.put("datagrams_dropped_unknown_destination_total", droppedUnknownDestination.sum());
        m.put("datagrams_dropped_queue_full_total", droppedQueueFull.sum());
        m.put("endpoint_gone_sent_total", endpointGoneSent.sum());
        m.put("disconnects_slow_reader_total", disconnectsSlowReader.sum());
        m.put("disconnects_protocol_error_total", disconnectsProtocol.sum());
        m.put("disconnects_timeout_total", disconnectsTimeout.sum());
        m.put("rate_limit_pauses_total", rateLimitPauses.sum());
        return m;
    }

    /** The Prometheus text exposition format (version 0.0.4): gauges and counters, {@code relay_} prefixed. */
    public String prometheusText() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Long> e : snapshot().entrySet()) {
            String name = "relay_" + e.getKey();
            sb.append("# TYPE ").append(name).append(name.endsWith("_total") ? " counter\n" : " gauge\n");
            sb.append(name).append(' ').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /** One line for logs: the figures that change. */
    @Override
    public String toString() {
        Map<String, Long> m = snapshot();
        return "clients " + m.get("clients_connected") + ", connections " + m.get("connections_open")
                + ", forwarded " + m.get("datagram_frames_forwarded_total") + " datagram frames ("
                + m.get("datagram_bytes_forwarded_total") + " bytes), dropped " + m.get("datagrams_dropped_queue_full_total")
                + " (queue full) + " + m.get("datagrams_dropped_unknown_destination_total") + " (unknown destination), denied "
                + m.get("clients_denied_total") + ", slow readers dropped " + m.get("disconnects_slow_reader_total");
    }
}
