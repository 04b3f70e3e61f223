package com.kafkaconnectiroh.connect.sink;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.docs.Doc;
import com.kafkaconnectiroh.p2p.docs.proto.DocTicket;
import com.kafkaconnectiroh.p2p.docs.proto.SignedEntry;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * sink.mode=doc in this JVM against a real peer that owns the document: records become entries another node reads,
 * a tombstone deletes, and a restarted task is told (offset()) to resume after what the document holds.
 */
@Timeout(120)
class DocSinkTaskTest {
    @TempDir
    Path dir;

    static final TopicPartition TP = new TopicPartition("orders", 0);

    /** The framework's side: assignment and the offsets the task asks to resume from. */
    static final class Context implements SinkTaskContext {
        final Map<String, String> configs;
        final Map<TopicPartition, Long> resumeFrom = new HashMap<>();

        Context(Map<String, String> configs) {
            this.configs = configs;
        }

        @Override
        public Map<String, String> configs() {
            return configs;
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
            resumeFrom.putAll(offsets);
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
            resumeFrom.put(tp, offset);
        }

        @Override
        public void timeout(long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of(TP);
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public PluginMetrics pluginMetrics() {
            throw new UnsupportedOperationException();
        }
    }

    private IrohSinkTask start(Context ctx) {
        IrohSinkTask task = new IrohSinkTask();
        task.initialize(ctx);
        task.start(ctx.configs);
        task.open(List.of(TP));
        return task;
    }

    static SinkRecord record(String key, String value, long offset) {
        return new SinkRecord("orders", 0, Schema.OPTIONAL_BYTES_SCHEMA, key == null ? null : key.getBytes(UTF_8),
                Schema.OPTIONAL_BYTES_SCHEMA, value == null ? null : value.getBytes(UTF_8), offset);
    }

    @Test
    void recordsBecomeEntriesAndARestartResumesAfterWhatTheDocumentHolds() throws Exception {
        try (Node owner = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            Doc doc = owner.docs().create();
            DocTicket write = doc.share(true);
            Map<String, String> p = new HashMap<>();
            p.put("name", "doc-sink");
            p.put("task.index", "0");
            p.put("topics", "orders");
            p.put("sink.mode", "doc");
            p.put("doc.ticket", write.toString());
            p.put("iroh.bind", "127.0.0.1:0");
            p.put("iroh.data.dir", dir.toString());
            Context ctx = new Context(p);
            IrohSinkTask task = start(ctx);
            assertTrue(ctx.resumeFrom.isEmpty(), "a new document holds no offsets yet");
            List<SinkRecord> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(record("order-" + i, "value " + i, 100 + i));
            }
            batch.add(record("order-5", null, 120)); // a tombstone
            task.put(batch);
            // The document's owner gets the entries live (the task syncs with the ticket's node).
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (doc.get("order-19".getBytes(UTF_8)).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(doc.get("order-19".getBytes(UTF_8)).isPresent(), "the owner got the entries by sync");
            Map<TopicPartition, OffsetAndMetadata> commit = task.preCommit(Map.of(TP, new OffsetAndMetadata(121)));
            assertEquals(new OffsetAndMetadata(121), commit.get(TP));
            ConnectException noKey = assertThrows(ConnectException.class,
                    () -> task.put(List.of(record(null, "no key", 121))));
            assertTrue(noKey.getMessage().contains("without a key"), noKey.getMessage());
            task.stop();

            // The owner syncs with the task's node... which is gone: open the task's store to read what it wrote.
            Context again = new Context(p);
            IrohSinkTask restarted = start(again);
            assertEquals(121L, again.resumeFrom.get(TP), "resume right after the last record written");
            restarted.stop();

            try (Node reader = Node.builder().dataDir(firstNodeDir()).bindAddr(new InetSocketAddress("127.0.0.1", 0))
                    .spawn()) {
                Doc copy = reader.docs().open(doc.id()).orElseThrow();
                for (int i = 0; i < 20; i++) {
                    Optional<SignedEntry> e = copy.get(("order-" + i).getBytes(UTF_8));
                    if (i == 5) {
                        assertTrue(e.isEmpty(), "deleted by the tombstone");
                    } else {
                        assertEquals("value " + i, new String(copy.content(e.orElseThrow()).orElseThrow(), UTF_8));
                    }
                }
            }
        }
    }

    /** The node directory the task used (one node: the only entry under nodes/). */
    private Path firstNodeDir() throws java.io.IOException {
        try (var s = java.nio.file.Files.list(dir.resolve("nodes"))) {
            return s.findFirst().orElseThrow();
        }
    }
}
