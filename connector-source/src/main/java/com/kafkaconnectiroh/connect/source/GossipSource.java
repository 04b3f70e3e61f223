package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.connect.common.Backoff;
import com.kafkaconnectiroh.connect.common.GossipSupervisor;
import com.kafkaconnectiroh.connect.common.MdcThreads;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.blobs.BlobFormat;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeException;
import com.kafkaconnectiroh.p2p.envelope.Message;
import com.kafkaconnectiroh.p2p.gossip.Gossip;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossip topics into records: one subscription and one receive thread per assigned topic, de-duplication by
 * message id (and by origin coordinates for envelopes), envelopes unpacked and their blobs fetched per
 * {@code blob.fetch}, and a supervisor that rejoins through {@code iroh.peers} with jittered backoff whenever a
 * topic has no neighbor, failing the task only after {@code iroh.outage.timeout.ms} without one.
 *
 * <p>Delivery is at most once, as gossip is: a message that passes while the task has no neighbor, or while
 * its buffer is full (gossip drops for a subscriber that is behind; counted), is not replayed.
 */
final class GossipSource implements SourceKind {
    private static final Logger LOG = LoggerFactory.getLogger(GossipSource.class);
    /** Subscription queue per topic: what gossip holds for us while the receive thread waits for buffer room. */
    static final int SUBSCRIPTION_CAPACITY = 16_384;

    private final IrohSourceTaskConfig config;
    private final Gossip gossip;
    private final RecordBuffer buffer;
    private final SourceTaskMetrics metrics;
    private final BlobFetcher fetcher;
    private final MdcThreads threads;
    private final GossipRecordMapper mapper;
    private final RecentMessages recent;
    private final SeenOrigins origins = new SeenOrigins();
    private final List<EndpointAddr> peers;
    private final Backoff backoff;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final GossipSupervisor supervisor;
    private final java.util.concurrent.atomic.LongAdder droppedMessages = new java.util.concurrent.atomic.LongAdder();
    private final FirstFailure failure = new FirstFailure(LOG);
    private volatile boolean closed;

    GossipSource(IrohSourceTaskConfig config, Gossip gossip, RecordBuffer buffer, SourceTaskMetrics metrics,
                 BlobFetcher fetcher, MdcThreads threads) {
        this.config = config;
        this.gossip = gossip;
        this.buffer = buffer;
        this.metrics = metrics;
        this.fetcher = fetcher;
        this.threads = threads;
        this.mapper = new GossipRecordMapper(config);
        this.recent = new RecentMessages(config.dedupCacheSize());
        this.peers = config.peers();
        this.backoff = config.reconnectBackoff();
        this.supervisor = new GossipSupervisor(peers, backoff, config.outageTimeout(),
                why -> failure.record(new ConnectException(why)), threads);
    }

    @Override
    public void start() {
        for (TopicId topic : config.assignedTopics()) {
            GossipTopic sub = gossip.subscribe(topic, peers, SUBSCRIPTION_CAPACITY);
            Subscription s = new Subscription(topic, sub);
            subscriptions.add(s);
            supervisor.watch(sub);
            Thread t = threads.newThread(() -> receive(s));
            t.setName("iroh-source-gossip-" + topic.fmtShort());
            s.thread = t;
            t.start();
            LOG.info("subscribed to gossip topic {} (Kafka topic {}) through {} peer(s)", topic, config.kafkaTopic(topic),
                    peers.size());
        }
    }

    private static final class Subscription {
        final TopicId topic;
        final GossipTopic sub;
        Thread thread;

        Subscription(TopicId topic, GossipTopic sub) {
            this.topic = topic;
            this.sub = sub;
        }
    }

    // ---- receiving ----

    private void receive(Subscription s) {
        try {
            while (!closed) {
                GossipEvent e = s.sub.next(Duration.ofMillis(200));
                if (e instanceof GossipEvent.Received r) {
                    metrics.received.increment();
                    onMessage(ReceivedMessage.of(s.topic, r.content(), r.deliveredFrom()));
                } else if (e instanceof GossipEvent.NeighborUp up) {
                    LOG.info("gossip topic {}: neighbor up {}", s.topic.fmtShort(), up.peer());
                } else if (e instanceof GossipEvent.NeighborDown down) {
                    LOG.info("gossip topic {}: neighbor down {}", s.topic.fmtShort(), down.peer());
                } else if (e instanceof GossipEvent.Lagged lag) {
                    droppedMessages.add(lag.droppedMessages());
                    LOG.warn("gossip topic {}: {} message(s) dropped because the task is behind (Kafka slower than the "
                            + "network); {} on this task so far", s.topic.fmtShort(), lag.droppedMessages(),
                            droppedMessages.sum());
                } else if (e == null && s.sub.isClosed()) {
                    if (!closed) {
                        failure.record(new ConnectException("the gossip subscription to " + s.topic
                                + " ended (the node shut down)"));
                    }
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure.record(new ConnectException("receiving on gossip topic " + s.topic + " failed: " + e, e));
        }
    }

    private void onMessage(ReceivedMessage msg) throws InterruptedException {
        if (!recent.firstTime(msg.topic(), msg.id())) {
            metrics.duplicates.increment();
            return;
        }
        if (config.blobFetch() == IrohSourceConfig.BlobFetch.NONE) {
            emit(mapper.plain(msg), msg.content().length);
            return;
        }
        Message decoded;
        try {
            decoded = EnvelopeCodec.decode(msg.content());
        } catch (EnvelopeException e) {
            metrics.malformedEnvelopes.increment();
            onBadMessage(msg, "malformed envelope: " + e.getMessage());
            return;
        }
        if (decoded instanceof Message.Raw) {
            emit(mapper.plain(msg), msg.content().length);
        } else if (decoded instanceof Message.Full f) {
            onEnvelope(msg, f.envelope());
        } else if (decoded instanceof Message.Indirect ind) {
            onIndirect(msg, ind.envelopeBlob());
        }
    }

    private void onBadMessage(ReceivedMessage msg, String why) throws InterruptedException {
        if (!config.tolerateErrors()) {
            failure.record(new ConnectException("gossip message " + msg.id().fmtShort() + " on topic " + msg.topic() + " from "
                    + msg.deliveredFrom().fmtShort() + ": " + why + " (errors.tolerance=all writes such messages as "
                    + "they came instead of failing)"));
            return;
        }
        LOG.warn("gossip message {} on topic {}: {}; written as it came", msg.id().fmtShort(), msg.topic().fmtShort(), why);
        emit(mapper.malformed(msg, why), msg.content().length);
    }

    private void onEnvelope(ReceivedMessage msg, Envelope env) throws InterruptedException {
        Envelope.Origin o = env.origin();
        if (o != null && !origins.firstTime(o.topic(), o.partition(), o.offset())) {
            metrics.duplicates.increment();
            return;
        }
        Envelope.Payload p = env.payload();
        if (p instanceof Envelope.Inline i) {
            emit(mapper.envelope(msg, env, ResolvedValue.inline(i.bytes())), estimate(env, i.bytes().length));
        } else if (p instanceof Envelope.Absent) {
            emit(mapper.envelope(msg, env, ResolvedValue.none()), estimate(env, 0));
        } else if (p instanceof Envelope.Blob b) {
            onBlob(msg, env, b.ref());
        }
    }

    private void onBlob(ReceivedMessage msg, Envelope env, BlobRef ref) throws InterruptedException {
        long max = config.blobInlineMaxBytes();
        if (config.blobFetch() != IrohSourceConfig.BlobFetch.INLINE) {
            emit(mapper.envelope(msg, env, ResolvedValue.reference(ref, null)), estimate(env, 256));
            return;
        }
        if (ref.content().format() != BlobFormat.RAW) {
            emit(mapper.envelope(msg, env, ResolvedValue.reference(ref, "a hash sequence is not fetched inline")),
                    estimate(env, 256));
            return;
        }
        if (ref.size() > max) {
            emit(mapper.envelope(msg, env, ResolvedValue.reference(ref, "blob of " + ref.size() + " bytes is larger "
                    + "than blob.inline.max.bytes (" + max + ")")), estimate(env, 256));
            return;
        }
        long reserved = estimate(env, ref.size());
        if (!buffer.reserve(reserved)) {
            return;
        }
        CompletableFuture<byte[]> f = fetcher.fetch(ref, msg.deliveredFrom(), max);
        f.whenComplete((content, err) -> {
            if (err == null) {
                metrics.blobFetches.increment();
                metrics.blobBytesFetched.add(content.length);
                buffer.add(mapper.envelope(msg, env, ResolvedValue.fetched(ref, content)), reserved,
                        estimate(env, content.length));
                return;
            }
            metrics.blobFetchFailures.increment();
            String why = err.getMessage() == null ? err.toString() : err.getMessage();
            if (closed) {
                buffer.cancel(reserved);
            } else if (!config.tolerateErrors()) {
                buffer.cancel(reserved);
                failure.record(new ConnectException("gossip message " + msg.id().fmtShort() + " on topic " + msg.topic()
                        + " references blob " + ref.content().hash() + " that could not be fetched: " + why
                        + " (errors.tolerance=all writes its ticket instead)", err));
            } else {
                LOG.warn("blob {} could not be fetched ({}); the record carries its ticket", ref.content().hash(), why);
                buffer.add(mapper.envelope(msg, env, ResolvedValue.reference(ref, why)), reserved, estimate(env, 256));
            }
        });
    }

    /** The envelope is in a blob: fetch it (bounded like an inline blob), then handle it as if it had come inline. */
    private void onIndirect(ReceivedMessage msg, BlobRef ref) throws InterruptedException {
        long max = Math.max(config.blobInlineMaxBytes(), 1 << 20);
        if (ref.size() > max || ref.content().format() != BlobFormat.RAW) {
            onBadMessage(msg, "envelope stored in blob " + ref.content().hash() + " (" + ref.size() + " bytes) exceeds "
                    + max + " bytes or is not a raw blob");
            return;
        }
        if (config.blobFetch() != IrohSourceConfig.BlobFetch.INLINE) {
            onBadMessage(msg, "the envelope is stored in blob " + ref.content().hash()
                    + " and blob.fetch=" + config.blobFetch().name().toLowerCase(java.util.Locale.ROOT)
                    + " does not fetch it");
            return;
        }
        try {
            byte[] stored = fetcher.fetch(ref, msg.deliveredFrom(), max).get();
            onEnvelope(msg, EnvelopeCodec.decodeStored(stored));
        } catch (java.util.concurrent.ExecutionException e) {
            metrics.blobFetchFailures.increment();
            onBadMessage(msg, "the envelope's blob " + ref.content().hash() + " could not be fetched: "
                    + e.getCause().getMessage());
        } catch (EnvelopeException e) {
            metrics.malformedEnvelopes.increment();
            onBadMessage(msg, e.getMessage());
        }
    }

    /** Bytes a record will hold: value, key, headers (a rough but safe bound). */
    private static long estimate(Envelope env, long valueBytes) {
        long n = valueBytes + 512 + (env.key() == null ? 0 : env.key().length);
        for (Envelope.Header h : env.headers()) {
            n += h.name().length() + (h.value() == null ? 0 : h.value().length) + 32;
        }
        return n;
    }

    private void emit(SourceRecord r, long valueBytes) throws InterruptedException {
        buffer.put(r, valueBytes + 512);
    }

    @Override
    public void checkHealth() {
        failure.rethrow();
    }

    @Override
    public long neighbors() {
        return supervisor.neighbors();
    }

    @Override
    public long dropped() {
        return droppedMessages.sum();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        supervisor.close();
        for (Subscription s : subscriptions) {
            s.sub.close();
        }
        for (Subscription s : subscriptions) {
            if (s.thread != null) {
                s.thread.interrupt();
                try {
                    s.thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
