package com.kafkaconnectiroh.connect.sink;

import com.kafkaconnectiroh.connect.common.NodePathMetrics;
import com.kafkaconnectiroh.connect.common.TaskMetrics;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The sink task's counters (since task start) and gauges, reported as {@code iroh-sink-task-metrics}: records-received,
 * records-delivered, records-skipped, records-errant, broadcasts, rebroadcasts, in-flight-records, in-flight-bytes,
 * blobs-added, blob-bytes-added, blobs-kept, blob-bytes-kept, blobs-evicted, neighbors, paused, and the node's paths
 * ({@link NodePathMetrics}).
 */
final class SinkTaskMetrics implements AutoCloseable {
    final LongAdder received = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder errant = new LongAdder();
    private TaskMetrics metrics;

    void register(TaskMetrics m, GossipPublisher publisher, SinkBlobs blobs, OffsetTracker tracker,
                  LongSupplier paused, Endpoint endpoint) {
        this.metrics = m;
        m.gauge("records-received", "Records put() received.", received::sum);
        m.gauge("records-delivered", "Records whose broadcast was delivered by the rule of delivery.min.neighbors.",
                publisher.delivered::sum);
        m.gauge("records-skipped", "Records not broadcast by rule (tombstones in raw format, the loop guard).",
                skipped::sum);
        m.gauge("records-errant", "Records sent to the errant record reporter (the DLQ).", errant::sum);
        m.gauge("broadcasts", "First broadcasts.", publisher.broadcasts::sum);
        m.gauge("rebroadcasts", "Broadcasts repeated because the first was not delivered.", publisher.rebroadcasts::sum);
        m.gauge("in-flight-records", "Records broadcast but not yet delivered.", tracker::inFlight);
        m.gauge("in-flight-bytes", "Message bytes broadcast but not yet delivered.", tracker::inFlightBytes);
        m.gauge("blobs-added", "Values added to the blob store.", blobs.added::sum);
        m.gauge("blob-bytes-added", "Bytes of values added to the blob store.", blobs.addedBytes::sum);
        m.gauge("blobs-kept", "Blobs kept for peers to fetch.", blobs::keptCount);
        m.gauge("blob-bytes-kept", "Bytes of blobs kept for peers to fetch.", blobs::keptBytes);
        m.gauge("blobs-evicted", "Blobs released before their retention because of blob.store.max.bytes.",
                blobs.evicted::sum);
        m.gauge("neighbors", "Gossip neighbors over all topics this task broadcasts on.", publisher::neighbors);
        m.gauge("paused", "1 while the task paused its partitions (deliveries behind).", paused::getAsLong);
        NodePathMetrics.register(m, endpoint);
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
