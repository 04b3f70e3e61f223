package com.kafkaconnectiroh.connect.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Records between the network (receive threads, blob fetches) and {@code poll()}, bounded in bytes and in records.
 * Producers reserve room first and block while there is none, so when Kafka is slower than the network the
 * receive threads stop taking messages and the gossip subscription queue (bounded too) is where the excess is
 * dropped and counted; memory never grows with the backlog. One record larger than the whole byte bound is let in
 * when the buffer is empty, so a big blob cannot wedge the task.
 */
final class RecordBuffer {
    private final long maxBytes;
    private final int maxRecords;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<Entry> records = new ArrayDeque<>();
    /** Bytes reserved or held (reservations for fetches in flight count too). */
    private long bytes;
    private int reservations;
    private boolean closed;

    private record Entry(SourceRecord record, long bytes) {
    }

    RecordBuffer(long maxBytes, int maxRecords) {
        this.maxBytes = maxBytes;
        this.maxRecords = maxRecords;
    }

    /**
     * Waits until {@code size} bytes and one record fit, then holds them for the caller.
     *
     * @return false if the buffer closed while waiting
     */
    boolean reserve(long size) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!closed && !fits(size)) {
                notFull.await(200, TimeUnit.MILLISECONDS);
            }
            if (closed) {
                return false;
            }
            bytes += size;
            reservations++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(long size) {
        boolean empty = records.isEmpty() && reservations == 0;
        return empty || (bytes + size <= maxBytes && records.size() + reservations < maxRecords);
    }

    /** Adds a record for which {@code reservedSize} was reserved; {@code actualSize} replaces the estimate. */
    void add(SourceRecord record, long reservedSize, long actualSize) {
        lock.lock();
        try {
            reservations--;
            bytes += actualSize - reservedSize;
            if (closed) {
                bytes -= actualSize;
                return;
            }
            records.addLast(new Entry(record, actualSize));
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a reservation that will not become a record. */
    void cancel(long reservedSize) {
        lock.lock();
        try {
            reservations--;
            bytes -= reservedSize;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Reserves and adds in one step (blocking while full). False if closed. */
    boolean put(SourceRecord record, long size) throws InterruptedException {
        if (!reserve(size)) {
            return false;
        }
        add(record, size, size);
        return true;
    }

    /**
     * Waits up to {@code waitNanos} for a first record, then takes up to {@code max} without waiting further.
     * Returns an empty list on timeout or once closed.
     */
    List<SourceRecord> drain(int max, long waitNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long left = waitNanos;
            while (records.isEmpty() && !closed && left > 0) {
                left = notEmpty.awaitNanos(left);
            }
            if (records.isEmpty()) {
                return List.of();
            }
            int n = Math.min(max, records.size());
            List<SourceRecord> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Entry e = records.pollFirst();
                bytes -= e.bytes;
                out.add(e.record);
            }
            notFull.signalAll();
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes everyone; later reservations fail, queued records are dropped with the buffer. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notFull.signalAll();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    int records() {
        lock.lock();
        try {
            return records.size();
        } finally {
            lock.unlock();
        }
    }
}
