package com.kafkaconnectiroh.connect.it;

import com.kafkaconnectiroh.stack.ConnectRest;
import com.kafkaconnectiroh.stack.ConnectWorker;
import com.kafkaconnectiroh.stack.KafkaBroker;
import com.kafkaconnectiroh.stack.PluginInstaller;
import com.kafkaconnectiroh.stack.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The integration tests' Kafka: one broker and one stock Connect worker (child JVMs on the Kafka distribution's
 * jars), started once per test JVM, with the plugin zip unpacked into the worker's plugin.path. The connectors
 * are not on the test class path (failsafe excludes them), so they can only come from the zip.
 */
final class ItStack {
    static final String SOURCE_CLASS = "com.kafkaconnectiroh.connect.source.IrohSourceConnector";
    static final String SINK_CLASS = "com.kafkaconnectiroh.connect.sink.IrohSinkConnector";

    private static ItStack instance;
    private static Exception startFailure;

    final Path root;
    final Path libs;
    final Path pluginPath;
    final KafkaBroker broker;
    final ConnectWorker worker;
    private final List<ConnectWorker> extraWorkers = new ArrayList<>();
    private final String groupId = "it-connect";

    private ItStack() throws IOException, InterruptedException {
        root = Path.of("target", "it-stack").toAbsolutePath();
        libs = Path.of(System.getProperty("kafka.libs", "../kafka-dist/target/kafka/libs")).toAbsolutePath();
        com.kafkaconnectiroh.stack.Dirs.deleteTree(root);
        pluginPath = root.resolve("plugins");
        PluginInstaller.install(Path.of(System.getProperty("plugin.zip")), pluginPath);
        broker = KafkaBroker.start(libs, root.resolve("broker"), Ports.free(),
                Map.of("message.max.bytes", Integer.toString(32 << 20)), List.of(), Duration.ofSeconds(90));
        worker = startWorkerNamed("worker-1");
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "it-stack-shutdown"));
    }

    /** The stack, started on first use; a start that failed fails every later caller at once with its reason. */
    static synchronized ItStack get() throws IOException, InterruptedException {
        if (startFailure != null) {
            throw new IOException("the test stack could not start", startFailure);
        }
        if (instance == null) {
            try {
                instance = new ItStack();
            } catch (IOException | RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
        return instance;
    }

    ConnectRest rest() {
        return worker.rest();
    }

    /** Another worker of the same Connect cluster (a rebalance when it joins or leaves). */
    ConnectWorker startWorkerNamed(String name) throws IOException, InterruptedException {
        int restPort = Ports.free();
        Map<String, String> props = ConnectWorker.defaults(broker.bootstrapServers(), groupId, restPort, pluginPath);
        props.put("connector.client.config.override.policy", "All");
        // A worker that left gets its tasks reassigned after this delay (default 5 min, waiting for it to return).
        props.put("scheduled.rebalance.max.delay.ms", "3000");
        props.put("producer.max.request.size", Integer.toString(32 << 20));
        ConnectWorker w = ConnectWorker.start(name, libs, root.resolve(name), props, List.of(),
                List.of(SOURCE_CLASS, SINK_CLASS), Duration.ofSeconds(120));
        if (!name.equals("worker-1")) {
            extraWorkers.add(w);
        }
        return w;
    }

    /**
     * A worker of its own Connect cluster (group {@code groupId}) on the same broker, for tests that crash and
     * restart workers without disturbing the others. The caller closes (or kills) it.
     */
    ConnectWorker startIsolatedWorker(String name, String groupId) throws IOException, InterruptedException {
        return startIsolatedWorker(name, groupId, Map.of());
    }

    /** Like {@link #startIsolatedWorker(String, String)} with more worker properties. */
    ConnectWorker startIsolatedWorker(String name, String groupId, Map<String, String> more)
            throws IOException, InterruptedException {
        int restPort = Ports.free();
        Map<String, String> props = ConnectWorker.defaults(broker.bootstrapServers(), groupId, restPort, pluginPath);
        props.putAll(more);
        props.put("connector.client.config.override.policy", "All");
        props.put("scheduled.rebalance.max.delay.ms", "3000");
        props.put("offset.flush.interval.ms", "1000");
        return ConnectWorker.start(name, libs, root.resolve(name), props, List.of(), List.of(SOURCE_CLASS, SINK_CLASS),
                Duration.ofSeconds(120));
    }

    /** A connector JSON file of config/, as the REST API takes it, with {@code overrides} applied. */
    static Map<String, String> exampleConfig(String file, Map<String, String> overrides) throws IOException {
        Path p = Path.of(System.getProperty("repo.root", "..")).resolve("config").resolve(file);
        Map<String, String> config = new LinkedHashMap<>(ConnectRest.readConnectorConfig(p));
        config.putAll(overrides);
        return config;
    }

    /** A fresh data dir for one connector of one test. */
    Path dataDir(String name) throws IOException {
        Path d = root.resolve("data").resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(d);
        return d;
    }

    KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 << 20);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        return consumer(Map.of());
    }

    KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> more) {
        Properties p = new Properties();
        p.putAll(more);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 << 20);
        return new KafkaConsumer<>(p);
    }

    /**
     * Reads {@code topic} (partition 0, from the start) until {@code count} records arrived or the time is up;
     * returns what arrived.
     */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, int count, Duration timeout) {
        return read(topic, count, timeout, Map.of());
    }

    /** As {@link #read(String, int, Duration)}, with consumer settings (e.g. isolation.level=read_committed). */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, int count, Duration timeout, Map<String, Object> settings) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(settings)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> parts = null;
            while (System.nanoTime() < deadline && out.size() < count) {
                if (parts == null) {
                    List<org.apache.kafka.common.PartitionInfo> infos;
                    try {
                        infos = c.partitionsFor(topic, Duration.ofSeconds(2));
                    } catch (org.apache.kafka.common.errors.TimeoutException e) {
                        infos = null; // the topic does not exist yet
                    }
                    if (infos == null || infos.isEmpty()) {
                        sleep(200);
                        continue;
                    }
                    parts = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
                    c.assign(parts);
                    c.seekToBeginning(parts);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdown() {
        for (ConnectWorker w : extraWorkers) {
            w.close();
        }
        worker.close();
        broker.close();
    }

    /** Field name → first error message, from {@code PUT /connector-plugins/{plugin}/config/validate}. */
    Map<String, String> validationErrors(String pluginClass, Map<String, String> config) throws Exception {
        com.fasterxml.jackson.databind.JsonNode v = rest().validate(pluginClass, config).orThrow("validate").body();
        Map<String, String> errors = new java.util.HashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode c : v.path("configs")) {
            com.fasterxml.jackson.databind.JsonNode errs = c.path("value").path("errors");
            if (errs.size() > 0) {
                errors.put(c.path("value").path("name").asText(), errs.get(0).asText());
            }
        }
        return errors;
    }
}
