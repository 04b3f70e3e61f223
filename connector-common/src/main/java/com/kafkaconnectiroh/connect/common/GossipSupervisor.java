package com.kafkaconnectiroh.connect.common;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a task's gossip topics joined: every {@value #CHECK_EVERY_MS} ms, a topic without neighbors is rejoined
 * through the configured peers with jittered exponential backoff, and once a topic with peers has been without any
 * neighbor for the outage timeout, the task is told (it fails with the message). Gossip itself does not redial a
 * peer that went away; this is what brings subscriptions back after an outage, for the source and the sink alike.
 */
public final class GossipSupervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GossipSupervisor.class);
    static final long CHECK_EVERY_MS = 250;
    /** Quiet spell before an outage is logged (a neighbor change that heals at once is not news). */
    private static final Duration LOG_AFTER = Duration.ofSeconds(5);

    private final List<EndpointAddr> peers;
    private final Backoff backoff;
    private final Duration outageTimeout;
    private final Consumer<String> onOutage;
    private final List<Watched> topics = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer;

    private static final class Watched {
        final GossipTopic topic;
        long lastNeighborNanos;
        long nextRejoinNanos;
        int attempt;
        boolean logged;

        Watched(GossipTopic topic, long now) {
            this.topic = topic;
            this.lastNeighborNanos = now;
            this.nextRejoinNanos = now;
        }
    }

    /**
     * @param onOutage told once per outage, with a message naming the topic and the peers that could not be reached
     */
    public GossipSupervisor(List<EndpointAddr> peers, Backoff backoff, Duration outageTimeout, Consumer<String> onOutage,
                            MdcThreads threads) {
        this.peers = List.copyOf(peers);
        this.backoff = backoff;
        this.outageTimeout = outageTimeout;
        this.onOutage = onOutage;
        this.timer = Executors.newSingleThreadScheduledExecutor(threads);
        timer.scheduleWithFixedDelay(this::check, CHECK_EVERY_MS, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    public void watch(GossipTopic topic) {
        topics.add(new Watched(topic, System.nanoTime()));
    }

    /** Neighbors over every watched topic. */
    public long neighbors() {
        long n = 0;
        for (Watched w : topics) {
            n += w.topic.neighbors().size();
        }
        return n;
    }

    private void check() {
        try {
            long now = System.nanoTime();
            for (Watched w : topics) {
                if (w.topic.isClosed()) {
                    continue;
                }
                if (!w.topic.neighbors().isEmpty()) {
                    if (w.logged) {
                        LOG.info("gossip topic {} has neighbors again", w.topic.id().fmtShort());
                    }
                    w.lastNeighborNanos = now;
                    w.attempt = 0;
                    w.logged = false;
                    continue;
                }
                if (peers.isEmpty()) {
                    continue; // nothing to dial: peers dial us
                }
                if (now - w.nextRejoinNanos >= 0) {
                    w.nextRejoinNanos = now + backoff.delay(w.attempt++).toNanos();
                    if (!w.logged && now - w.lastNeighborNanos > LOG_AFTER.toNanos()) {
                        LOG.warn("gossip topic {} has no neighbor; redialing {} peer(s) with backoff",
                                w.topic.id().fmtShort(), peers.size());
                        w.logged = true;
                    }
                    w.topic.joinPeers(peers);
                }
                if (!outageTimeout.isZero() && now - w.lastNeighborNanos > outageTimeout.toNanos()) {
                    onOutage.accept("gossip topic " + w.topic.id() + " has had no neighbor for "
                            + outageTimeout.toSeconds() + " s (iroh.outage.timeout.ms); none of these peers could be "
                            + "reached: " + peers.stream().map(p -> p.id().toString()).collect(Collectors.joining(", ")));
                    w.lastNeighborNanos = now; // once per timeout, not every check
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("gossip supervisor check failed; continuing", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
