package com.kafkaconnectiroh.connect.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.p2p.docs.Doc;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documents source in this JVM against a real peer node (no Kafka: poll() as the worker calls it, offsets kept
 * as the worker would): every entry once with its content, deletions as tombstones, and a restart from the last
 * offset, on the same store and on another, writes only what came after.
 */
@Timeout(120)
class DocsSourceTaskTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Offsets as the worker's offset store holds them: the last offset per partition. */
    static final class Offsets implements OffsetStorageReader {
        final Map<Map<String, Object>, Map<String, Object>> stored = new HashMap<>();

        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            return stored.get(new HashMap<String, Object>(partition));
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
            for (Map<String, T> p : partitions) {
                out.put(p, offset(p));
            }
            return out;
        }

        void commit(List<SourceRecord> records) {
            for (SourceRecord r : records) {
                @SuppressWarnings("unchecked")
                Map<String, Object> p = (Map<String, Object>) r.sourcePartition();
                @SuppressWarnings("unchecked")
                Map<String, Object> o = (Map<String, Object>) r.sourceOffset();
                stored.put(new HashMap<>(p), o);
            }
        }
    }

    private IrohSourceTask start(String ticket, Path dataDir, Offsets offsets) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "docs-task");
        p.put("docs.tickets", ticket);
        p.put("task.index", "0");
        p.put("task.docs.tickets", ticket);
        p.put("iroh.bind", "127.0.0.1:0");
        p.put("iroh.data.dir", dataDir.toString());
        p.put("poll.timeout.ms", "200");
        IrohSourceTask task = new IrohSourceTask();
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return p;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return offsets;
            }

            @Override
            public PluginMetrics pluginMetrics() {
                throw new UnsupportedOperationException();
            }
        });
        task.start(p);
        return task;
    }

    static List<SourceRecord> poll(IrohSourceTask task, int n, Offsets offsets) throws InterruptedException {
        List<SourceRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (out.size() < n && System.nanoTime() < deadline) {
            List<SourceRecord> b = task.poll();
            if (b != null) {
                out.addAll(b);
                offsets.commit(b);
            }
        }
        return out;
    }

    @Test
    void everyEntryOnceThenOnlyWhatCameAfterARestart() throws Exception {
        Node writer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn();
        open.add(writer);
        Doc doc = writer.docs().create();
        for (int i = 0; i < 40; i++) {
            doc.set(("key-" + i).getBytes(UTF_8), ("value " + i).getBytes(UTF_8));
        }
        doc.delete("key-39".getBytes(UTF_8)); // iroh deletes by prefix: "key-3" would take key-30..39 too
        String ticket = doc.share(false).toString();
        Offsets offsets = new Offsets();

        IrohSourceTask task = start(ticket, dir.resolve("a"), offsets);
        List<SourceRecord> first = poll(task, 40, offsets);
        Set<String> keys = new HashSet<>();
        SourceRecord tombstone = null;
        for (SourceRecord r : first) {
            String key = new String((byte[]) r.key(), UTF_8);
            assertTrue(keys.add(key), "each entry once: " + key);
            assertEquals("iroh.docs." + doc.id(), r.topic());
            assertEquals(Map.of("namespace", doc.id().toString()), r.sourcePartition());
            if (r.value() == null) {
                tombstone = r;
            } else {
                assertEquals("value " + key.substring(4), new String((byte[]) r.value(), UTF_8));
                assertEquals("blob", r.headers().lastWithName("iroh.value.kind").value());
            }
        }
        assertEquals(40, keys.size(), "39 values and the deletion marker of key-39: " + keys);
        assertTrue(tombstone != null && new String((byte[]) tombstone.key(), UTF_8).equals("key-39"));
        assertNull(tombstone.value());
        task.stop();

        // Same store: resumes at its change number.
        for (int i = 40; i < 45; i++) {
            doc.set(("key-" + i).getBytes(UTF_8), ("value " + i).getBytes(UTF_8));
        }
        IrohSourceTask again = start(ticket, dir.resolve("a"), offsets);
        List<SourceRecord> second = poll(again, 5, offsets);
        Thread.sleep(1500);
        List<SourceRecord> extra = again.poll();
        again.stop();
        assertEquals(5, second.size());
        assertTrue(extra == null || extra.isEmpty(), "nothing written twice: " + extra);
        for (SourceRecord r : second) {
            int i = Integer.parseInt(new String((byte[]) r.key(), UTF_8).substring(4));
            assertTrue(i >= 40, "only entries written after the stop: " + i);
        }

        // Another store (the task moved to another worker): the heads in the offset skip what was written.
        doc.set("key-45".getBytes(UTF_8), "value 45".getBytes(UTF_8));
        IrohSourceTask moved = start(ticket, dir.resolve("b"), offsets);
        List<SourceRecord> third = poll(moved, 1, offsets);
        Thread.sleep(2000);
        List<SourceRecord> more = moved.poll();
        moved.stop();
        assertEquals(1, third.size(), "one new entry: " + third);
        assertArrayEquals("key-45".getBytes(UTF_8), (byte[]) third.get(0).key());
        assertTrue(more == null || more.isEmpty(), "the 45 entries before are not written again: " + more);
    }
}
