package com.kafkaconnectiroh.connect.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.kafkaconnectiroh.connect.common.TaskNodes;
import com.kafkaconnectiroh.p2p.base.EndpointAddr;
import com.kafkaconnectiroh.p2p.base.SecretKey;
import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.Hash;
import com.kafkaconnectiroh.p2p.blobs.HashAndFormat;
import com.kafkaconnectiroh.p2p.envelope.BlobRef;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task in this JVM with real nodes on loopback (no Kafka: poll() is called as the worker would): what becomes of
 * bad envelopes and unfetchable or oversized blobs under each errors.tolerance, and that stop leaves no node.
 */
@Timeout(120)
class IrohSourceTaskTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The worker's side of the task: configs and no plugin metrics (as on a worker older than Kafka 4.1). */
    static final class Context implements SourceTaskContext {
        private final Map<String, String> configs;

        Context(Map<String, String> configs) {
            this.configs = configs;
        }

        @Override
        public Map<String, String> configs() {
            return configs;
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            throw new UnsupportedOperationException("gossip sources read no offsets");
        }

        @Override
        public PluginMetrics pluginMetrics() {
            throw new UnsupportedOperationException("no KIP-877 in this context");
        }
    }

    private Node peer() throws Exception {
        Node n = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn();
        open.add(n);
        return n;
    }

    private IrohSourceTask start(Node peer, String topic, String... kv) {
        Map<String, String> p = new HashMap<>();
        p.put("name", "task-test-" + System.nanoTime());
        p.put("gossip.topics", topic);
        p.put("task.index", "0");
        p.put("task.gossip.topics", TopicId.fromName(topic).toString());
        p.put("iroh.peers", peer.ticket().toString());
        p.put("iroh.bind", "127.0.0.1:0");
        p.put("iroh.data.dir", dir.toString());
        p.put("poll.timeout.ms", "200");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        IrohSourceTask task = new IrohSourceTask();
        task.initialize(new Context(p));
        task.start(p);
        open.add(task::stop);
        return task;
    }

    static List<SourceRecord> pollUntil(IrohSourceTask task, int n) throws InterruptedException {
        List<SourceRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (out.size() < n && System.nanoTime() < deadline) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                out.addAll(batch);
            }
        }
        return out;
    }

    @Test
    void malformedEnvelopesFailTheTaskOrAreWrittenAsTheyCame() throws Exception {
        Node peer = peer();
        byte[] bad = EnvelopeCodec.encode(Envelope.of(new Envelope.Inline("x".getBytes(UTF_8))));
        bad[4] = 99; // a version nobody knows

        GossipTopic pub = peer.gossip().subscribe(TopicId.fromName("strict"), List.of());
        IrohSourceTask strict = start(peer, "strict");
        pub.joined().get(30, TimeUnit.SECONDS);
        pub.broadcast(bad).get(10, TimeUnit.SECONDS);
        ConnectException e = assertThrows(ConnectException.class, () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                strict.poll();
            }
        });
        assertTrue(e.getMessage().contains("version 99") && e.getMessage().contains("errors.tolerance"), e.getMessage());

        GossipTopic pub2 = peer.gossip().subscribe(TopicId.fromName("tolerant"), List.of());
        IrohSourceTask tolerant = start(peer, "tolerant", "errors.tolerance", "all");
        pub2.joined().get(30, TimeUnit.SECONDS);
        pub2.broadcast(bad).get(10, TimeUnit.SECONDS);
        SourceRecord r = pollUntil(tolerant, 1).get(0);
        assertArrayEquals(bad, (byte[]) r.value(), "written as it came");
        assertTrue(r.headers().lastWithName("iroh.error").value().toString().contains("version 99"));

        // This context has no plugin metrics (a worker older than Kafka 4.1): the task reports over JMX itself.
        javax.management.MBeanServer mbs = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        java.util.Set<javax.management.ObjectName> names = mbs.queryNames(new javax.management.ObjectName(
                "kafka.connect.iroh:type=iroh-source-task-metrics,*"), null);
        assertTrue(names.stream().anyMatch(n -> {
            try {
                return ((Number) mbs.getAttribute(n, "envelopes-malformed")).doubleValue() >= 1;
            } catch (javax.management.JMException jmx) {
                return false;
            }
        }), "metrics MBeans: " + names);
    }

    @Test
    void unfetchableAndOversizedBlobsBecomeTicketsWithTheReason() throws Exception {
        Node peer = peer();
        byte[] content = new byte[50_000];
        new Random(1).nextBytes(content);
        Blobs.AddOutcome added = peer.blobs().add(content);
        // A claim check whose size lies (says 10 bytes): the fetch refuses before storing anything.
        Envelope lying = Envelope.of(new Envelope.Blob(new BlobRef(added.content(), 10, List.of(peer.addr()))));
        // A blob nobody has, from a provider that does not exist.
        EndpointAddr nowhere = EndpointAddr.of(SecretKey.generate().publicKey(), null,
                List.of(new InetSocketAddress("127.0.0.1", 9)));
        Envelope missing = Envelope.of(new Envelope.Blob(new BlobRef(HashAndFormat.raw(Hash.of(new byte[] {7})), 1,
                List.of(nowhere))));
        Envelope fine = new Envelope("k".getBytes(UTF_8), List.of(), null,
                new Envelope.Blob(new BlobRef(added.content(), content.length, List.of(peer.addr()))));

        GossipTopic pub = peer.gossip().subscribe(TopicId.fromName("blobs"), List.of());
        IrohSourceTask task = start(peer, "blobs", "errors.tolerance", "all", "blob.fetch.timeout.ms", "3000",
                "blob.inline.max.bytes", "20");
        pub.joined().get(30, TimeUnit.SECONDS);
        pub.broadcast(EnvelopeCodec.encode(lying)).get(10, TimeUnit.SECONDS);
        pub.broadcast(EnvelopeCodec.encode(missing)).get(10, TimeUnit.SECONDS);
        pub.broadcast(EnvelopeCodec.encode(fine)).get(10, TimeUnit.SECONDS);
        Map<String, SourceRecord> byHash = new HashMap<>();
        for (SourceRecord r : pollUntil(task, 3)) {
            byHash.put(r.headers().lastWithName("iroh.blob.hash").value() + "/"
                    + r.headers().lastWithName("iroh.blob.size").value(), r);
        }
        SourceRecord lied = byHash.get(added.hash().toHex() + "/10");
        assertEquals("blob-ticket", lied.headers().lastWithName("iroh.value.kind").value());
        assertTrue(lied.headers().lastWithName("iroh.blob.error").value().toString().contains("more than the limit"),
                lied.headers().toString());
        SourceRecord gone = byHash.get(Hash.of(new byte[] {7}).toHex() + "/1");
        String goneWhy = gone.headers().lastWithName("iroh.blob.error").value().toString();
        assertTrue(goneWhy.contains("could not fetch"), goneWhy);
        // Every round's failure, by provider and kind (the announcing provider is tried first).
        assertTrue(goneWhy.contains(" round(s); by provider: " + nowhere.id().fmtShort() + " UNREACHABLE x"), goneWhy);
        SourceRecord big = byHash.get(added.hash().toHex() + "/" + content.length);
        assertEquals("blob-ticket", big.headers().lastWithName("iroh.value.kind").value());
        assertTrue(big.headers().lastWithName("iroh.blob.error").value().toString().contains("blob.inline.max.bytes"));
        assertTrue(new String((byte[]) big.value(), UTF_8).startsWith("blob"), "the value is the ticket");
    }

    @Test
    void stopClosesTheNodeAndAStoppedTaskPollsNothing() throws Exception {
        Node peer = peer();
        java.util.Set<com.kafkaconnectiroh.p2p.base.EndpointId> before = TaskNodes.running();
        IrohSourceTask task = start(peer, "stop");
        assertEquals(before.size() + 1, TaskNodes.running().size(), "the task's node runs");
        task.stop();
        task.stop();
        assertEquals(null, task.poll());
        assertEquals(before, TaskNodes.running(), "and is closed by stop");
    }
}
