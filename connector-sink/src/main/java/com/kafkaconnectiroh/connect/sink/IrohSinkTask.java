package com.kafkaconnectiroh.connect.sink;

import com.kafkaconnectiroh.connect.common.BridgeHeaders;
import com.kafkaconnectiroh.connect.common.GossipSupervisor;
import com.kafkaconnectiroh.connect.common.MdcThreads;
import com.kafkaconnectiroh.connect.common.TaskMetrics;
import com.kafkaconnectiroh.connect.common.TaskNodes;
import com.kafkaconnectiroh.connect.common.Version;
import com.kafkaconnectiroh.p2p.gossip.DeliveryPolicy;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcasts each record on its gossip topic and tells the framework, in {@link #preCommit}, only the offsets of
 * records handed off for real: delivered by the rule of {@code delivery.min.neighbors}, skipped by a documented
 * rule, or accepted by the errant record reporter. Delivery is at least once: a record whose broadcast is not
 * delivered is broadcast again, and after a crash the framework redelivers from the last committed offset. When
 * deliveries fall behind ({@code delivery.max.in.flight.*}) the task pauses its partitions instead of buffering.
 */
public final class IrohSinkTask extends SinkTask {
    private static final Logger LOG = LoggerFactory.getLogger(IrohSinkTask.class);
    /** How often blobs past their retention are released. */
    static final long SWEEP_EVERY_MS = 60_000;

    private IrohSinkTaskConfig config;
    private TaskNodes.Lease lease;
    private ScheduledExecutorService scheduler;
    private GossipSupervisor supervisor;
    private GossipPublisher publisher;
    private SinkBlobs blobs;
    private SinkMessages messages;
    private final OffsetTracker tracker = new OffsetTracker();
    /** Kafka topic → gossip topic: the template and BLAKE3 once per topic, not per record. */
    private final Map<String, TopicId> gossipTopics = new java.util.HashMap<>();
    private final SinkTaskMetrics metrics = new SinkTaskMetrics();
    private ErrantRecordReporter reporter;
    /** sink.mode=doc: the document the records go into; null in gossip mode. */
    private DocWriter docWriter;
    private volatile String outage;
    private volatile boolean paused;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new IrohSinkTaskConfig(props);
        int index = config.taskIndex();
        try {
            lease = TaskNodes.acquireForTask(config, index, "sink");
            Node node = lease.node();
            MdcThreads threads = new MdcThreads("iroh-sink-" + config.connectorName() + "-" + index);
            scheduler = Executors.newSingleThreadScheduledExecutor(threads);
            supervisor = new GossipSupervisor(config.peers(), config.reconnectBackoff(), config.outageTimeout(),
                    why -> outage = why, threads);
            DeliveryPolicy policy = config.minNeighbors() == 0 ? null
                    : DeliveryPolicy.atLeast(config.minNeighbors()).withTimeout(config.deliveryTimeout());
            publisher = new GossipPublisher(node.gossip(), config.peers(), policy, config.reconnectBackoff(), scheduler,
                    supervisor);
            if (config.docMode()) {
                docWriter = DocWriter.open(config, node);
            }
            blobs = new SinkBlobs(node.blobs(), config.blobRetention(), config.blobStoreMaxBytes(), node::addr);
            scheduler.scheduleWithFixedDelay(blobs::sweep, SWEEP_EVERY_MS, SWEEP_EVERY_MS, TimeUnit.MILLISECONDS);
            messages = new SinkMessages(config.format(), config.blobThreshold(), node.gossip().maxContentSize());
            reporter = errantRecordReporter();
            metrics.register(new TaskMetrics(() -> context.pluginMetrics(), "iroh-sink-task-metrics",
                    config.connectorName(), index), publisher, blobs, tracker, () -> paused ? 1 : 0,
                    node.endpoint());
        } catch (IOException e) {
            closeAll();
            throw new ConnectException("iroh sink task " + index + " could not start: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            closeAll();
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while starting", e);
        } catch (RuntimeException e) {
            closeAll();
            throw e;
        }
    }

    /** Workers before Kafka 2.6 have no errant record reporter; {@code null} also means none is configured. */
    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null;
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (docWriter != null) {
            putIntoDoc(records);
            return;
        }
        String down = outage;
        if (down != null && tracker.inFlight() > 0) {
            throw new ConnectException(down + "; " + tracker.inFlight() + " record(s) are still undelivered (their "
                    + "offsets are not committed and they come again after a restart)");
        }
        for (SinkRecord r : records) {
            metrics.received.increment();
            TopicPartition tp = new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
            long offset = r.originalKafkaOffset();
            TopicId topic = gossipTopics.computeIfAbsent(r.topic(), config::gossipTopic);
            if (config.loopGuard() && cameFrom(r, topic)) {
                skip(tp, offset);
                continue;
            }
            try {
                SinkMessages.Outgoing out = messages.build(r, blobs::add);
                if (out instanceof SinkMessages.Send send) {
                    tracker.add(tp, offset, publisher.publish(topic, send.message()), send.message().length);
                } else {
                    skip(tp, offset);
                }
            } catch (BadRecordException e) {
                errant(r, tp, offset, e);
            } catch (IOException e) {
                // The blob store failed (a full disk, say): nothing of this record was sent; the framework hands the
                // batch back after the timeout (records before it in the batch go again: at least once).
                context.timeout(config.reconnectBackoff().initial().toMillis() * 5);
                throw new RetriableException("could not store a value of " + tp + "@" + offset + " as a blob: "
                        + e.getMessage(), e);
            }
        }
        applyBackpressure();
    }

    /**
     * sink.mode=doc: one batch for the whole put, with the next offset of each partition in the document's metadata;
     * records without a key, or with a value that is not bytes, go to the errant record reporter first (their offsets
     * are in the batch too, so they are not reported again after a restart).
     */
    private void putIntoDoc(Collection<SinkRecord> records) {
        DocWriter.Batch batch = docWriter.batch();
        Map<TopicPartition, Long> next = new java.util.LinkedHashMap<>();
        List<Future<Void>> reported = new java.util.ArrayList<>();
        for (SinkRecord r : records) {
            metrics.received.increment();
            TopicPartition tp = new TopicPartition(r.originalTopic(), r.originalKafkaPartition());
            next.put(tp, r.originalKafkaOffset() + 1);
            try {
                byte[] key = RecordBytes.key(r);
                if (key == null) {
                    throw new BadRecordException("a record without a key cannot become a document entry (the key is "
                            + "the entry key)");
                }
                byte[] value = RecordBytes.value(r);
                if (value == null || value.length == 0) {
                    batch.delete(key); // iroh-docs has no empty entries: an empty value deletes, as a tombstone
                } else {
                    batch.set(key, value);
                }
            } catch (BadRecordException e) {
                if (reporter == null) {
                    throw new ConnectException("record " + tp + "@" + r.originalKafkaOffset() + " cannot be written: "
                            + e.getMessage() + " (with errors.tolerance=all and errors.deadletterqueue.topic.name "
                            + "such records go to a dead letter queue instead)", e);
                }
                metrics.errant.increment();
                reported.add(reporter.report(r, e));
            } catch (IOException e) {
                context.timeout(config.reconnectBackoff().initial().toMillis() * 5);
                throw new RetriableException("could not store a value of " + tp + "@" + r.originalKafkaOffset()
                        + ": " + e.getMessage(), e);
            } catch (com.kafkaconnectiroh.p2p.docs.store.InsertException e) {
                throw new ConnectException("document " + docWriter.doc().id() + " refused a write: " + e.getMessage(), e);
            }
        }
        for (Future<Void> f : reported) {
            try {
                f.get(); // the DLQ holds them before the document says they were handled
            } catch (Exception e) {
                throw new RetriableException("the errant record reporter failed: " + e.getMessage(), e);
            }
        }
        next.forEach(batch::offset);
        try {
            batch.commit();
        } catch (com.kafkaconnectiroh.p2p.docs.store.InsertException e) {
            throw new ConnectException("document " + docWriter.doc().id() + " refused the batch: " + e.getMessage()
                    + " (another writer with this author and newer entries for these keys?)", e);
        }
        next.forEach((tp, off) -> tracker.add(tp, off - 1, CompletableFuture.completedFuture(null), 0));
    }

    private static boolean cameFrom(SinkRecord r, TopicId topic) {
        Header h = r.headers().lastWithName(BridgeHeaders.GOSSIP_TOPIC);
        return h != null && topic.toString().equals(String.valueOf(h.value()));
    }

    private void skip(TopicPartition tp, long offset) {
        metrics.skipped.increment();
        tracker.add(tp, offset, CompletableFuture.completedFuture(null), 0);
    }

    private void errant(SinkRecord r, TopicPartition tp, long offset, BadRecordException e) {
        if (reporter == null) {
            throw new ConnectException("record " + tp + "@" + offset + " cannot be delivered: " + e.getMessage()
                    + " (with errors.tolerance=all and errors.deadletterqueue.topic.name such records go to a "
                    + "dead letter queue instead)", e);
        }
        metrics.errant.increment();
        LOG.warn("record {}@{} goes to the errant record reporter: {}", tp, offset, e.getMessage());
        Future<Void> reported = reporter.report(r, e);
        tracker.add(tp, offset, reported, 0);
    }

    /** Pause while deliveries are behind; resume once they are below half the bounds. */
    private void applyBackpressure() {
        int records = tracker.inFlight();
        long bytes = tracker.inFlightBytes();
        if (!paused && (records >= config.maxInFlightRecords() || bytes >= config.maxInFlightBytes())) {
            paused = true;
            context.pause(context.assignment().toArray(new TopicPartition[0]));
            LOG.info("pausing: {} record(s), {} bytes broadcast but not yet delivered", records, bytes);
        } else if (paused && records < config.maxInFlightRecords() / 2 && bytes < config.maxInFlightBytes() / 2) {
            paused = false;
            context.resume(context.assignment().toArray(new TopicPartition[0]));
            LOG.info("resuming: deliveries caught up ({} in flight)", records);
        }
    }

    /** Only what was handed off for real; the framework commits exactly this. */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return tracker.committable(currentOffsets.keySet());
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // preCommit decides what is committed; nothing is buffered here to flush.
    }

    /**
     * Joins the gossip topics of newly assigned partitions now, so the swarm is there before their first record
     * (a transform that renames topics joins its target topics at their first record instead).
     */
    @Override
    public void open(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (docWriter != null) {
                // Resume right after what the document holds, whatever the consumer group says.
                docWriter.storedOffset(tp).ifPresent(next -> context.offset(tp, next));
            } else {
                publisher.topic(gossipTopics.computeIfAbsent(tp.topic(), config::gossipTopic));
            }
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        tracker.forget(partitions);
    }

    @Override
    public void stop() {
        closeAll();
    }

    private synchronized void closeAll() {
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
        if (supervisor != null) {
            supervisor.close();
            supervisor = null;
        }
        metrics.close();
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
