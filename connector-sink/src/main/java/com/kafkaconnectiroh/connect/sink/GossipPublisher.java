package com.kafkaconnectiroh.connect.sink;

import com.kafkaconnectiroh.connect.common.Backoff;
import com.kafkaconnectiroh.connect.common.GossipSupervisor;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.gossip.BroadcastReceipt;
import com.kafkaconnectiroh.p2p.gossip.Delivery;
import com.kafkaconnectiroh.p2p.gossip.DeliveryPolicy;
import com.kafkaconnectiroh.p2p.gossip.Gossip;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcasts messages and keeps at it until each is delivered by the task's rule: with
 * {@code delivery.min.neighbors} = n &gt; 0, a tracked broadcast ({@link DeliveryPolicy#atLeast}) that n neighbors'
 * QUIC stacks acknowledged; with 0, one the gossip protocol accepted. A broadcast that was not delivered
 * (neighbors gone or cut before acknowledging, the timeout passed, no neighbor at all) is broadcast again after a
 * jittered backoff; receivers drop what they already have (gossip de-duplicates by message id). The returned
 * future completes only on delivery, so offsets never pass a record that is still on its way.
 */
final class GossipPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GossipPublisher.class);

    private final Gossip gossip;
    private final List<EndpointAddr> peers;
    private final DeliveryPolicy policy;
    private final Backoff backoff;
    private final ScheduledExecutorService retries;
    private final GossipSupervisor supervisor;
    private final Map<TopicId, GossipTopic> topics = new ConcurrentHashMap<>();
    final LongAdder broadcasts = new LongAdder();
    final LongAdder rebroadcasts = new LongAdder();
    final LongAdder delivered = new LongAdder();
    private volatile boolean closed;

    /** @param policy null: delivered once accepted by the protocol ({@code delivery.min.neighbors=0}) */
    GossipPublisher(Gossip gossip, List<EndpointAddr> peers, DeliveryPolicy policy, Backoff backoff,
                    ScheduledExecutorService retries, GossipSupervisor supervisor) {
        this.gossip = gossip;
        this.peers = List.copyOf(peers);
        this.policy = policy;
        this.backoff = backoff;
        this.retries = retries;
        this.supervisor = supervisor;
    }

    /** Subscribes (once) and returns the topic; the sink reads nothing from it, so its event queue is tiny. */
    GossipTopic topic(TopicId id) {
        return topics.computeIfAbsent(id, t -> {
            GossipTopic sub = gossip.subscribe(t, peers, 2);
            supervisor.watch(sub);
            LOG.info("joined gossip topic {} through {} peer(s)", t, peers.size());
            return sub;
        });
    }

    /** Completes when {@code message} was delivered on {@code topic}; never exceptionally (it retries instead). */
    CompletableFuture<Void> publish(TopicId topic, byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(topic(topic), message, done, 0);
        return done;
    }

    private void attempt(GossipTopic t, byte[] message, CompletableFuture<Void> done, int attempt) {
        if (closed) {
            return; // the task stopped: the record was not committed and comes again after the restart
        }
        if (attempt == 0) {
            broadcasts.increment();
        } else {
            rebroadcasts.increment();
        }
        if (policy == null) {
            t.broadcast(message).whenComplete((v, err) -> {
                if (err == null) {
                    delivered.increment();
                    done.complete(null);
                } else {
                    retryLater(t, message, done, attempt, err.toString());
                }
            });
            return;
        }
        BroadcastReceipt r = t.broadcast(message, policy);
        r.delivered().whenComplete((d, err) -> {
            if (err == null && d.delivered()) {
                delivered.increment();
                done.complete(null);
            } else {
                retryLater(t, message, done, attempt, err != null ? err.toString() : describe(d));
            }
        });
    }

    private static String describe(Delivery d) {
        return d.outcome() + " (pushed to " + d.pushedTo() + ", acknowledged by " + d.acknowledged() + ")";
    }

    private void retryLater(GossipTopic t, byte[] message, CompletableFuture<Void> done, int attempt, String why) {
        if (closed) {
            return;
        }
        Duration wait = backoff.delay(attempt);
        if (attempt == 0 || attempt % 10 == 0) {
            LOG.warn("broadcast on gossip topic {} not delivered: {}; broadcasting again in {} ms (attempt {})",
                    t.id().fmtShort(), why, wait.toMillis(), attempt + 1);
        }
        try {
            retries.schedule(() -> attempt(t, message, done, attempt + 1), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    long neighbors() {
        return supervisor.neighbors();
    }

    @Override
    public void close() {
        closed = true;
        for (GossipTopic t : topics.values()) {
            t.close();
        }
    }
}
