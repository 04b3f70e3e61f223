package com.kafkaconnectiroh.connect.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    static final TopicPartition A = new TopicPartition("a", 0);
    static final TopicPartition B = new TopicPartition("b", 1);

    @Test
    void onlyTheUnbrokenDeliveredPrefixIsCommitted() {
        OffsetTracker t = new OffsetTracker();
        CompletableFuture<Void> a10 = new CompletableFuture<>();
        CompletableFuture<Void> a11 = new CompletableFuture<>();
        CompletableFuture<Void> a12 = new CompletableFuture<>();
        t.add(A, 10, a10, 100);
        t.add(A, 11, a11, 100);
        t.add(A, 12, a12, 100);
        t.add(B, 5, CompletableFuture.completedFuture(null), 7);
        assertEquals(Map.of(B, new OffsetAndMetadata(6)), t.committable(List.of(A, B)));
        a11.complete(null);
        a12.complete(null);
        assertEquals(3, t.inFlight(), "11 and 12 wait behind 10");
        assertEquals(300, t.inFlightBytes());
        a10.complete(null);
        assertEquals(Map.of(A, new OffsetAndMetadata(13), B, new OffsetAndMetadata(6)), t.committable(List.of(A, B)));
        assertEquals(0, t.inFlight());

        CompletableFuture<Void> failed = new CompletableFuture<>();
        failed.completeExceptionally(new RuntimeException("never handed off"));
        t.add(A, 13, failed, 1);
        assertEquals(Map.of(A, new OffsetAndMetadata(13)), t.committable(List.of(A)), "a failure holds it back");

        t.forget(List.of(A));
        assertEquals(Map.of(), t.committable(List.of(A)), "revoked: nothing to say for it");
        assertEquals(0, t.inFlight());
    }
}
