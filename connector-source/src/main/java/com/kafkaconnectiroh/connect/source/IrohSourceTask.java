package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.MdcThreads;
import com.kafkaconnectiroh.connect.common.TaskMetrics;
import com.kafkaconnectiroh.connect.common.TaskNodes;
import com.kafkaconnectiroh.connect.common.Version;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs (or shares) the embedded iroh node for its identity, subscribes to its gossip topics, and hands what arrives
 * to Kafka from {@link #poll()}, which returns within {@code poll.timeout.ms} whether or not anything came.
 */
public final class IrohSourceTask extends SourceTask {
    private static final Logger LOG = LoggerFactory.getLogger(IrohSourceTask.class);

    private IrohSourceTaskConfig config;
    private TaskNodes.Lease lease;
    private RecordBuffer buffer;
    private BlobFetcher fetcher;
    private SourceKind source;
    private SourceTaskMetrics metrics;
    private volatile boolean stopping;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new IrohSourceTaskConfig(props);
        int index = config.taskIndex();
        try {
            lease = TaskNodes.acquireForTask(config, index, "source");
            Node node = lease.node();
            MdcThreads threads = new MdcThreads("iroh-source-" + config.connectorName() + "-" + index);
            buffer = new RecordBuffer(config.bufferMaxBytes(), config.bufferMaxRecords());
            fetcher = new BlobFetcher(node.blobs(), config.blobFetchConcurrency(), config.blobFetchTimeout(),
                    config.reconnectBackoff(), config.peers(), threads);
            metrics = new SourceTaskMetrics();
            List<SourceKind> kinds = new java.util.ArrayList<>();
            if (!config.assignedTopics().isEmpty()) {
                kinds.add(new GossipSource(config, node.gossip(), buffer, metrics, fetcher, threads));
            }
            if (!config.assignedDocs().isEmpty()) {
                kinds.add(new DocsSource(config, node, buffer, metrics, context.offsetStorageReader(), threads));
            }
            source = new SourceKinds(kinds);
            SourceKind s = source;
            metrics.register(new TaskMetrics(() -> context.pluginMetrics(), "iroh-source-task-metrics",
                    config.connectorName(), index), buffer, s::dropped, s::neighbors, node.endpoint());
            source.start();
        } catch (IOException e) {
            closeAll();
            throw new ConnectException("iroh source task " + index + " could not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeAll();
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while starting", e);
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        source.checkHealth();
        List<SourceRecord> out = buffer.drain(config.pollMaxRecords(), TimeUnit.MILLISECONDS.toNanos(
                config.pollTimeout().toMillis()));
        if (out.isEmpty()) {
            source.checkHealth();
            return null;
        }
        metrics.emitted.add(out.size());
        return out;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        // Gossip records carry no offsets: nothing to advance.
    }

    /** Called by the worker from another thread: wake poll(), close each resource once. */
    @Override
    public void stop() {
        stopping = true;
        if (buffer != null) {
            buffer.close();
        }
        closeAll();
    }

    private synchronized void closeAll() {
        if (source != null) {
            source.close();
            source = new SourceKinds(List.of()); // poll() after stop sees an idle source
        }
        if (fetcher != null) {
            fetcher.close();
            fetcher = null;
        }
        if (metrics != null) {
            metrics.close();
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
