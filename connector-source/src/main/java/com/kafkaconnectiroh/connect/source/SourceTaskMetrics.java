package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.NodePathMetrics;
import com.kafkaconnectiroh.connect.common.TaskMetrics;
import com.kafkaconnectiroh.p2p.endpoint.Endpoint;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The source task's counters (all since task start) and gauges, reported as {@code iroh-source-task-metrics}:
 * messages-received, records-emitted, messages-duplicate, messages-dropped (gossip dropped them because the task
 * was behind), buffer-bytes, buffer-records, blob-bytes-fetched, blob-fetches, blob-fetch-failures, neighbors, and the node's
 * paths ({@link NodePathMetrics}).
 */
final class SourceTaskMetrics implements AutoCloseable {
    final LongAdder received = new LongAdder();
    final LongAdder emitted = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder blobBytesFetched = new LongAdder();
    final LongAdder blobFetches = new LongAdder();
    final LongAdder blobFetchFailures = new LongAdder();
    final LongAdder malformedEnvelopes = new LongAdder();
    private TaskMetrics metrics;

    /** Reports the counters and these gauges through {@code metrics} (closed with this). */
    void register(TaskMetrics metrics, RecordBuffer buffer, LongSupplier dropped, LongSupplier neighbors,
                  Endpoint endpoint) {
        this.metrics = metrics;
        metrics.gauge("messages-received", "Gossip messages received on the task's topics.", received::sum);
        metrics.gauge("records-emitted", "Records handed to Kafka by poll().", emitted::sum);
        metrics.gauge("messages-duplicate", "Messages dropped as repeats (same message id, or an envelope whose origin "
                + "offset was seen).", duplicates::sum);
        metrics.gauge("messages-dropped", "Messages gossip dropped for this task because its buffer was full "
                + "(Kafka slower than the network).", dropped::getAsLong);
        metrics.gauge("buffer-bytes", "Bytes of records waiting for poll() or being fetched.", buffer::bytes);
        metrics.gauge("buffer-records", "Records waiting for poll().", buffer::records);
        metrics.gauge("blob-bytes-fetched", "Verified blob bytes fetched into record values.", blobBytesFetched::sum);
        metrics.gauge("blob-fetches", "Blobs fetched.", blobFetches::sum);
        metrics.gauge("blob-fetch-failures", "Blobs that could not be fetched within blob.fetch.timeout.ms.",
                blobFetchFailures::sum);
        metrics.gauge("envelopes-malformed", "Messages that start like an envelope but do not decode.",
                malformedEnvelopes::sum);
        metrics.gauge("neighbors", "Gossip neighbors over all of the task's topics.", neighbors::getAsLong);
        NodePathMetrics.register(metrics, endpoint);
    }

    String registryKind() {
        return metrics == null ? "none" : metrics.registryKind();
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
    }
}
