package com.kafkaconnectiroh.p2p.gossip;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One subscriber's bounded event queue. The gossip loop offers without ever blocking; when the queue is full
 * (all but one slot taken) further events are dropped and a single {@link GossipEvent.Lagged} marker takes the
 * last slot, so a stalled subscriber costs at most {@code capacity} events of memory. Once the subscriber has
 * made room again, events are queued as before (the next gap gets its own marker). Same rule as iroh-gossip
 * 0.35's {@code EventSenders::send}, except that our marker says how many events (and messages) the gap lost:
 * it counts in the queue while the gap lasts and becomes a {@link GossipEvent.Lagged} with the final counts when
 * taken.
 */
final class EventQueue {
    private final int capacity;
    /** {@link GossipEvent}s and {@link Gap} markers. */
    private final ArrayDeque<Object> events;
    /** The marker of the gap under way, or null. */
    private Gap gap;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private boolean closed;
    private long dropped;
    private long lagMarkers;

    EventQueue(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("subscriber capacity must be at least 2 (one slot is kept for Lagged), got " + capacity);
        }
        this.capacity = capacity;
        this.events = new ArrayDeque<>(Math.min(capacity, 64));
    }

    /** Gossip loop: queue {@code e}, or drop it (marking the gap) if the subscriber is behind. */
    void offer(GossipEvent e) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (events.size() >= capacity - 1) {
                dropped++;
                if (gap == null) {
                    gap = new Gap();
                    lagMarkers++;
                    events.addLast(gap);
                    notEmpty.signal();
                }
                gap.events++;
                if (e instanceof GossipEvent.Received) {
                    gap.messages++;
                }
                return;
            }
            gap = null;
            events.addLast(e);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code nanos} (forever if negative); null on timeout, or once closed and drained. */
    GossipEvent take(long nanos) throws InterruptedException {
        boolean forever = nanos < 0;
        lock.lockInterruptibly();
        try {
            while (events.isEmpty()) {
                if (closed) {
                    return null;
                }
                if (forever) {
                    notEmpty.await();
                } else {
                    if (nanos <= 0) {
                        return null;
                    }
                    nanos = notEmpty.awaitNanos(nanos);
                }
            }
            return event(events.pollFirst());
        } finally {
            lock.unlock();
        }
    }

    GossipEvent poll() {
        lock.lock();
        try {
            return event(events.pollFirst());
        } finally {
            lock.unlock();
        }
    }

    /** No more events will come; waiting takers wake up (queued events can still be taken). */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return events.size();
        } finally {
            lock.unlock();
        }
    }

    int capacity() {
        return capacity;
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    long lagMarkers() {
        lock.lock();
        try {
            return lagMarkers;
        } finally {
            lock.unlock();
        }
    }

    /** A gap's counts are final once its marker is taken (under the lock): its gap ended when room was made. */
    private GossipEvent event(Object o) {
        if (o instanceof Gap g) {
            if (gap == g) {
                gap = null; // taking the marker makes room, so the next drop starts a new gap
            }
            return new GossipEvent.Lagged(g.events, g.messages);
        }
        return (GossipEvent) o;
    }

    /** The marker of one gap while it is in the queue. */
    private static final class Gap {
        long events;
        long messages;
    }

    static long nanos(java.time.Duration d) {
        if (d == null || d.isNegative()) {
            return -1;
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return -1;
        }
    }
}
