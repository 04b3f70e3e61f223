package com.kafkaconnectiroh.connect.sink;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, records in offset order with the future that completes when each
 * was handed off for real (delivered, reported to the errant record reporter, or skipped by rule). The committable
 * offset is one past the last record of the unbroken completed prefix, so a record still on its way holds back
 * every later one, and a restart redelivers from it (at least once).
 */
final class OffsetTracker {
    private record Pending(long offset, Future<?> done, long bytes) {
    }

    private final Map<TopicPartition, ArrayDeque<Pending>> pending = new HashMap<>();
    /** Per partition: the next offset to commit (one past the last handed-off record). */
    private final Map<TopicPartition, Long> committable = new HashMap<>();
    private int inFlight;
    private long inFlightBytes;

    synchronized void add(TopicPartition tp, long offset, Future<?> done, long bytes) {
        pending.computeIfAbsent(tp, k -> new ArrayDeque<>()).addLast(new Pending(offset, done, bytes));
        inFlight++;
        inFlightBytes += bytes;
    }

    /** Advances past completed records and returns the offsets to commit for {@code partitions}. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        advance();
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long next = committable.get(tp);
            if (next != null) {
                out.put(tp, new OffsetAndMetadata(next));
            }
        }
        return out;
    }

    /** A record whose future completed exceptionally is a bug upstream: it must hold its partition back. */
    private void advance() {
        for (Map.Entry<TopicPartition, ArrayDeque<Pending>> e : pending.entrySet()) {
            ArrayDeque<Pending> q = e.getValue();
            while (!q.isEmpty() && succeeded(q.peekFirst().done())) {
                Pending p = q.pollFirst();
                inFlight--;
                inFlightBytes -= p.bytes();
                committable.put(e.getKey(), p.offset() + 1);
            }
        }
    }

    private static boolean succeeded(Future<?> f) {
        if (!f.isDone() || f.isCancelled()) {
            return false;
        }
        try {
            f.get();
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    synchronized int inFlight() {
        advance();
        return inFlight;
    }

    synchronized long inFlightBytes() {
        advance();
        return inFlightBytes;
    }

    /** The partitions were revoked: their pending records will come again to whoever owns them next. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            ArrayDeque<Pending> q = pending.remove(tp);
            if (q != null) {
                for (Pending p : q) {
                    inFlight--;
                    inFlightBytes -= p.bytes();
                }
            }
            committable.remove(tp);
        }
    }
}
