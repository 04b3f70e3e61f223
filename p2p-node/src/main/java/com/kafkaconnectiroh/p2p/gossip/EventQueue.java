package com.kafkaconnectiroh.p2p.gossip;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One subscriber's bounded event queue. The gossip loop offers without ever blocking; when the queue is full
 * (all but one slot taken) further events are dropped and a single {@link GossipEvent#LAGGED} marker takes the
 * last slot, so a stalled subscriber costs at most {@code capacity} events of memory. Once the subscriber has
 * made room again, events are queued as before (the next gap gets its own marker). Same rule as iroh-gossip
 * 0.35's {@code EventSenders::send}.
 */
final class EventQueue {
    private final int capacity;
    private final ArrayDeque<GossipEvent> events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private boolean lagged;
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
                if (!lagged) {
                    lagged = true;
                    lagMarkers++;
                    events.addLast(GossipEvent.LAGGED);
                    notEmpty.signal();
                }
                return;
            }
            lagged = false;
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
            return events.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    GossipEvent poll() {
        lock.lock();
        try {
            return events.pollFirst();
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
