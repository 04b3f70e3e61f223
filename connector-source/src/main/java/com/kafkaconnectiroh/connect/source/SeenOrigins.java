package com.kafkaconnectiroh.connect.source;

import com.kafkaconnectiroh.p2p.base.LruMap;
import com.kafkaconnectiroh.p2p.quic.util.RangeSet;
import java.util.Map;

/**
 * Origin offsets of envelopes seen, per Kafka topic-partition: the sink delivers at least once, so after a sink
 * restart the same records come again as new gossip messages; their origin coordinates identify them. Offsets are
 * kept as ranges (consecutive offsets cost one range), at most {@value #MAX_RANGES} per partition and
 * {@value #MAX_PARTITIONS} partitions; when a bound is hit the oldest ranges are forgotten, which can let a very
 * late redelivery through again (a duplicate) but never drops a record that was not seen.
 */
final class SeenOrigins {
    static final int MAX_RANGES = 1024;
    static final int MAX_PARTITIONS = 10_000;

    private record Partition(String topic, int partition) {
    }

    private final Map<Partition, RangeSet> seen = new LruMap<>(MAX_PARTITIONS);

    /** True the first time these coordinates are seen. */
    synchronized boolean firstTime(String topic, int partition, long offset) {
        RangeSet ranges = seen.computeIfAbsent(new Partition(topic, partition), k -> new RangeSet());
        if (ranges.contains(offset)) {
            return false;
        }
        ranges.add(offset);
        while (ranges.size() > MAX_RANGES) {
            ranges.removeFirst();
        }
        return true;
    }
}
