package com.kafkaconnectiroh.p2p.gossip;

import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.EndpointId;
import com.kafkaconnectiroh.p2p.gossip.proto.Scope;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One subscription to a gossip topic, from {@link Gossip#subscribe}: publish with {@link #broadcast} and
 * {@link #broadcastNeighbors}, read events with {@link #next(Duration)}, leave with {@link #close()}. Several
 * subscriptions to the same topic share its membership; the topic is left when the last one closes.
 *
 * <p>Events queue up per subscription in a bounded queue ({@link Gossip.Builder#subscriberCapacity}); a
 * subscriber that falls behind gets a {@link GossipEvent.Lagged} marker instead of the events that did not fit,
 * never an unbounded buffer. A new subscription first receives a {@link GossipEvent.NeighborUp} for every current
 * neighbor.
 *
 * <p>Thread-safe. Futures complete on the gossip thread: do not block in their dependent actions.
 */
public final class GossipTopic implements AutoCloseable {
    private final GossipActor actor;
    private final TopicId id;
    private final EventQueue events;
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private volatile Set<EndpointId> neighbors = Set.of();
    private volatile boolean closed;

    GossipTopic(GossipActor actor, TopicId id, int capacity) {
        this.actor = actor;
        this.id = id;
        this.events = new EventQueue(capacity);
    }

    public TopicId id() {
        return id;
    }

    /**
     * Broadcasts {@code content} to every subscriber of the topic in the swarm (not back to us). The future
     * completes once the message is handed to the protocol (queued for our neighbors), not when it arrived
     * anywhere; while a neighbor's send queue is above half of {@link Gossip.Builder#maxQueuedBytes}, only once it
     * has drained below (at most the linger time), so a sender that awaits each future goes at its neighbors'
     * pace. While the topic has no neighbor the message is held (up to {@link Gossip.Builder#maxHeldBroadcasts})
     * and sent when the first one is up; iroh would drop it. Blocks the caller while more than
     * {@link Gossip.Builder#maxPendingCommands} commands wait for the gossip thread.
     *
     * @throws IllegalArgumentException content longer than {@link Gossip#maxContentSize()}
     */
    public CompletableFuture<Void> broadcast(byte[] content) {
        return broadcast(content, Scope.SWARM);
    }

    /** Like {@link #broadcast}, but only to our direct neighbors; they do not forward it. */
    public CompletableFuture<Void> broadcastNeighbors(byte[] content) {
        return broadcast(content, Scope.NEIGHBORS);
    }

    /**
     * A tracked {@link #broadcast(byte[])}: the receipt's {@link BroadcastReceipt#accepted()} is the future
     * {@code broadcast} returns (same pacing), and {@link BroadcastReceipt#delivered()} completes once
     * {@code policy} is decided: delivered when enough of the neighbors the payload was pushed to acknowledged it
     * at the QUIC level (see {@link DeliveryPolicy}), not delivered when they went away or were cut first, or the
     * policy's timeout passed. A message held for want of a neighbor is tracked from the broadcast on, and counts
     * once it is pushed. This is the rule behind {@code gossip publish}'s "acknowledged" and the sink connector's
     * commits.
     *
     * @throws IllegalArgumentException content longer than {@link Gossip#maxContentSize()}
     */
    public BroadcastReceipt broadcast(byte[] content, DeliveryPolicy policy) {
        return broadcastTracked(content, Scope.SWARM, policy);
    }

    /** Like {@link #broadcast(byte[], DeliveryPolicy)}, but only to our direct neighbors. */
    public BroadcastReceipt broadcastNeighbors(byte[] content, DeliveryPolicy policy) {
        return broadcastTracked(content, Scope.NEIGHBORS, policy);
    }

    private BroadcastReceipt broadcastTracked(byte[] content, Scope scope, DeliveryPolicy policy) {
        java.util.Objects.requireNonNull(policy, "policy");
        BroadcastReceipt r = new BroadcastReceipt(policy);
        submit(content, scope, r.accepted(), r);
        return r;
    }

    private CompletableFuture<Void> broadcast(byte[] content, Scope scope) {
        return submit(content, scope, new CompletableFuture<>(), null);
    }

    private CompletableFuture<Void> submit(byte[] content, Scope scope, CompletableFuture<Void> accepted,
                                           BroadcastReceipt receipt) {
        int max = actor.maxContentSize();
        if (content.length > max) {
            throw new IllegalArgumentException("gossip message of " + content.length + " bytes exceeds the maximum of "
                    + max + " bytes (max message size " + actor.maxMessageSize() + " less framing)");
        }
        if (closed) {
            accepted.completeExceptionally(new IllegalStateException("subscription to " + id.fmtShort() + " is closed"));
            if (receipt != null) {
                receipt.notSent();
            }
            return accepted;
        }
        byte[] copy = content.clone();
        // if the command never reaches the gossip thread (shut down, or the caller interrupted), nothing was sent
        return actor.command(accepted, f -> actor.broadcast(this, copy, scope, f, receipt),
                receipt == null ? null : receipt::notSent);
    }

    /** Adds bootstrap peers: sends them a Join, as {@link Gossip#subscribe} does for its peers. */
    public CompletableFuture<Void> joinPeers(Collection<EndpointAddr> peers) {
        List<EndpointAddr> copy = List.copyOf(peers);
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("subscription to " + id.fmtShort() + " is closed"));
        }
        return actor.command(f -> actor.joinPeers(this, copy, f));
    }

    /**
     * Completes when the topic has at least one neighbor (at once if it had one when we subscribed); fails if this
     * subscription closes first.
     */
    public CompletableFuture<Void> joined() {
        return joined;
    }

    /** The current neighbors (a snapshot). */
    public Set<EndpointId> neighbors() {
        return neighbors;
    }

    /**
     * The next event, waiting up to {@code timeout}; null if none came in time, or if the subscription is closed and
     * every queued event was taken.
     */
    public GossipEvent next(Duration timeout) throws InterruptedException {
        return events.take(Math.max(0, EventQueue.nanos(timeout)));
    }

    /** The next event, waiting as long as needed; null once the subscription is closed and drained. */
    public GossipEvent next() throws InterruptedException {
        return events.take(-1);
    }

    /** The next event if one is queued, else null. */
    public GossipEvent poll() {
        return events.poll();
    }

    /** Events queued and not yet taken. */
    public int queuedEvents() {
        return events.size();
    }

    /** Events dropped because this subscriber was behind (each gap also produced one Lagged marker). */
    public long droppedEvents() {
        return events.dropped();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Ends this subscription; the last subscription of a topic leaves it (a Disconnect to each neighbor). Queued
     * events can still be taken.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.close();
        joined.completeExceptionally(new IllegalStateException("subscription to " + id.fmtShort() + " closed before joining"));
        actor.post(() -> actor.unsubscribe(this));
    }

    @Override
    public String toString() {
        return "GossipTopic[" + id.fmtShort() + ", " + neighbors.size() + " neighbors" + (closed ? ", closed" : "") + "]";
    }

    // ---- gossip loop side ----

    void deliver(GossipEvent e) {
        events.offer(e);
    }

    void neighborsChanged(Set<EndpointId> now) {
        neighbors = now;
        if (!now.isEmpty()) {
            joined.complete(null);
        }
    }

    /** The gossip shut down under this subscription. */
    void closedByGossip(String why) {
        closed = true;
        events.close();
        joined.completeExceptionally(new IllegalStateException(why));
    }
}
