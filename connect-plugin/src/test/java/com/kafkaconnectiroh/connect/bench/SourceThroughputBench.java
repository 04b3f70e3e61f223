package com.kafkaconnectiroh.connect.bench;

import com.kafkaconnectiroh.p2p.gossip.GossipTopic;
import com.kafkaconnectiroh.p2p.gossip.proto.TopicId;
import com.kafkaconnectiroh.p2p.node.Node;
import com.kafkaconnectiroh.stack.ConnectRest;
import com.kafkaconnectiroh.stack.ConnectWorker;
import com.kafkaconnectiroh.stack.KafkaBroker;
import com.kafkaconnectiroh.stack.PluginInstaller;
import com.kafkaconnectiroh.stack.Ports;
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

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        boolean vector = args.length > 1 && args[1].equals("vector");
        Path root = Files.createTempDirectory("source-bench");
        Path libs = Path.of(System.getProperty("kafka.libs", "local-stack/target/kafka/libs"));
        Path zip = Path.of(System.getProperty("plugin.zip", "connect-plugin/target/kafka-connect-iroh-0.1.0-SNAPSHOT.zip"));
        PluginInstaller.install(zip, root.resolve("plugins"));
        try (KafkaBroker broker = KafkaBroker.start(libs, root.resolve("broker"), Ports.free(), Map.of(), List.of(),
                Duration.ofSeconds(90))) {
            int rest = Ports.free();
            Map<String, String> props = ConnectWorker.defaults(broker.bootstrapServers(), "bench", rest, root.resolve("plugins"));
            List<String> jvm = new ArrayList<>(vector ? List.of("--add-modules", "jdk.incubator.vector") : List.of());
            String extra = System.getProperty("worker.jvm.opts", "");
            if (!extra.isBlank()) {
                jvm.addAll(List.of(extra.trim().split("\\s+")));
            }
            try (ConnectWorker worker = ConnectWorker.start("worker", libs, root.resolve("worker"), props, jvm,
                    List.of("IrohSourceConnector"), Duration.ofSeconds(120))) {
                System.out.printf("machine: %d cpus, load %s; worker JVM %s the Vector API%n",
                        Runtime.getRuntime().availableProcessors(), loadAverage(), vector ? "with" : "without");
                Result plain = plainProducer(broker.bootstrapServers(), "plain-bench", n);
                Result source = viaSource(broker.bootstrapServers(), worker.rest(), root, n);
                print("plain producer", plain);
                print("gossip → source task", source);
                System.out.printf("ratio source/plain: %.2f (rate)%n", source.rate / plain.rate);
            }
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

    static Result plainProducer(String bootstrap, String topic, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Consumer c = new Consumer(bootstrap, topic, n);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, new byte[1])).get(); // creates the topic
            c.start();
            for (int i = 0; i < n; i++) {
                byte[] m = message(i);
                producer.send(new ProducerRecord<>(topic, Arrays.copyOfRange(m, 8, 16), m));
            }
            producer.flush();
        }
        return c.await();
    }

    static Result viaSource(String bootstrap, ConnectRest rest, Path root, int n) throws Exception {
        String topicName = "bench-" + System.nanoTime();
        TopicId topic = TopicId.fromName(topicName);
        try (Node peer = Node.builder().bindAddr(new InetSocketAddress("127.0.0.1", 0)).spawn()) {
            GossipTopic pub = peer.gossip().subscribe(topic, List.of());
            Map<String, String> config = new LinkedHashMap<>();
            config.put("connector.class", "com.kafkaconnectiroh.connect.source.IrohSourceConnector");
            config.put("tasks.max", "1");
            config.put("gossip.topics", topicName);
            config.put("iroh.peers", peer.ticket().toString());
            config.put("iroh.bind", "127.0.0.1:0");
            config.put("iroh.data.dir", root.resolve("data").toAbsolutePath().toString());
            rest.putConnector("bench-source", config).orThrow("create");
            rest.awaitRunning("bench-source", 1, Duration.ofSeconds(60));
            pub.joined().get(30, TimeUnit.SECONDS);
            // warm-up: the JIT of the worker and of this peer
            for (int i = 0; i < 20_000; i++) {
                pub.broadcast(message(-1 - i));
            }
            String kafkaTopic = "iroh.gossip." + topic;
            Consumer c = new Consumer(bootstrap, kafkaTopic, n);
            c.skipWarmup = true;
            c.start();
            Semaphore inFlight = new Semaphore(4096);
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                CompletableFuture<Void> f = pub.broadcast(message(i));
                f.whenComplete((v, e) -> inFlight.release());
            }
            return c.await();
        }
    }

    /** Reads a topic from the start; latency = receive time − the send time in the value. */
    static final class Consumer extends Thread {
        final String bootstrap;
        final String topic;
        final int n;
        final long[] latencies;
        boolean skipWarmup;
        volatile Result result;
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

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
