package com.kafkaconnectiroh.connect.bench;

import com.kafkaconnectiroh.p2p.blobs.Blobs;
import com.kafkaconnectiroh.p2p.blobs.DownloadListener;
import com.kafkaconnectiroh.p2p.blobs.store.TagOption;
import com.kafkaconnectiroh.p2p.envelope.Envelope;
import com.kafkaconnectiroh.p2p.envelope.EnvelopeCodec;
import com.kafkaconnectiroh.p2p.envelope.Message;
import com.kafkaconnectiroh.p2p.gossip.GossipEvent;
import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.stack.ConnectRest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka → gossip through the sink connector (one task, stock worker, plugin from the zip), beside a plain Kafka
 * consumer reading the same topic in the same run; and 1 MiB values (blobs served by the task's node, fetched by a
 * Java peer) beside the node's own blob transfer of the same blobs, Java → Java.
 *
 * <pre>
 * mvn -q -B -DskipTests package
 * java -cp "$(cat connect-plugin/target/bench.classpath)" com.kafkaconnectiroh.connect.bench.SinkThroughputBench [small] [large]
 * </pre>
 */
public final class SinkThroughputBench {
    public static void main(String[] args) throws Exception {
        int small = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int large = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (BenchStack stack = new BenchStack("sink-bench")) {
            String bootstrap = stack.broker.bootstrapServers();
            fill(bootstrap, "small-fresh", small, 100);
            fill(bootstrap, "small", small, 100);
            fill(bootstrap, "large", large, 1 << 20);
            double plainSmall = plainConsumer(bootstrap, "small", small);
            double plainLarge = plainConsumer(bootstrap, "large", large);
            try (Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
                // The first connector runs in a fresh worker JVM (what a user meets first); the second is warm.
                double fresh = viaSink(stack.worker.rest(), stack, peer, "small-fresh", small, false);
                double sinkSmall = viaSink(stack.worker.rest(), stack, peer, "small", small, false);
                double sinkLarge = viaSink(stack.worker.rest(), stack, peer, "large", large, true);
                double own = ownBlobTransfer(large);
                System.out.printf("small (100 B): plain consumer %10.0f rec/s, sink → gossip peer fresh %10.0f rec/s, "
                        + "warm %10.0f rec/s, ratio warm/plain %.2f%n", plainSmall, fresh, sinkSmall, sinkSmall / plainSmall);
                System.out.printf("large (1 MiB): plain consumer %8.1f MB/s, sink → blob fetched by peer %8.1f MB/s, "
                        + "node's own blob transfer %8.1f MB/s, ratio to own %.2f%n",
                        plainLarge * (1 << 20) / 1e6, sinkLarge * (1 << 20) / 1e6, own, sinkLarge * (1 << 20) / 1e6 / own);
            }
        }
    }

    static void fill(String bootstrap, String topic, int n, int size) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 << 20);
        Random rnd = new Random(1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < n; i++) {
                byte[] v = new byte[size];
                rnd.nextBytes(v);
                ByteBuffer.wrap(v).putLong(i); // unique: gossip would merge identical values
                producer.send(new ProducerRecord<>(topic, v));
            }
            producer.flush();
        }
    }

    /** Records per second a plain consumer reads the topic at, from its first record to its last. */
    static double plainConsumer(String bootstrap, String topic, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "plain-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
        int count = 0;
        long first = 0;
        long last = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (count < n && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(200));
                if (!rs.isEmpty() && count == 0) {
                    first = System.nanoTime();
                }
                count += rs.count();
                last = System.nanoTime();
            }
        }
        return count / ((last - first) / 1e9);
    }

    /** Records per second arriving at the peer (for blobs: fetched and verified), first to last. */
    static double viaSink(ConnectRest rest, BenchStack stack, Node peer, String topic, int n, boolean fetch)
            throws Exception {
        GossipTopic sub = peer.gossip().subscribe(TopicId.fromName(topic), List.of(), 1 << 20);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "com.kafkaconnectiroh.connect.sink.IrohSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("iroh.peers", peer.ticket().toString());
        config.put("iroh.bind", "127.0.0.1:0");
        config.put("iroh.data.dir", stack.root.resolve("data").toAbsolutePath().toString());
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("consumer.override.auto.offset.reset", "earliest");
        for (String kv : System.getProperty("sink.extra", "").split(",")) {
            if (kv.contains("=")) {
                config.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        rest.putConnector("bench-sink-" + topic, config).orThrow("create");
        int count = 0;
        long first = 0;
        long last = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        Blobs blobs = peer.blobs();
        while (count < n && System.nanoTime() < deadline) {
            GossipEvent e = sub.next(Duration.ofMillis(500));
            if (!(e instanceof GossipEvent.Received r)) {
                continue;
            }
            if (count == 0) {
                first = System.nanoTime();
            }
            if (fetch) {
                Envelope env = ((Message.Full) EnvelopeCodec.decode(r.content())).envelope();
                var ref = ((Envelope.Blob) env.payload()).ref();
                blobs.downloader().download(ref.content(), ref.providers(), TagOption.none(), DownloadListener.NONE);
            }
            count++;
            last = System.nanoTime();
        }
        rest.delete("/connectors/bench-sink-" + topic).orThrow("delete");
        if (count < n) {
            System.out.println("sink " + topic + ": only " + count + " of " + n + " arrived");
        }
        return count / ((last - first) / 1e9);
    }

    /** MB/s of the node's own blob transfer, Java → Java, of {@code n} 1 MiB blobs fetched one after another. */
    static double ownBlobTransfer(int n) throws Exception {
        try (Node a = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn();
             Node b = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            Random rnd = new Random(2);
            List<Blobs.AddOutcome> added = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] v = new byte[1 << 20];
                rnd.nextBytes(v);
                added.add(a.blobs().add(v));
            }
            long start = System.nanoTime();
            for (Blobs.AddOutcome o : added) {
                b.blobs().downloader().download(o.content(), List.of(a.addr()), TagOption.none(), DownloadListener.NONE);
            }
            return (double) n * (1 << 20) / 1e6 / ((System.nanoTime() - start) / 1e9);
        }
    }
}
