package com.kafkaconnectiroh.connect.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class RecordBufferTest {
    static SourceRecord rec(int i) {
        return new SourceRecord(null, null, "t", Schema.INT32_SCHEMA, i);
    }

    @Test
    void producersWaitWhileFullAndPollTakesBatchesInOrder() throws Exception {
        RecordBuffer b = new RecordBuffer(1000, 3);
        for (int i = 0; i < 3; i++) {
            assertTrue(b.put(rec(i), 100));
        }
        AtomicBoolean fourthIn = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            try {
                b.put(rec(3), 100);
                fourthIn.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();
        Thread.sleep(300);
        assertFalse(fourthIn.get(), "the fourth record waits for room");
        List<SourceRecord> first = b.drain(2, TimeUnit.SECONDS.toNanos(1));
        assertEquals(List.of(0, 1), first.stream().map(SourceRecord::value).toList());
        producer.join(5000);
        assertTrue(fourthIn.get());
        assertEquals(List.of(2, 3), b.drain(10, 0).stream().map(SourceRecord::value).toList());
        assertEquals(0, b.bytes());
        assertEquals(List.of(), b.drain(10, TimeUnit.MILLISECONDS.toNanos(50)), "empty after the wait");
    }

    @Test
    void aRecordLargerThanTheWholeBoundGetsInWhenTheBufferIsEmpty() throws Exception {
        RecordBuffer b = new RecordBuffer(1000, 100);
        assertTrue(b.reserve(5000));
        b.add(rec(1), 5000, 5000);
        assertEquals(5000, b.bytes());
        assertEquals(1, b.drain(10, 0).size());
        assertEquals(0, b.bytes());
    }

    @Test
    void reservationsCountUntilAddedOrCancelledAndCloseWakesEveryone() throws Exception {
        RecordBuffer b = new RecordBuffer(1000, 100);
        assertTrue(b.reserve(900));
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean result = new AtomicBoolean(true);
        Thread waiter = new Thread(() -> {
            try {
                result.set(b.reserve(200));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        waiter.start();
        assertFalse(done.await(300, TimeUnit.MILLISECONDS), "900 + 200 > 1000: waits");
        b.cancel(900);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertTrue(result.get());
        b.cancel(200);

        assertTrue(b.reserve(1000));
        CountDownLatch closed = new CountDownLatch(1);
        Thread blocked = new Thread(() -> {
            try {
                result.set(b.reserve(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closed.countDown();
        });
        blocked.start();
        Thread.sleep(100);
        b.close();
        assertTrue(closed.await(5, TimeUnit.SECONDS));
        assertFalse(result.get(), "a closed buffer refuses");
    }
}
