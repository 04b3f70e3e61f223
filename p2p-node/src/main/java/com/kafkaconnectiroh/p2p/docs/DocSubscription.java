package com.kafkaconnectiroh.p2p.docs;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A document's events for one subscriber, from {@link Doc#subscribe()}. Bounded: when the subscriber falls
 * behind, further events are dropped and one {@link DocEvent.Lagged} marks the gap, so a slow reader never holds
 * up sync (entries are in the store regardless; {@link Doc#changes} replays them). Thread-safe.
 */
public final class DocSubscription implements AutoCloseable {
    private final int capacity;
    private final ArrayDeque<DocEvent> events = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Runnable onClose;
    private boolean lagged;
    private boolean closed;
    private long dropped;

    DocSubscription(int capacity, Runnable onClose) {
        if (capacity < 2) {
            throw new IllegalArgumentException("subscriber capacity must be at least 2, got " + capacity);
        }
        this.capacity = capacity;
        this.onClose = onClose;
    }

    void offer(DocEvent e) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (events.size() >= capacity - 1) {
                dropped++;
                if (!lagged) {
                    lagged = true;
                    events.addLast(new DocEvent.Lagged());
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

    /** The next event, waiting up to {@code timeout}; null on timeout, or once closed and drained. */
    public DocEvent next(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (events.isEmpty()) {
                if (closed || nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return events.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /** The next event, waiting as long as it takes; null once closed and drained. */
    public DocEvent next() throws InterruptedException {
        return next(Duration.ofNanos(TimeUnit.DAYS.toNanos(365)));
    }

    /** How many events were dropped because this subscriber was behind. */
    public long droppedEvents() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Stops delivery; queued events can still be read. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        onClose.run();
    }
}
