package com.kafkaconnectiroh.connect.bench;

import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.stack.ConnectRest;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Gossip → Kafka through the source connector (one task, in a stock worker, plugin from the zip) beside a plain
 * Kafka producer writing the same records to the same broker, in the same run. 100-byte messages, each carrying
 * its send time (wall clock, microseconds) so a consumer measures end-to-end latency the same way for both.
 *
 * <pre>
 * mvn -q -B -DskipTests package
 * java -cp "$(cat connect-plugin/target/bench.classpath)" com.kafkaconnectiroh.connect.bench.SourceThroughputBench [messages] [vector]
 * </pre>
 */
public final class SourceThroughputBench {
    static final int SIZE = 100;
    static final int WARMUP = 20_000;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int paced = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        try (BenchStack stack = new BenchStack("source-bench")) {
            String bootstrap = stack.broker.bootstrapServers();
            Result plain = plainProducer(bootstrap, "plain-bench", n, 0);
            Result plainPaced = plainProducer(bootstrap, "plain-paced", paced * 5, paced);
            Sources src = new Sources(bootstrap, stack.worker.rest(), stack.root);
            Result source = src.run(n, 0);
            Result sourcePaced = src.run(paced * 5, paced);
            src.close();
            System.out.println("100-byte messages; throughput = burst of " + n + ", latency = " + paced
                    + " msg/s for 5 s (end to end: published/produced → consumed)");
            print("plain producer (burst)", plain);
            print("gossip → source (burst)", source);
            print("plain producer (paced)", plainPaced);
            print("gossip → source (paced)", sourcePaced);
            System.out.printf("ratio source/plain: %.2f (throughput)%n", source.rate / plain.rate);
        }
    }

    record Result(int count, double rate, double p50Ms, double p99Ms) {
    }

    static void print(String what, Result r) {
        System.out.printf("%-24s %8d msgs  %10.0f msg/s  p50 %7.2f ms  p99 %7.2f ms%n", what, r.count, r.rate, r.p50Ms,
                r.p99Ms);
    }

    static byte[] message(long seq) {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.putLong(nowMicros()).putLong(seq);
        while (b.hasRemaining()) {
            b.put((byte) 'x');
        }
        return b.array();
    }

    static long nowMicros() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    /** Sleeps so that message i goes out at start + i / rate (no-op for rate 0: as fast as possible). */
    static void pace(long startNanos, int i, int rate) throws InterruptedException {
        if (rate <= 0) {
            return;
        }
        long due = startNanos + (long) i * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    static Result plainProducer(String bootstrap, String topic, int n, int rate) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Consumer c = new Consumer(bootstrap, topic, n);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, new byte[1])).get(); // creates the topic
            c.start();
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pace(start, i, rate);
                byte[] m = message(i);
                producer.send(new ProducerRecord<>(topic, Arrays.copyOfRange(m, 8, 16), m));
            }
            producer.flush();
        }
        return c.await();
    }

    /** One source connector and its publishing peer, reused for both phases (each on a fresh gossip topic). */
    static final class Sources implements AutoCloseable {
        final String bootstrap;
        final ConnectRest rest;
        final Path root;
        final Node peer;
        int runs;

        Sources(String bootstrap, ConnectRest rest, Path root) throws Exception {
            this.bootstrap = bootstrap;
            this.rest = rest;
            this.root = root;
            this.peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn();
        }

        Result run(int n, int rate) throws Exception {
            String topicName = "bench-" + (++runs) + "-" + System.nanoTime();
            TopicId topic = TopicId.fromName(topicName);
            GossipTopic pub = peer.gossip().subscribe(topic, List.of());
            Map<String, String> config = new LinkedHashMap<>();
            config.put("connector.class", "com.kafkaconnectiroh.connect.source.IrohSourceConnector");
            config.put("tasks.max", "1");
            config.put("gossip.topics", topicName);
            config.put("iroh.peers", peer.ticket().toString());
            config.put("iroh.bind", "127.0.0.1:0");
            config.put("iroh.data.dir", root.resolve("data").toAbsolutePath().toString());
            config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
            config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
            for (String kv : System.getProperty("source.extra", "").split(",")) {
                if (kv.contains("=")) {
                    config.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
            String name = "bench-source-" + runs;
            rest.putConnector(name, config).orThrow("create");
            rest.awaitRunning(name, 1, Duration.ofSeconds(60));
            pub.joined().get(30, TimeUnit.SECONDS);
            Consumer c = new Consumer(bootstrap, "iroh.gossip." + topic, n);
            c.start();
            // warm-up: the JIT of the worker and of this peer; measuring starts once Kafka has all of it, so the
            // measured messages do not queue behind the warm-up's backlog
            for (int i = 0; i < WARMUP; i++) {
                pub.broadcast(message(-1 - i)).get(10, TimeUnit.SECONDS);
            }
            long warmDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (c.warmupSeen < WARMUP && System.nanoTime() < warmDeadline) {
                Thread.sleep(10);
            }
            Semaphore inFlight = new Semaphore(4096);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pace(start, i, rate);
                inFlight.acquire();
                CompletableFuture<Void> f = pub.broadcast(message(i));
                f.whenComplete((v, e) -> inFlight.release());
            }
            Result r = c.await();
            rest.delete("/connectors/" + name).orThrow("delete");
            pub.close();
            return r;
        }

        @Override
        public void close() {
            peer.close();
        }
    }

    /** Reads a topic from the start; latency = receive time − the send time in the value. */
    static final class Consumer extends Thread {
        final String bootstrap;
        final String topic;
        final int n;
        final long[] latencies;
        volatile Result result;
        /** Warm-up messages (negative sequence numbers) seen so far. */
        volatile int warmupSeen;
        long first;
        long last;

        Consumer(String bootstrap, String topic, int n) {
            this.bootstrap = bootstrap;
            this.topic = topic;
            this.n = n;
            this.latencies = new long[n];
        }

        @Override
        public void run() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
            int count = 0;
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
                TopicPartition tp = new TopicPartition(topic, 0);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (count < n && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        if (r.value().length != SIZE) {
                            continue;
                        }
                        ByteBuffer b = ByteBuffer.wrap(r.value());
                        long sent = b.getLong();
                        long seq = b.getLong();
                        if (seq < 0) {
                            warmupSeen++;
                            continue;
                        }
                        long now = nowMicros();
                        if (count == 0) {
                            first = System.nanoTime();
                        }
                        last = System.nanoTime();
                        latencies[count++] = now - sent;
                    }
                }
            }
            long[] l = Arrays.copyOf(latencies, count);
            Arrays.sort(l);
            double secs = Math.max(1, last - first) / 1e9;
            result = new Result(count, count / secs, count == 0 ? 0 : l[count / 2] / 1000.0,
                    count == 0 ? 0 : l[Math.min(count - 1, (int) (count * 0.99))] / 1000.0);
        }

        Result await() throws InterruptedException {
            join();
            return result;
        }
    }

}
